import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { mcpNamespace } from '../mcp/mcp-tool-spec.js';
import { threadServers } from '../mcp/thread-servers.js';
import type { LoadedThread } from '../loaded-thread.js';

/*
 * Deferred tools (observed from the reference 0.169.0): a model that searches its tools (`tool_search`, gpt-5.5)
 * is not sent the MCP servers' tools up front. It is told which namespaces it can search in, by a `<tools>` part
 * at the end of the opening developer message (one line per namespace, sorted by name, with the first line of
 * the namespace's description when it has one), and finds their tools with `tool_search`.
 */

/** Models whose MCP tools wait behind `tool_search` (the reference's catalogue models that do). */
const TOOL_SEARCH_MODELS: ReadonlySet<string> = new Set(['gpt-5.5']);

/** Whether a thread on `model` is offered `tool_search` and has its MCP tools deferred behind it. */
export function searchesTools(model: string): boolean {
  return TOOL_SEARCH_MODELS.has(model);
}

/** One namespace whose tools the model finds by searching. */
export interface DeferredNamespace {
  /** The MCP server the tools belong to. */
  readonly server: string;
  readonly namespace: string;
  /** Said after the namespace's name in the `<tools>` part; empty for an MCP server's namespace. */
  readonly description: string;
  readonly tools: readonly Tool[];
}

/** The thread's deferred namespaces: the tools of every started MCP server, for a model that searches. */
export function deferredNamespaces(thread: LoadedThread): DeferredNamespace[] {
  if (!searchesTools(thread.settings.model)) return [];
  const servers = threadServers(thread);
  if (servers === undefined) return [];
  return [...servers.connections.values()]
    .filter((connection) => connection.state.kind === 'ready' && connection.offeredTools.length > 0)
    .map((connection) => ({
      server: connection.config.name,
      namespace: mcpNamespace(connection.config.name),
      description: '',
      tools: connection.offeredTools,
    }));
}

/** The `<tools>` developer part naming the deferred namespaces, or null when there are none. */
export function deferredToolsText(namespaces: readonly DeferredNamespace[]): string | null {
  if (namespaces.length === 0) return null;
  const lines = [...namespaces]
    .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0))
    .map(({ namespace, description }) => {
      const summary = description.trim().split('\n')[0]?.trim() ?? '';
      return summary === '' ? `- ${namespace}` : `- ${namespace}: ${summary}`;
    });
  return ['<tools>', 'Deferred tool namespaces:', ...lines, '</tools>'].join('\n');
}
