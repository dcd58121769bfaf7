import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { ServerRequests, ServerNotifications } from '../../protocol/registry.js';
import type { Logger } from '../../util/logger.js';
import { granularSettings, policyKind } from '../../tools/policy/approval-policy.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { withPluginMcpServers } from '../plugins/plugin-mcp-servers.js';
import { askSubscribers } from '../clients/user-requests.js';
import type { ConnectionOptions } from './mcp-connection.js';
import { McpServerSet } from './mcp-server-set.js';
import { mcpServerConfigs } from './server-config.js';
import type { McpServerConfig } from './server-config.js';

/**
 * The server-wide owner of MCP servers. Every loaded thread gets its own set, started when the thread is loaded
 * (as the reference does at thread/start) and stopped when it is unloaded or the server shuts down, so no server
 * process outlives its thread. `config/mcpServer/reload` gives the loaded threads fresh sets from the
 * configuration as it is now.
 */
export class McpHub {
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #log: Logger;
  readonly #codexHome: string;
  readonly #jail: ConnectionOptions['jail'];
  /** The current `mcp_servers` table, after a reload; undefined until then (each thread's own config counts). */
  #reloaded: unknown = undefined;

  constructor(options: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly log: Logger;
    readonly codexHome: string;
    /** A tenant's jail, which its stdio servers run in. */
    readonly jail?: ConnectionOptions['jail'];
  }) {
    this.#env = options.env;
    this.#codexHome = options.codexHome;
    this.#jail = options.jail;
    this.#log = options.log.child({ component: 'mcp' });
  }

  /** Gives a newly loaded thread its servers and starts them; the start-up is reported to its subscribers. */
  attach(thread: LoadedThread): void {
    const config =
      this.#reloaded === undefined
        ? thread.settings.config
        : { ...thread.settings.config, mcp_servers: this.#reloaded };
    const set = this.#setFor(thread, config);
    thread.mcpServers = set;
    thread.onUnload(() => set.closeAll());
    if (set.isEmpty) return;
    // After the response that loaded the thread has gone out (its caller is a subscriber by then).
    setImmediate(() => void set.startAll());
  }

  /** The servers of a loaded thread. */
  serversOf(thread: LoadedThread): McpServerSet | undefined {
    return thread.mcpServers;
  }

  /** Waits for the thread's `required` servers to start; each one that did not, as `<name>: <cause>`. */
  async requiredFailures(thread: LoadedThread): Promise<string[]> {
    return (await thread.mcpServers?.requiredFailures()) ?? [];
  }

  /**
   * Servers for a request that names no thread (`mcpServerStatus/list` without `threadId`): started for it and
   * stopped by the caller with `closeAll`.
   */
  transientSet(config: Readonly<Record<string, unknown>>, cwd: string): McpServerSet {
    return new McpServerSet(withPluginMcpServers(this.#codexHome, this.#withReloaded(config)), {
      env: this.#env,
      cwd,
      codexHome: this.#codexHome,
      jail: this.#jail,
      log: this.#log,
      onStartup: () => {},
      elicit: async () => ({ action: 'cancel' }),
    });
  }

  /**
   * Takes `mcp_servers` from `config` (the configuration just re-read) for every thread loaded from now on, and
   * restarts the servers of `loaded` threads with it.
   */
  async reload(config: Readonly<Record<string, unknown>>, loaded: readonly LoadedThread[]): Promise<void> {
    this.#reloaded = config['mcp_servers'] ?? {};
    await Promise.all(
      loaded.map(async (thread) => {
        const old = thread.mcpServers;
        const set = this.#setFor(thread, { ...thread.settings.config, mcp_servers: this.#reloaded });
        thread.mcpServers = set;
        thread.onUnload(() => set.closeAll());
        await old?.closeAll();
        if (!set.isEmpty) void set.startAll();
      }),
    );
  }

  /** The configured server `name` (a thread's, or the server's own configuration's), enabled or not. */
  configuredServer(name: string, config: Readonly<Record<string, unknown>>): McpServerConfig | undefined {
    return mcpServerConfigs(this.#withReloaded(config)).servers.find((server) => server.name === name);
  }

  #withReloaded(config: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
    return this.#reloaded === undefined ? config : { ...config, mcp_servers: this.#reloaded };
  }

  /** A thread's servers: its configuration's, plus those of the plugins it has enabled. */
  #setFor(thread: LoadedThread, config: Readonly<Record<string, unknown>>): McpServerSet {
    return new McpServerSet(withPluginMcpServers(this.#codexHome, config), {
      env: this.#env,
      cwd: thread.settings.cwd,
      codexHome: this.#codexHome,
      jail: this.#jail,
      log: this.#log.child({ threadId: thread.id }),
      onStartup: (report) =>
        thread.emit(ServerNotifications.mcpServerStartupStatusUpdated, {
          threadId: thread.id,
          name: report.name,
          status: report.status,
          error: report.error,
          failureReason: null,
        }),
      elicit: (server, request) => elicitFromClient(thread, server, request),
    });
  }
}

/**
 * A server's `elicitation/create` put to the thread's subscribers; no usable answer counts as `cancel`. Observed
 * from the reference 0.169.0: under `approval_policy = "never"` (or a granular policy without MCP elicitations)
 * nobody is asked and the server is declined; an accept without content reaches the server as empty content.
 */
async function elicitFromClient(
  thread: LoadedThread,
  server: string,
  request: ElicitRequest['params'],
): Promise<ElicitResult> {
  const policy = thread.settings.approvalPolicy;
  const granular = granularSettings(policy);
  if (policyKind(policy) === 'never' || (granular !== null && !granular.mcp_elicitations)) return { action: 'decline' };
  const turn = thread.activeTurn;
  const params =
    request.mode === 'url'
      ? { mode: 'url' as const, message: request.message, url: request.url, elicitationId: request.elicitationId }
      : { mode: 'form' as const, message: request.message, requestedSchema: request.requestedSchema };
  const outcome = await askSubscribers(
    thread,
    ServerRequests.mcpServerElicitationRequest,
    { threadId: thread.id, turnId: turn?.turnId ?? null, serverName: server, ...params, _meta: request._meta ?? null },
    turn?.abort.signal ?? new AbortController().signal,
  );
  if (outcome.kind !== 'answered') return { action: 'cancel' };
  const { action, content } = outcome.result;
  if (action !== 'accept') return { action };
  return { action, content: typeof content === 'object' && content !== null ? (content as ElicitResult['content'] & object) : {} };
}
