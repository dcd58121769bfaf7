import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type {
  CallToolResult,
  ElicitRequest,
  ElicitResult,
  Implementation,
  Resource,
  ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import type { SandboxSupport } from '../../tools/sandbox/detect-bubblewrap.js';
import { sandboxCommand } from '../../tools/sandbox/sandbox-command.js';
import type { Logger } from '../../util/logger.js';
import type { McpServerConfig } from './server-config.js';
import { usableAccessToken } from './oauth-token-refresh.js';
import { storedLoginStatus } from './oauth-token-store.js';
import { toolAllowed } from './server-config.js';
import { loadMcpSdk } from './load-mcp-sdk.js';
import type { McpSdk } from './load-mcp-sdk.js';
import { McpCallError } from './mcp-call-error.js';
import type { McpServerError } from './mcp-call-error.js';

/**
 * One configured MCP server, through the official SDK's client: started (spawned or connected), initialized, its
 * tool and resource catalogue read once, then called. A server whose connection closes (the process crashed) is
 * started again on its next use, so one crash does not cost the rest of the session.
 */

/** Environment variables a stdio server inherits even without `env_vars` (the SDK's and the reference's set). */
const INHERITED_ENV = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'LANG', 'TMPDIR'];

export type ConnectionState =
  | { readonly kind: 'starting' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly error: string; readonly timedOut: boolean };

export interface ConnectionOptions {
  /** The server's own environment: inherited variables, `env_vars` and `bearer_token_env_var` come from here. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where a stdio server without `cwd` runs. */
  readonly cwd: string;
  /** Where `mcpServer/oauth/login` stored HTTP servers' tokens. */
  readonly codexHome: string;
  /** A tenant's jail: its stdio servers run in bubblewrap, seeing only the tenant's world (as its commands do). */
  readonly jail?: { readonly jail: CommandJail; readonly support: Promise<SandboxSupport> } | undefined;
  readonly log: Logger;
  /** A server's `elicitation/create`, answered by whoever is behind the thread. */
  readonly elicit: (server: string, request: ElicitRequest['params']) => Promise<ElicitResult>;
}

/** What a server offers, read once per start. */
export interface ServerCatalogue {
  readonly tools: readonly Tool[];
  readonly resources: readonly Resource[];
  readonly resourceTemplates: readonly ResourceTemplate[];
  readonly serverInfo: Implementation | null;
  readonly capabilities: Record<string, unknown> | null;
}

export class McpConnection {
  readonly config: McpServerConfig;
  readonly #options: ConnectionOptions;
  #client: Client | null = null;
  /** The SDK, once the first start loaded it (a ready client implies it is set). */
  #sdk: McpSdk | null = null;
  /** The client of a start in progress (closed at once by `close`, which must not wait out a slow start). */
  #startingClient: Client | null = null;
  #starting: Promise<void> | null = null;
  #state: ConnectionState = { kind: 'starting' };
  #catalogue: ServerCatalogue = { tools: [], resources: [], resourceTemplates: [], serverInfo: null, capabilities: null };
  #closed = false;
  #oauthAdvertised: boolean | null = null;

  constructor(config: McpServerConfig, options: ConnectionOptions) {
    this.config = config;
    this.#options = options;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Whether requests carry a token from `mcpServer/oauth/login` (a fresh one, or one that can be refreshed). */
  get hasOauthToken(): boolean {
    return this.oauthLoginStatus === 'usable';
  }

  /** The state of this server's `mcpServer/oauth/login` token; `missing` for servers signed in otherwise. */
  get oauthLoginStatus(): 'missing' | 'usable' | 'authorizationRequired' {
    const config = this.config;
    if (config.transport !== 'http' || config.bearerTokenEnvVar !== null) return 'missing';
    return storedLoginStatus(this.#options.codexHome, config.name, config.url);
  }

  /**
   * For a streamable HTTP server signed in neither way: whether it advertises OAuth (authorization server
   * metadata was found from its URL); null until its start has looked, and for every other server.
   */
  get oauthAdvertised(): boolean | null {
    return this.#oauthAdvertised;
  }

  get catalogue(): ServerCatalogue {
    return this.#catalogue;
  }

  /** The tools offered to the model: the catalogue less what `enabled_tools` / `disabled_tools` leave out. */
  get offeredTools(): readonly Tool[] {
    return this.#catalogue.tools.filter((tool) => toolAllowed(this.config, tool.name));
  }

  /** Starts the server unless it is running or starting; resolves when it is ready or has failed. */
  start(): Promise<void> {
    if (this.#client !== null || this.#closed) return Promise.resolve();
    this.#starting ??= this.#start().finally(() => {
      this.#starting = null;
    });
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#state = { kind: 'starting' };
    const sdk = (this.#sdk ??= await loadMcpSdk());
    const client = new sdk.Client(
      { name: 'codex-app-server-ts', version: '0.1.0' },
      // Both elicitation modes, as the reference 0.169.0 declares them.
      { capabilities: { elicitation: { form: {}, url: {} } } },
    );
    this.#startingClient = client;
    client.setRequestHandler(sdk.ElicitRequestSchema, (request) =>
      this.#options.elicit(this.config.name, request.params),
    );
    const timeoutMs = this.config.startupTimeoutMs;
    // Looked up beside the start (it only tells mcpServerStatus/list what to report), within the same time.
    const config = this.config;
    const discovery =
      config.transport === 'http' && config.bearerTokenEnvVar === null && !this.hasOauthToken
        ? advertisesOauth(sdk, config.url, timeoutMs).then((advertised) => {
            this.#oauthAdvertised = advertised;
          })
        : Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          try {
            await client.connect(await this.#transport(sdk));
          } catch (error) {
            if (!this.#refusedOauthToken(error)) throw error;
            // The server refused a stored token it should have taken: refreshed once, then tried again.
            await client.close().catch(() => {});
            await client.connect(await this.#transport(sdk, { forceRefresh: true }));
          }
          this.#catalogue = await readCatalogue(client);
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new StartupTimeout(timeoutMs)), timeoutMs);
        }),
      ]);
    } catch (error) {
      await client.close().catch(() => {});
      await discovery;
      this.#state = { kind: 'failed', error: startupError(error), timedOut: error instanceof StartupTimeout };
      return;
    } finally {
      clearTimeout(timer);
      this.#startingClient = null;
    }
    if (this.#closed) {
      await client.close().catch(() => {});
      return;
    }
    // A server whose tools change says so; the next model request offers the new list.
    client.setNotificationHandler(sdk.ToolListChangedNotificationSchema, async () => {
      try {
        this.#catalogue = { ...this.#catalogue, tools: await listAllTools(client) };
      } catch (error) {
        this.#options.log.warn({ server: this.config.name, err: error }, 'MCP tool list refresh failed');
      }
    });
    client.onclose = () => {
      // The process exited or the connection dropped: the next use starts it again.
      if (this.#client === client) this.#client = null;
      this.#options.log.warn({ server: this.config.name }, 'MCP server connection closed');
    };
    await discovery;
    this.#client = client;
    this.#state = { kind: 'ready' };
  }

  /** Whether `error` is an HTTP 401 to a request that carried this server's `mcpServer/oauth/login` token. */
  #refusedOauthToken(error: unknown): boolean {
    return (error as { code?: unknown } | null)?.code === 401 && this.hasOauthToken;
  }

  async #transport(sdk: McpSdk, options: { readonly forceRefresh: boolean } = { forceRefresh: false }): Promise<Transport> {
    const config = this.config;
    const env = this.#options.env;
    if (config.transport === 'stdio') {
      const childEnv: Record<string, string> = {};
      for (const name of [...INHERITED_ENV, ...config.envVars]) {
        const value = env[name];
        if (value !== undefined) childEnv[name] = value;
      }
      Object.assign(childEnv, config.env);
      const cwd = config.cwd ?? this.#options.cwd;
      const launch = await this.#launch([config.command, ...config.args], cwd, childEnv);
      const transport = new sdk.StdioClientTransport({
        command: launch.file,
        args: [...launch.args],
        env: childEnv,
        cwd,
        // Our stdout may be the JSON-RPC transport: the server's stderr goes to our log, never to a stream.
        stderr: 'pipe',
      });
      transport.onclose = launch.release;
      transport.stderr?.on('data', (chunk: Buffer) => {
        this.#options.log.debug({ server: config.name, stderr: chunk.toString('utf8').slice(0, 2000) }, 'MCP server stderr');
      });
      return transport;
    }
    const headers: Record<string, string> = { ...config.httpHeaders };
    for (const [header, variable] of Object.entries(config.envHttpHeaders)) {
      const value = env[variable];
      if (value !== undefined && value !== '') headers[header] = value;
    }
    if (config.bearerTokenEnvVar !== null) {
      const token = env[config.bearerTokenEnvVar];
      if (token === undefined || token === '') {
        throw new Error(`Environment variable ${config.bearerTokenEnvVar} for MCP server '${config.name}' is not set`);
      }
      headers['Authorization'] = `Bearer ${token}`;
    } else {
      const accessToken = await usableAccessToken(this.#options.codexHome, config, { force: options.forceRefresh });
      if (accessToken !== null) headers['Authorization'] = `Bearer ${accessToken}`;
    }
    return new sdk.StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers } });
  }

  /** How to spawn `argv`: as it is, or for a tenant inside its jail (workspace-write, with network). */
  async #launch(
    argv: readonly string[],
    cwd: string,
    env: Record<string, string>,
  ): Promise<{ file: string; args: readonly string[]; release: () => void }> {
    const jail = this.#options.jail;
    if (jail === undefined) return { file: argv[0] ?? '', args: argv.slice(1), release: () => {} };
    const command = sandboxCommand(argv, {
      policy: { type: 'dangerFullAccess' },
      cwd,
      support: await jail.support,
      env,
      jail: jail.jail,
    });
    return { file: command.file, args: command.args, release: () => command.release() };
  }

  /** A ready client, starting (or restarting, after a crash) the server first. */
  async #ready(): Promise<Client> {
    if (this.#client === null) {
      if (this.#closed) throw new McpCallError('MCP server is shut down', { notStarted: true });
      await this.start();
    }
    const client = this.#client;
    if (client === null) {
      throw new McpCallError(this.#state.kind === 'failed' ? this.#state.error : 'MCP server is not running', {
        notStarted: true,
      });
    }
    return client;
  }

  /**
   * Calls `tool`. Fails with McpCallError carrying the reference's causes (`timed out awaiting tools/call after
   * <n>ms`, `Transport closed`); a tool's own error (`isError`) is a result, not a failure.
   */
  async callTool(
    tool: string,
    args: Record<string, unknown> | undefined,
    options: { readonly signal: AbortSignal; readonly onProgress?: (message: string) => void },
  ): Promise<CallToolResult> {
    const client = await this.#ready();
    const timeoutMs = this.config.toolTimeoutMs;
    try {
      const result = await client.callTool({ name: tool, ...(args === undefined ? {} : { arguments: args }) }, undefined, {
        signal: options.signal,
        timeout: timeoutMs,
        ...(options.onProgress === undefined
          ? {}
          : {
              onprogress: (progress) => {
                if (typeof progress.message === 'string') options.onProgress?.(progress.message);
              },
            }),
      });
      return result as CallToolResult;
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      if (error instanceof McpCallError) throw error;
      throw this.#callError(error, 'tools/call', timeoutMs);
    }
  }

  async readResource(uri: string, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    const client = await this.#ready();
    try {
      const result = await client.readResource({ uri }, { ...(signal === undefined ? {} : { signal }), timeout: this.config.toolTimeoutMs });
      return result.contents as Record<string, unknown>[];
    } catch (error) {
      throw this.#callError(error, 'resources/read', this.config.toolTimeoutMs);
    }
  }

  /** A failed request, worded as the reference words it, with the server's own error when it sent one. */
  #callError(error: unknown, method: string, timeoutMs: number): McpCallError {
    const sdk = this.#sdk;
    const serverError = sdk !== null && error instanceof sdk.McpError ? serverErrorOf(error) : null;
    let message = error instanceof Error ? error.message : String(error);
    if (sdk !== null && error instanceof sdk.McpError) {
      if (error.code === (sdk.ErrorCode.RequestTimeout as number)) message = `timed out awaiting ${method} after ${timeoutMs}ms`;
      if (error.code === (sdk.ErrorCode.ConnectionClosed as number)) message = 'Transport closed';
    }
    return new McpCallError(message, { cause: error, serverError });
  }

  /** Stops the server (its process ends) and keeps it stopped. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#startingClient?.close().catch(() => {});
    await this.#starting?.catch(() => {});
    const client = this.#client;
    this.#client = null;
    await client?.close().catch(() => {});
  }
}

async function readCatalogue(client: Client): Promise<ServerCatalogue> {
  const capabilities = client.getServerCapabilities() ?? null;
  const tools = capabilities?.tools === undefined ? [] : await listAllTools(client);
  const resources: Resource[] = [];
  const resourceTemplates: ResourceTemplate[] = [];
  if (capabilities?.resources !== undefined) {
    let cursor: string | undefined;
    do {
      const page = await client.listResources(cursor === undefined ? {} : { cursor });
      resources.push(...page.resources);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    // Servers without templates may answer method-not-found: an empty list then.
    const templates = await client.listResourceTemplates().catch(() => ({ resourceTemplates: [] }));
    resourceTemplates.push(...templates.resourceTemplates);
  }
  const info = client.getServerVersion();
  return {
    tools,
    resources,
    resourceTemplates,
    serverInfo: info === undefined ? null : info,
    capabilities: capabilities === null ? null : (capabilities as Record<string, unknown>),
  };
}

/** The start-up took longer than `startup_timeout_sec` (worded as the reference words it). */
class StartupTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`timed out handshaking with MCP server after ${timeoutMs}ms: deadline has elapsed`);
  }
}

/** Why a server did not start, worded as the reference words it (`MCP startup failed: …`). */
async function listAllTools(client: Client): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}

function startupError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  // The reference reports the OS error of a command it cannot run.
  if (code === 'ENOENT') return 'MCP startup failed: No such file or directory (os error 2)';
  if (code === 'EACCES') return 'MCP startup failed: Permission denied (os error 13)';
  const message = error instanceof Error ? error.message : String(error);
  return `MCP startup failed: ${message}`;
}

/** An MCP error's code and text as the server sent it (the SDK prefixes `MCP error <code>: ` to the text). */
function serverErrorOf(error: { readonly code: number; readonly message: string }): McpServerError {
  const prefix = `MCP error ${error.code}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return { code: error.code, message };
}

/** Whether OAuth authorization server metadata can be discovered from an MCP server's URL (RFC 9728 / RFC 8414). */
async function advertisesOauth(sdk: McpSdk, url: string, timeoutMs: number): Promise<boolean | null> {
  try {
    const info = await sdk.discoverOAuthServerInfo(url, { fetchFn: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }) });
    return info.authorizationServerMetadata !== undefined;
  } catch (error) {
    // Out of time: not known either way.
    return error instanceof Error && error.name === 'TimeoutError' ? null : false;
  }
}
