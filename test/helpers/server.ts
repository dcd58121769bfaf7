import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import type { ServeOptions } from '../../src/cli.js';
import { startServer } from '../../src/main.js';
import type { RunningServer, StartServerOptions } from '../../src/main.js';
import { createSilentLogger } from '../../src/util/logger.js';
import { WAIT_MS } from './rpc-client.js';
import { makeTempHome } from './temp-home.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built `app-server` binary (`npm test` builds first): the launcher that runs the bundle. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/src/launch.cjs', import.meta.url));

export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly port: number;
  readonly httpBase: string;
  readonly codexHome: string;
}

/**
 * Starts the real server in this process on 127.0.0.1:0 with a private CODEX_HOME, stopped in `t.after`.
 * `flags` are the websocket auth flags and other serve options beyond `--listen`; `start` the in-process knobs
 * (attestation budget, slow-client limits, a captured log); `extraEnv` is added to the server's environment.
 */
export async function startTestServer(
  t: TestContext,
  flags: Partial<Omit<ServeOptions, 'listen'>> = {},
  configToml?: string,
  start: Pick<StartServerOptions, 'attestationTimeoutMs' | 'outboundLimits' | 'log'> = {},
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<TestServer> {
  const codexHome = await makeTempHome(t, configToml);
  const options = {
    config: [],
    enable: [],
    disable: [],
    ...flags,
    listen: { kind: 'websocket', host: '127.0.0.1', port: 0 },
  } as ServeOptions;
  const server = await startServer(options, {
    ...start,
    env: { ...process.env, ...extraEnv, CODEX_HOME: codexHome },
    log: start.log ?? createSilentLogger(),
  });
  t.after(() => server.close());
  const listener = server.websocket;
  if (!listener) throw new Error('server did not start a websocket listener');
  return {
    server,
    url: listener.url,
    port: listener.port,
    httpBase: `http://127.0.0.1:${listener.port}`,
    codexHome,
  };
}

export interface SpawnedCli {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process ended. */
  readonly exited: Promise<number | string>;
}

/**
 * Runs the built CLI as a user would, killed in `t.after` if still running. `env` is merged over a copy of
 * process.env (tests always pass a private CODEX_HOME). The working directory (a remote client's threads run
 * there) is the project root unless `cwd` is given.
 */
export function spawnCli(
  t: TestContext,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string } = {},
): SpawnedCli {
  return spawnProcess(t, [process.execPath, CLI_PATH, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { ...process.env, ...env },
  });
}

/** Runs `argv` with exactly `env` in `cwd`, collecting its stderr; killed in `t.after` if still running. */
export function spawnProcess(
  t: TestContext,
  argv: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): SpawnedCli {
  const [file = '', ...args] = argv;
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, stderr: () => stderr, exited };
}

/** Waits (bounded) until the spawned process's stderr matches `pattern`; returns the match. */
export async function waitForStderr(cli: SpawnedCli, pattern: RegExp, timeoutMs = WAIT_MS): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(cli.stderr());
    if (match) return match;
    if (cli.child.exitCode !== null) throw new Error(`process exited before printing ${pattern}: ${cli.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} on stderr in ${timeoutMs} ms: ${cli.stderr()}`);
    await Promise.race([once(cli.child.stderr, 'data'), once(cli.child, 'exit'), delay(Math.max(1, deadline - Date.now()))]);
  }
}

/** Waits (bounded) until the spawned server printed its websocket URL; returns it. */
export async function waitForListening(cli: SpawnedCli, timeoutMs = WAIT_MS): Promise<string> {
  const match = await waitForStderr(cli, /listening on: (wss?:\/\/\S+)/, timeoutMs);
  return match[1] ?? '';
}

/** Resolves with the exit code, failing after a bound. */
export async function exitCodeOf(cli: SpawnedCli, timeoutMs = WAIT_MS): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`process did not exit in ${timeoutMs} ms: ${cli.stderr()}`)), timeoutMs);
  });
  try {
    return await Promise.race([cli.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
  });
}
