import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerStartupState } from '../../protocol/v2/mcp.js';
import type { Logger } from '../../util/logger.js';
import { McpConnection } from './mcp-connection.js';
import type { ConnectionOptions } from './mcp-connection.js';
import { mcpServerConfigs } from './server-config.js';
import type { InvalidServerConfig, McpServerConfig } from './server-config.js';

/**
 * The MCP servers of one configuration (a thread's, or the server's own for a request without a thread): every
 * enabled server started together, each reporting `starting` then `ready` or `failed`. A server that fails is
 * reported and left out; it never holds up a turn beyond its start-up timeout.
 */

export interface StartupReport {
  readonly name: string;
  readonly status: McpServerStartupState;
  readonly error: string | null;
}

export interface ServerSetOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly codexHome: string;
  readonly jail?: ConnectionOptions['jail'];
  readonly log: Logger;
  readonly onStartup: (report: StartupReport) => void;
  readonly elicit: (server: string, request: ElicitRequest['params']) => Promise<ElicitResult>;
}

export class McpServerSet {
  readonly connections: ReadonlyMap<string, McpConnection>;
  readonly invalid: readonly InvalidServerConfig[];
  /** Names of configured servers with `enabled = false`. */
  readonly disabled: readonly string[];
  readonly #options: ServerSetOptions;
  /** Every configured server, disabled ones too (`mcpServer/oauth/login` looks them up by name). */
  readonly configs: readonly McpServerConfig[];
  #started: Promise<void> | null = null;
  /** `server/tool` pairs the user approved for the rest of the session. */
  readonly approvedForSession = new Set<string>();

  constructor(config: Readonly<Record<string, unknown>>, options: ServerSetOptions) {
    this.#options = options;
    const { servers, invalid } = mcpServerConfigs(config);
    this.invalid = invalid;
    this.configs = servers;
    this.disabled = servers.filter((server) => !server.enabled).map((server) => server.name);
    const connections = new Map<string, McpConnection>();
    for (const server of servers) {
      if (!server.enabled) continue;
      connections.set(
        server.name,
        new McpConnection(server, {
          env: options.env,
          cwd: options.cwd,
          codexHome: options.codexHome,
          jail: options.jail,
          log: options.log,
          elicit: options.elicit,
        }),
      );
    }
    this.connections = connections;
  }

  get isEmpty(): boolean {
    return this.connections.size === 0 && this.invalid.length === 0;
  }

  /** Starts every server once; resolves when each is ready or has failed. */
  startAll(): Promise<void> {
    this.#started ??= this.#startAll();
    return this.#started;
  }

  async #startAll(): Promise<void> {
    const report = this.#options.onStartup;
    for (const bad of this.invalid) report({ name: bad.name, status: 'failed', error: bad.error });
    await Promise.all(
      [...this.connections.values()].map(async (connection) => {
        const name = connection.config.name;
        report({ name, status: 'starting', error: null });
        await connection.start();
        const state = connection.state;
        if (state.kind === 'failed') {
          this.#options.log.warn({ server: name, error: state.error }, 'MCP server failed to start');
          report({ name, status: 'failed', error: startupFailure(connection.config, state) });
        } else {
          report({ name, status: 'ready', error: null });
        }
      }),
    );
  }

  /**
   * Starts the servers configured `required = true` and answers how each that failed did (`<name>: <cause>`),
   * for thread/start to refuse the thread as the reference does.
   */
  async requiredFailures(): Promise<string[]> {
    const required = [...this.connections.values()].filter((connection) => connection.config.required);
    const failures = await Promise.all(
      required.map(async (connection) => {
        await connection.start();
        const state = connection.state;
        return state.kind === 'failed' ? `${connection.config.name}: ${state.error.replace(/^MCP startup failed: /, '')}` : null;
      }),
    );
    return failures.filter((failure): failure is string => failure !== null);
  }

  /** Stops every server process. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.connections.values()].map((connection) => connection.close()));
  }
}

/** The start-up failure as `mcpServer/startupStatus/updated` words it (observed from the reference 0.169.0). */
function startupFailure(config: McpServerConfig, state: { readonly error: string; readonly timedOut: boolean }): string {
  if (!state.timedOut) return `MCP client for \`${config.name}\` failed to start: ${state.error}`;
  const seconds = config.startupTimeoutMs / 1000;
  return (
    `MCP client for \`${config.name}\` timed out after ${seconds} seconds. Add or adjust \`startup_timeout_sec\` ` +
    `in your config.toml:\n[mcp_servers.${config.name}]\nstartup_timeout_sec = XX`
  );
}
