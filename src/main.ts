import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseCommandLine } from './cli.js';
import type { ServeOptions } from './cli.js';
import { readInstallationId, resolveCodexHome } from './config/codex-home.js';
import { loadConfig } from './config/load.js';
import { featureOverride, parseConfigOverride } from './config/overrides.js';
import { MAX_INBOUND_MESSAGE_BYTES } from './protocol/message-limits.js';
import type { ConnectionStats } from './rpc/connection.js';
import { IdleChores } from './server/idle-chores.js';
import { IdleMemoryReclaimer } from './server/idle-memory-reclaimer.js';
import { ServerInstance } from './server/server-instance.js';
import { ServerInstances } from './server/server-instances.js';
import { DEFAULT_DRAIN_TIMEOUT_SECONDS, ServerShutdown } from './server/server-shutdown.js';
import type { OutboundLimits } from './rpc/outbound-queue.js';
import { outboundFetch } from './net/outbound-fetch.js';
import { configuredBwrap } from './tools/sandbox/bwrap-setting.js';
import { detectBubblewrap } from './tools/sandbox/detect-bubblewrap.js';
import type { SandboxSupport } from './tools/sandbox/detect-bubblewrap.js';
import { startWebsocketListener } from './transport/http-server.js';
import { resolveTlsSettings } from './transport/tls-settings.js';
import { tenantSettings } from './transport/tenant-settings.js';
import { ensureTenantDirectories } from './config/tenant-layout.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import type { WebsocketListener } from './transport/http-server.js';
import { stdioTransport } from './transport/stdio.js';
import { startUnixSocketListener } from './transport/unix-socket-listener.js';
import type { UnixSocketListener } from './transport/unix-socket-listener.js';
import { refusesNonLoopbackWithoutAuth, resolveWsAuthPolicy } from './transport/ws-auth-settings.js';
import { createLogger } from './util/logger.js';
import { logUnhandledRejections } from './util/unhandled-rejections.js';
import type { Logger } from './util/logger.js';
import { StartupError } from './util/startup-error.js';
import { FullCollector } from './util/full-collection.js';
import { collectStartupGarbageSoon } from './util/startup-garbage.js';

/**
 * How long after the server listens the bubblewrap probe runs unless a command asked for it sooner (and, if a turn
 * is running then, once none is): long enough for a client that connects at once to be served first, short
 * enough that the start-up log still says early whether commands can be sandboxed.
 */
const SANDBOX_PROBE_DELAY_MS = 1000;

/**
 * How long after the server listens the metrics registry is built (prom-client loaded, Node's default metrics
 * started; ~8 ms) unless a scrape asked for it sooner: off the start-up path, and before the start-up collection
 * (500 ms), which then also takes the garbage of building it.
 */
const METRICS_PREPARE_DELAY_MS = 250;

/** A running server, as main and in-process tests hold it. */
export interface RunningServer {
  /** Set when listening on a websocket. */
  readonly websocket: WebsocketListener | null;
  /** Set when listening on a unix socket (`--listen unix://`). */
  readonly unixSocket: UnixSocketListener | null;
  readonly codexHome: string;
  /** Resolves once the server has stopped (after `drain` or `close`, or by itself when stdio input ended). */
  readonly stopped: Promise<void>;
  /**
   * Graceful shutdown (SIGTERM, SIGINT, stdin EOF): see ServerShutdown. Resolves once everything is closed and
   * every rollout is durable.
   */
  drain(): Promise<void>;
  /** Shutdown without the grace period: running turns are interrupted now (a drain in progress ends early). */
  close(): Promise<void>;
  /** What each live connection holds (queued requests and messages, pending server requests). */
  connectionStats(): ConnectionStats[];
  /** How many turns are running now, over every thread of every tenant. */
  runningTurnCount(): number;
  /** Runs `chore` once `delayMs` has passed and no turn is running (server/idle-chores.ts); never after shutdown. */
  whenIdleAfter(delayMs: number, chore: () => void): void;
}

export interface StartServerOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Logger;
  /** For stdio: the streams to speak on (default process.stdin/stdout). */
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  /**
   * How long `attestation/generate` may take; default the reference's 100 ms. Tests that are not about the
   * budget widen it, so a loaded machine cannot turn their answers into timeouts.
   */
  readonly attestationTimeoutMs?: number;
  /** Slow-client limits (tests shrink them); DEFAULT_OUTBOUND_LIMITS when absent. */
  readonly outboundLimits?: OutboundLimits;
  /** Told whenever a turn of any thread has ended (the `app-server` process gives memory back then). */
  readonly onTurnFinished?: () => void;
}

/**
 * Builds and starts the server for one `app-server` invocation. Throws StartupError for every configuration
 * problem before anything listens.
 */
export async function startServer(options: ServeOptions, start: StartServerOptions = {}): Promise<RunningServer> {
  const env = start.env ?? process.env;
  const log = start.log ?? createLogger(env);
  const codexHome = resolveCodexHome(env);
  const authPolicy = await resolveWsAuthPolicy(options);
  if (options.listen.kind === 'websocket') {
    const refusal = refusesNonLoopbackWithoutAuth(options.listen.host, options.listen.port, authPolicy);
    if (refusal) throw new StartupError(refusal);
  }
  const tls = await resolveTlsSettings(options, options.listen.kind === 'websocket');
  if (options.metricsRequireAuth && authPolicy.mode === 'none') {
    throw new StartupError('--metrics-require-auth requires --ws-auth');
  }
  const overrides = [
    ...options.config.map(parseConfigOverride),
    ...options.enable.map((name) => featureOverride(name, true)),
    ...options.disable.map((name) => featureOverride(name, false)),
  ];
  const config = await loadConfig({ codexHome, overrides });
  const installationId = await readInstallationId(codexHome);

  // Probed in the background (it runs bwrap once): start-up does not wait, the first command does. The probe
  // runs when first asked for, or SANDBOX_PROBE_DELAY_MS after the server listens with no turn running, whichever
  // comes first: spawning bwrap then competes neither with start-up nor with a client's first requests and turns.
  // Warned once, here: every instance (each tenant's too) shares this result. The probe never rejects (a failure
  // is an unavailable sandbox), so the warning below is fire-and-forget.
  let sandboxProbe: Promise<SandboxSupport> | undefined;
  const sandbox = (): Promise<SandboxSupport> => {
    if (sandboxProbe === undefined) {
      sandboxProbe = detectBubblewrap({ env, configured: configuredBwrap(env, config.config.bwrap_path) });
      // Attached first, so the warning is logged before the command that asked learns the outcome.
      void sandboxProbe.then((support) => {
        if (!support.available) {
          log.warn(
            { reason: support.reason },
            `commands cannot be sandboxed here, so read-only and workspace-write commands will be refused: ${support.reason}`,
          );
        }
      });
    }
    return sandboxProbe;
  };
  // Background chores wait for running turns to end; `instances` exists by the time any of them comes due.
  const chores = new IdleChores({ turnsRunning: () => instances.runningTurnCount() > 0 });
  const httpFetch = outboundFetch(env, log);
  // Metrics are served on the websocket port, so only a websocket server keeps them. Their sources are read at
  // scrape time, when the instances below exist.
  const metrics: ServerMetrics | undefined =
    options.listen.kind === 'websocket'
      ? new ServerMetrics({
          openConnections: () => instances.connectionCount,
          initializedConnections: () => instances.initializedConnectionCount,
          queuedRequests: () => instances.queuedRequestCount,
          queuedOutboundBytes: () =>
            instances.connectionStats().reduce((total, stats) => total + stats.outboundQueuedBytes, 0),
          activeTurns: () => instances.runningTurnCount(),
          loadedThreads: () => instances.loadedThreadCount(),
        })
      : undefined;
  const instanceOptions = {
    config,
    installationId,
    env,
    log,
    sandbox,
    fetch: httpFetch,
    ...(start.attestationTimeoutMs === undefined ? {} : { attestationTimeoutMs: start.attestationTimeoutMs }),
    ...(metrics ? { metrics } : {}),
    ...(start.outboundLimits === undefined ? {} : { outboundLimits: start.outboundLimits }),
    onTurnFinished: () => {
      chores.turnFinished();
      start.onTurnFinished?.();
    },
  };
  const tenancy = tenantSettings(options, authPolicy, options.listen.kind === 'websocket', process.cwd());
  const instances: ServerInstances = tenancy
    ? new ServerInstances(null, (tenant) => {
        const directories = ensureTenantDirectories(codexHome, tenancy.workspaceRoot, tenant);
        const workspace = realpathSync(directories.workspace);
        log.info({ codexHome: directories.codexHome, workspace }, 'first connection of a tenant');
        return new ServerInstance({
          ...instanceOptions,
          codexHome: directories.codexHome,
          serverCwd: workspace,
          // Each tenant gets its own copy: config writes are refused for tenants, but nothing may be shared.
          config: structuredClone(config),
          log: log.child({ tenant: basename(directories.codexHome) }),
          // Commands see neither the server's CODEX_HOME nor other tenants' workspaces: only their own.
          tenant: {
            name: tenant,
            jail: { hide: [realpathSync(codexHome), realpathSync(tenancy.workspaceRoot)], reveal: [workspace] },
          },
        });
      })
    : new ServerInstances(new ServerInstance({ ...instanceOptions, codexHome, serverCwd: process.cwd() }));

  let websocket: WebsocketListener | null = null;
  let unixSocket: UnixSocketListener | null = null;
  const shutdown = new ServerShutdown({
    drainTimeoutMs: (options.drainTimeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS) * 1000,
    log,
    refuseNewWork: () => instances.beginDrain(),
    finishTurns: (deadline) => instances.finishTurns(deadline),
    runningTurns: () => instances.runningTurnCount(),
    closeEverything: async () => {
      chores.stop();
      instances.closeConnections('server shutting down');
      await websocket?.close();
      await unixSocket?.close();
      await instances.closeThreads();
    },
  });

  switch (options.listen.kind) {
    case 'websocket':
      websocket = await startWebsocketListener({
        host: options.listen.host,
        port: options.listen.port,
        authPolicy,
        tls,
        connections: instances,
        tenantClaim: tenancy?.claim ?? null,
        log,
        ...(metrics ? { metrics: { metrics, requireAuth: options.metricsRequireAuth === true } } : {}),
      });
      break;
    case 'unix':
      unixSocket = await startUnixSocketListener({
        path: options.listen.path,
        codexHome,
        cwd: process.cwd(),
        authPolicy,
        connections: instances,
        log,
      });
      break;
    case 'stdio': {
      const transport = stdioTransport({
        input: start.stdin ?? process.stdin,
        output: start.stdout ?? process.stdout,
        log,
        maxLineBytes: MAX_INBOUND_MESSAGE_BYTES,
      });
      // A stdio client that closes its input is gone for good: that is this transport's shutdown signal.
      transport.onClose(() => void shutdown.drain());
      instances.attach(transport, null);
      break;
    }
    case 'off': {
      // Nothing listens, so nothing keeps the event loop alive; the reference also just waits for a signal.
      // `stopped` never rejects: clearing the timer is fire-and-forget.
      const keepAlive = setInterval(() => {}, 1 << 30);
      void shutdown.stopped.then(() => clearInterval(keepAlive));
      break;
    }
  }
  chores.after(SANDBOX_PROBE_DELAY_MS, () => void sandbox());
  // A scrape before then builds the registry itself; a failure to build it is reported by every scrape.
  if (metrics) chores.after(METRICS_PREPARE_DELAY_MS, () => void metrics.prepare().catch(() => undefined));
  log.debug({ codexHome, listen: options.listen.kind }, 'app-server started');
  return {
    websocket,
    unixSocket,
    codexHome,
    stopped: shutdown.stopped,
    drain: () => shutdown.drain(),
    close: () => shutdown.close(),
    connectionStats: () => instances.connectionStats(),
    runningTurnCount: () => instances.runningTurnCount(),
    whenIdleAfter: (delayMs, chore) => chores.after(delayMs, chore),
  };
}

/** What the launcher (launch.cts) hears from a running `app-server`. */
export interface CliHooks {
  /** The server listens (the launcher writes V8's code cache of the bundle then). */
  readonly onStarted?: () => void;
  /**
   * Just before the process first changes V8's flags (its first full collection, util/full-collection.ts): the
   * launcher loads the built-ins it deferred, while Node's code cache of them is still accepted.
   */
  readonly beforeFlagChange?: () => void;
}

/** Runs one `app-server` invocation: the server, or a generator subcommand. Exits the process when done. */
export async function runCli(argv: readonly string[], hooks: CliHooks = {}): Promise<void> {
  const cli = parseCommandLine(argv);
  switch (cli.command) {
    // The generators are loaded only when asked for: the server's start-up time does not pay for them.
    case 'generate-json-schema': {
      const { writeJsonSchemaFiles } = await import('./protocol/json-schema.js');
      await writeJsonSchemaFiles(cli.out);
      return;
    }
    case 'generate-ts': {
      const { writeTypeScriptFiles } = await import('./protocol/typescript-bindings.js');
      await writeTypeScriptFiles(cli.out);
      return;
    }
    case 'serve': {
      // Signals are handled from the start, so a stop requested during start-up is graceful too.
      let server: RunningServer | undefined;
      let stopRequested = false;
      const onSignal = (signal: NodeJS.Signals) => {
        // A second signal means "now": skip the rest of the drain, exiting as a process killed by it would
        // (128 + signal number: 130 for SIGINT, 143 for SIGTERM). Every rollout line already written stays.
        if (stopRequested) {
          process.stderr.write(`received ${signal} again: exiting without finishing the drain\n`);
          process.exit(128 + (osConstants.signals[signal] ?? 0));
        }
        stopRequested = true;
        // Fire-and-forget: the drain's end is awaited below through `server.stopped`.
        void server?.drain();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      const log = createLogger(process.env);
      logUnhandledRejections(process, log);
      // Memory is given back by the process, not by each server: in-process tests run servers of their own.
      const collector = new FullCollector(hooks.beforeFlagChange);
      const collect = () => void collector.collect();
      const memory = new IdleMemoryReclaimer({ turnsRunning: () => (server?.runningTurnCount() ?? 0) > 0, collect });
      server = await startServer(cli.options, { log, onTurnFinished: () => memory.turnFinished() });
      hooks.onStarted?.();
      collectStartupGarbageSoon(server, () => {
        collect();
        memory.collected();
      });
      if (stopRequested) void server.drain();
      await server.stopped;
      process.exit(0);
    }
  }
}

/** Prints a start-up failure as the reference does (`Error: <message>`, exit code 1). */
export function exitWithStartupFailure(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Error: ${message}\n`);
  if (!(error instanceof StartupError) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exit(1);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  // In the bundled build (dist/app-server.cjs, started by launch.cts) import.meta.url is empty: the launcher runs us.
  if (!script || !import.meta.url) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) runCli(process.argv.slice(2)).catch(exitWithStartupFailure);
