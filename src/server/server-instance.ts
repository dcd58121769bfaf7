import { AuthManager } from '../auth/auth-manager.js';
import { GatewayCredentials } from '../auth/gateway/gateway-credentials.js';
import type { LoadedConfig } from '../config/load.js';
import { buildHandlerTable } from '../handlers/handler-table.js';
import { confineToTenant } from '../handlers/tenant-confinement.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { ServerNotifications, ServerRequests } from '../protocol/registry.js';
import { BroadcastRelay } from '../runtime/clients/broadcast.js';
import { ThreadManager } from '../runtime/threads/thread-manager.js';
import type { CommandJail } from '../tools/sandbox/command-jail.js';
import type { SandboxSupport } from '../tools/sandbox/detect-bubblewrap.js';
import type { Logger } from '../util/logger.js';
import { RpcHost } from '../rpc/host.js';
import type { OutboundLimits } from '../rpc/outbound-queue.js';

export interface ServerInstanceOptions {
  /** Where threads, names, read receipts and auth.json live. */
  readonly codexHome: string;
  /** The default cwd of threads and commands. */
  readonly serverCwd: string;
  readonly config: LoadedConfig;
  readonly installationId: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Logger;
  /** The shared bubblewrap probe: runs on its first call (see main.ts). */
  readonly sandbox: () => Promise<SandboxSupport>;
  /** Outbound HTTPS, trusting the custom CA bundle when one is configured (shared by every instance). */
  readonly fetch: typeof fetch;
  readonly metrics?: ServerMetrics;
  readonly outboundLimits?: OutboundLimits;
  /** The budget of `attestation/generate` (tests widen it); default the reference's 100 ms. */
  readonly attestationTimeoutMs?: number;
  /**
   * Set for a tenant: its handlers are confined to `serverCwd` (handlers/tenant-confinement.ts) and its commands
   * to its jail (tools/sandbox/command-jail.ts).
   */
  readonly tenant?: { readonly name: string; readonly jail: CommandJail };
  /** Told whenever a turn of any of this instance's threads has ended. */
  readonly onTurnFinished?: () => void;
}

/**
 * One world of threads and the connections that see it: a thread manager over one CODEX_HOME, and the rpc host
 * whose connections it broadcasts to. A server has one, or one per tenant; nothing crosses between them.
 */
export class ServerInstance {
  readonly host: RpcHost;
  readonly threads: ThreadManager;
  readonly codexHome: string;

  constructor(options: ServerInstanceOptions) {
    const { codexHome, config, env, log, metrics } = options;
    this.codexHome = codexHome;
    // The Codex login of this instance: a tenant's auth.json is its own.
    const auth = new AuthManager({ codexHome, log, fetch: options.fetch, env });
    // Thread-list notifications go to every initialized connection of this instance, so the host that knows
    // them is the audience; it is attached once built (it needs the handler table, which needs the threads).
    const everyone = new BroadcastRelay();
    // Every connection hears of a gateway sign-in's status (the one that started it also gets its URL or code).
    const gatewayCredentials = new GatewayCredentials({
      codexHome,
      log,
      fetch: options.fetch,
      onChange: (providerId, { status, error }) =>
        everyone.broadcast(ServerNotifications.accountGatewayOAuthChanged, {
          loginId: null,
          authUrl: null,
          providerId,
          status,
          error,
        }),
    });
    this.threads = new ThreadManager({
      codexHome,
      config,
      env,
      log,
      serverCwd: options.serverCwd,
      broadcaster: everyone,
      sandbox: options.sandbox,
      auth,
      gatewayCredentials,
      fetch: metrics ? metrics.observeModelFetch(options.fetch) : options.fetch,
      ...(options.attestationTimeoutMs === undefined ? {} : { attestationTimeoutMs: options.attestationTimeoutMs }),
      ...(options.tenant ? { commandJail: options.tenant.jail } : {}),
      ...(options.onTurnFinished ? { onTurnFinished: options.onTurnFinished } : {}),
    });
    const services = {
      codexHome,
      auth,
      gatewayCredentials,
      fetch: options.fetch,
      broadcaster: everyone,
      installationId: options.installationId,
      configWarnings: config.warnings,
      config,
      env,
      threads: this.threads,
    };
    const handlers = buildHandlerTable(services);
    this.host = new RpcHost({
      handlers: options.tenant === undefined ? handlers : confineToTenant(handlers, options.serverCwd),
      log,
      ...(metrics ? { metrics } : {}),
      ...(options.outboundLimits === undefined ? {} : { outboundLimits: options.outboundLimits }),
    });
    everyone.attach(this.host);
    const host = this.host;
    auth.setTokenRefreshRequester((params, signal) =>
      host.requestFromClients(ServerRequests.chatgptAuthTokensRefresh, params, signal),
    );
  }
}
