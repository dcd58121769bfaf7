import { loadConfig } from '../config/load.js';
import { RpcError, RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { LoadedThread } from '../runtime/threads/loaded-thread.js';
import { McpCallError } from '../runtime/mcp/mcp-call-error.js';
import type { McpConnection } from '../runtime/mcp/mcp-connection.js';
import type { McpServerSet } from '../runtime/mcp/mcp-server-set.js';
import { serverStatuses } from '../runtime/mcp/server-status.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { loadedThread } from './thread-lookup.js';

/** The terminal UI's page size, and this server's default. */
const DEFAULT_PAGE_SIZE = 100;

/**
 * `mcpServerStatus/list`, `config/mcpServer/reload`, `mcpServer/tool/call` and `mcpServer/resource/read`, worded
 * as the reference 0.169.0 answers them. Without a thread, the servers of the server's own configuration are
 * started for the request and stopped after it.
 */
export function mcpServerHandlers(services: ServerServices): RequestHandler[] {
  const threadNotFound = (id: string) => `thread not found: ${id}`;

  /** A thread's servers, or servers started for this request (`transient`: stop them afterwards). */
  const serversFor = (threadId: string | null | undefined): { set: McpServerSet; transient: boolean } => {
    if (threadId != null) {
      const thread = loadedThread(services.threads, threadId, threadNotFound);
      return { set: setOf(services, thread), transient: false };
    }
    return { set: services.threads.mcp.transientSet(services.config.table, services.threads.serverCwd), transient: true };
  };

  return [
    bindHandler(ClientRequests.mcpServerStatusList, async (params) => {
      const { set, transient } = serversFor(params.threadId);
      try {
        await set.startAll();
        let statuses = serverStatuses(set, {
          forThread: !transient,
          toolsAndAuthOnly: params.detail === 'toolsAndAuthOnly',
        });
        if (params.serverName != null) statuses = statuses.filter((status) => status.name === params.serverName);
        const start = params.cursor == null ? 0 : Number.parseInt(params.cursor, 10);
        if (!Number.isSafeInteger(start) || start < 0) throw RpcErrors.badRequest(`invalid cursor: ${params.cursor}`);
        const limit = params.limit == null || params.limit === 0 ? DEFAULT_PAGE_SIZE : params.limit;
        const end = start + limit;
        return {
          data: statuses.slice(start, end),
          nextCursor: end < statuses.length ? String(end) : null,
        };
      } finally {
        if (transient) await set.closeAll();
      }
    }),

    bindHandler(ClientRequests.mcpServerReload, async () => {
      // The configuration the server started from (the operator's, for a tenant too).
      const fresh = await loadConfig({ codexHome: services.config.codexHome, overrides: [...services.config.overrides] });
      const loaded = services.threads
        .loadedThreadIds()
        .map((id) => services.threads.get(id))
        .filter((thread): thread is LoadedThread => thread !== undefined);
      await services.threads.mcp.reload(fresh.table, loaded);
      return {};
    }),

    bindHandler(ClientRequests.mcpServerToolCall, async (params) => {
      const thread = loadedThread(services.threads, params.threadId, threadNotFound);
      const connection = connectionOf(setOf(services, thread), params.server);
      const args =
        typeof params.arguments === 'object' && params.arguments !== null && !Array.isArray(params.arguments)
          ? (params.arguments as Record<string, unknown>)
          : undefined;
      const result = await withMcpErrors(() =>
        connection.callTool(params.tool, args, { signal: new AbortController().signal }),
      );
      return {
        content: [...result.content],
        ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }),
        ...(result.isError === undefined ? {} : { isError: result.isError }),
        ...(result._meta === undefined ? {} : { _meta: result._meta }),
      };
    }),

    bindHandler(ClientRequests.mcpServerResourceRead, async (params) => {
      const { set, transient } = serversFor(params.threadId);
      try {
        const connection = connectionOf(set, params.server);
        const contents = await withMcpErrors(() => connection.readResource(params.uri));
        return { contents, originCallId: null };
      } finally {
        if (transient) await set.closeAll();
      }
    }),
  ];
}

function setOf(services: ServerServices, thread: LoadedThread): McpServerSet {
  const set = services.threads.mcp.serversOf(thread);
  if (set === undefined) throw RpcErrors.internal('thread has no MCP servers');
  return set;
}

function connectionOf(set: McpServerSet, server: string): McpConnection {
  const connection = set.connections.get(server);
  if (connection === undefined) throw RpcErrors.internal(`unknown MCP server '${server}'`);
  return connection;
}

/**
 * A server's own JSON-RPC error keeps its code and text (`MCP error -32602: …`); a server that cannot be reached
 * is an internal error (`failed to get client: …`).
 */
async function withMcpErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RpcError) throw error;
    if (error instanceof McpCallError) {
      const server = error.serverError;
      if (server !== null && server.code > -32700 && server.code <= -32600) throw new RpcError(server.code, server.message);
      throw RpcErrors.internal(error.notStarted ? `failed to get client: ${error.message}` : error.message);
    }
    throw error;
  }
}
