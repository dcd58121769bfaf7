import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ServerNotifications } from '../../protocol/registry.js';
import { approveToolCall } from '../mcp/mcp-approval.js';
import { McpCallError } from '../mcp/mcp-call-error.js';
import type { McpConnection } from '../mcp/mcp-connection.js';
import { itemResult, modelOutputOfError, modelOutputOfResult } from '../mcp/mcp-result.js';
import type { McpServerSet } from '../mcp/mcp-server-set.js';
import { mcpNamespace, mcpNamespaceSpec, toolByModelName } from '../mcp/mcp-tool-spec.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { modelFacts } from '../models/model-facts.js';
import { startMcpItem } from './mcp-item.js';
import { searchesTools } from './deferred-tools.js';
import type { ToolOutput } from './tool-call.js';
import type { ToolContext, ToolHandler } from './tool-context.js';

/** One namespace tool per MCP server of the thread (none when it has no servers). */
export function mcpToolHandlers(thread: LoadedThread): ToolHandler[] {
  const servers = thread.mcpServers;
  if (servers === undefined || servers.connections.size === 0) return [];
  // For a model that searches its tools (tool_search), the namespaces are not listed but stay callable.
  const deferred = searchesTools(thread.settings.model);
  return [...servers.connections.values()].map((connection) => namespaceHandler(servers, connection, deferred));
}

function namespaceHandler(servers: McpServerSet, connection: McpConnection, deferred: boolean): ToolHandler {
  const server = connection.config.name;
  return {
    name: mcpNamespace(server),
    spec: () => (deferred ? null : mcpNamespaceSpec(server, connection.offeredTools)),
    ready: () => servers.startAll(),
    // Hooks know an MCP tool as `mcp__<server>__<tool>`, and only the tools the server offers [observed].
    hookToolName: (call) =>
      toolByModelName(connection.offeredTools, call.name) === undefined ? null : `${mcpNamespace(server)}__${call.name}`,
    async handle(call, context) {
      const tool = toolByModelName(connection.offeredTools, call.name);
      if (tool === undefined) return `unsupported call: ${mcpNamespace(server)}${call.name}`;
      return runMcpCall(servers, connection, tool, call, context);
    },
  };
}

/**
 * One call as an `mcpToolCall` item: started, approved (or refused), run with progress, completed with the
 * result or the failure; the model gets the reference's rendering of either.
 */
async function runMcpCall(
  servers: McpServerSet,
  connection: McpConnection,
  tool: Tool,
  call: { readonly callId: string; readonly payload: string },
  context: ToolContext,
): Promise<ToolOutput> {
  const { thread, turnId } = context;
  const server = connection.config.name;
  const args = parseArguments(call.payload);
  const item = startMcpItem(context, {
    id: call.callId,
    server,
    tool: tool.name,
    arguments: args.value,
    readOnlyHint: tool.annotations?.readOnlyHint ?? null,
  });
  const complete = item.complete;
  const fail = (message: string): ToolOutput => {
    complete({ status: 'failed', error: { message } });
    return modelOutputOfError(message, Date.now() - item.startedAtMs);
  };

  const decision = await approveToolCall(thread, servers, {
    server,
    tool,
    args: args.object,
    turnId,
    signal: context.signal,
  });
  if (!decision.run) return fail(decision.message);
  if (args.object === undefined && args.value !== undefined) {
    return fail(callError(server, tool.name, `MCP tool arguments must be a JSON object, got ${JSON.stringify(args.value)}`));
  }
  try {
    const result = await connection.callTool(tool.name, args.object, {
      signal: context.signal,
      onProgress: (message) =>
        thread.emit(ServerNotifications.mcpToolCallProgress, { threadId: thread.id, turnId, itemId: call.callId, message }),
    });
    complete({ status: result.isError === true ? 'failed' : 'completed', result: itemResult(result) });
    context.hookResponse?.(result);
    return modelOutputOfResult(result, Date.now() - item.startedAtMs, modelFacts(thread.settings.model).truncationPolicy);
  } catch (error) {
    if (context.signal.aborted) throw context.signal.reason;
    if (!(error instanceof McpCallError)) throw error;
    return fail(callError(server, tool.name, error.message));
  }
}

/** The reference's wording of a failed call (without its Rust backtrace). */
function callError(server: string, tool: string, cause: string): string {
  return `tool call error: tool call failed for \`${server}/${tool}\`\n\nCaused by:\n    ${cause}`;
}

/** The call's arguments as the item shows them (parsed JSON, or the raw text), and as an object to send. */
function parseArguments(payload: string): { value: unknown; object: Record<string, unknown> | undefined } {
  if (payload.trim() === '') return { value: {}, object: {} };
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return { value: payload, object: undefined };
  }
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  return { value, object };
}
