import type { McpServerConnectionStatus, McpServerStatus } from '../../protocol/v2/mcp.js';
import type { McpConnection } from './mcp-connection.js';
import type { McpServerSet } from './mcp-server-set.js';

/*
 * `mcpServerStatus/list` entries (observed from the reference 0.169.0): every configured server by name, with its
 * tools (by name), resources and templates once it has started, `toolsError` carrying why it did not, and
 * `runtimeStatus` only when the list was asked for a thread (a thread's servers are running ones).
 */

export interface StatusOptions {
  /** Listing a thread's servers (runtime states shown) rather than servers started for the request. */
  readonly forThread: boolean;
  /** `detail: "toolsAndAuthOnly"`: resources left out. */
  readonly toolsAndAuthOnly: boolean;
}

/** Every server of `set`, sorted by name. */
export function serverStatuses(set: McpServerSet, options: StatusOptions): McpServerStatus[] {
  const statuses: McpServerStatus[] = [];
  for (const connection of set.connections.values()) statuses.push(connectionStatus(connection, options));
  for (const name of set.disabled) statuses.push(emptyStatus(name, options.forThread ? 'disabled' : null, null, 'unsupported'));
  for (const bad of set.invalid) statuses.push(emptyStatus(bad.name, options.forThread ? 'failed' : null, bad.error, 'unsupported'));
  return statuses.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function connectionStatus(connection: McpConnection, options: StatusOptions): McpServerStatus {
  const config = connection.config;
  const state = connection.state;
  const authStatus = authStatusOf(connection);
  const httpOrigin = config.transport === 'http' ? new URL(config.url).origin : null;
  const runtime: McpServerConnectionStatus =
    state.kind === 'ready' ? 'connected' : state.kind === 'failed' ? 'failed' : 'starting';
  if (state.kind !== 'ready') {
    return {
      ...emptyStatus(config.name, options.forThread ? runtime : null, state.kind === 'failed' ? state.error : null, authStatus),
      httpOrigin,
    };
  }
  const catalogue = connection.catalogue;
  const info = catalogue.serverInfo;
  return {
    name: config.name,
    runtimeStatus: options.forThread ? runtime : null,
    pluginId: null,
    httpOrigin,
    serverInfo:
      info === null
        ? null
        : {
            name: info.name,
            title: info.title ?? null,
            version: info.version,
            description: info.description ?? null,
            icons: info.icons ?? null,
            websiteUrl: info.websiteUrl ?? null,
          },
    serverCapabilities: catalogue.capabilities,
    toolListMeta: null,
    tools: Object.fromEntries(connection.offeredTools.map((tool) => [tool.name, { ...tool }])),
    toolsError: null,
    resources: options.toolsAndAuthOnly ? [] : catalogue.resources.map((resource) => ({ ...resource })),
    resourceTemplates: options.toolsAndAuthOnly ? [] : catalogue.resourceTemplates.map((template) => ({ ...template })),
    authStatus,
  };
}

/**
 * Observed from the reference 0.169.0: a stdio server `unsupported`; `bearer_token_env_var` `bearerToken`; a stored
 * login `oAuth` (`notLoggedIn` once it has expired for good); otherwise `unknown` for a server that advertises OAuth (whether or not it lets us in) and
 * `unsupported` for one that does not.
 */
function authStatusOf(connection: McpConnection): McpServerStatus['authStatus'] {
  const config = connection.config;
  if (config.transport === 'stdio') return 'unsupported';
  if (config.bearerTokenEnvVar !== null) return 'bearerToken';
  const login = connection.oauthLoginStatus;
  if (login === 'usable') return 'oAuth';
  // A login whose token expired for good (its refresh was refused).
  if (login === 'authorizationRequired') return 'notLoggedIn';
  return connection.oauthAdvertised === false ? 'unsupported' : 'unknown';
}

function emptyStatus(
  name: string,
  runtimeStatus: McpServerConnectionStatus | null,
  toolsError: string | null,
  authStatus: McpServerStatus['authStatus'],
): McpServerStatus {
  return {
    name,
    runtimeStatus,
    pluginId: null,
    httpOrigin: null,
    serverInfo: null,
    serverCapabilities: null,
    toolListMeta: null,
    tools: {},
    toolsError,
    resources: [],
    resourceTemplates: [],
    authStatus,
  };
}
