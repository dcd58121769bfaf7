import { agentNamespaceSpec, type RoleChoice } from '../../tools/agents/agent-tool-specs.js';
import { overrideModels } from '../agents/spawn-overrides.js';
import { mayHaveChildren } from '../agents/sub-agents.js';
import { mcpNamespace, mcpNamespaceSpec } from '../mcp/mcp-tool-spec.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { deferredDynamicNamespaces } from './dynamic-tool.js';

/*
 * Deferred tools (observed from the reference 0.169.0): a model that searches its tools (`tool_search`, gpt-5.5)
 * is not sent the MCP servers' tools up front. It is told which namespaces it can search in, by a `<tools>` part
 * at the end of the opening developer message (one line per namespace, sorted by name, with the first line of
 * the namespace's description when it has one), and finds their tools with `tool_search`. A client's dynamic tools
 * marked `deferLoading` are deferred the same way, for any model. So is the sub-agent namespace (`multi_agent_v1`)
 * for such a model: named in the `<tools>` part, found with `tool_search`, then called as usual.
 */

/** Models whose MCP tools wait behind `tool_search` (the reference's catalogue models that do). */
const TOOL_SEARCH_MODELS: ReadonlySet<string> = new Set(['gpt-5.5']);

/** Whether a thread on `model` is offered `tool_search` and has its MCP tools deferred behind it. */
export function searchesTools(model: string): boolean {
  return TOOL_SEARCH_MODELS.has(model);
}

/** One tool the model can find, as the search ranks it and as it is then given to the model. */
export interface DeferredTool {
  /** Words the search matches: the namespace, the tool's name, title and description. */
  readonly searchText: string;
  /** The function spec, marked `defer_loading`. */
  readonly spec: Readonly<Record<string, unknown>>;
}

/** One namespace whose tools the model finds by searching. */
export interface DeferredNamespace {
  readonly namespace: string;
  /** Said after the namespace's name in the `<tools>` part; empty for an MCP server's namespace. */
  readonly description: string;
  /** The namespace's description in a search result. */
  readonly searchResultDescription: string;
  readonly tools: readonly DeferredTool[];
}

/**
 * Whether `thread` has the sub-agent tools deferred behind `tool_search`: its model searches its tools, the
 * `multi_agent` feature is on (the default) and the thread may still spawn (a sub-agent may not).
 */
export function defersAgentTools(thread: LoadedThread): boolean {
  const settings = thread.settings;
  return (
    searchesTools(settings.model) &&
    settings.config.features?.['multi_agent'] !== false &&
    mayHaveChildren(thread)
  );
}

/**
 * The thread's deferred namespaces: the sub-agent tools and the tools of every started MCP server (for a model
 * that searches), then the client's deferred dynamic tools.
 */
export function deferredNamespaces(thread: LoadedThread, agentRoles: () => readonly RoleChoice[] | null = () => null): DeferredNamespace[] {
  return [...deferredAgentNamespace(thread, agentRoles), ...deferredMcpNamespaces(thread), ...deferredDynamicNamespaces(thread).map((group) => ({
    namespace: group.namespace,
    description: group.description,
    searchResultDescription: group.description,
    tools: group.tools.map((tool) => ({
      searchText: `${group.namespace} ${tool.name} ${tool.description}`,
      spec: { ...tool.spec, defer_loading: true },
    })),
  }))];
}

function deferredAgentNamespace(thread: LoadedThread, agentRoles: () => readonly RoleChoice[] | null): DeferredNamespace[] {
  if (!defersAgentTools(thread)) return [];
  const spec = agentNamespaceSpec(overrideModels(), agentRoles());
  const namespace = String(spec['name']);
  const description = String(spec['description']);
  const functions = spec['tools'] as Record<string, unknown>[];
  return [
    {
      namespace,
      description,
      searchResultDescription: description,
      tools: functions.map((fn) => ({
        searchText: `${namespace} ${String(fn['name'])} ${String(fn['description'])}`,
        spec: { ...fn, defer_loading: true },
      })),
    },
  ];
}

function deferredMcpNamespaces(thread: LoadedThread): DeferredNamespace[] {
  if (!searchesTools(thread.settings.model)) return [];
  const servers = thread.mcpServers;
  if (servers === undefined) return [];
  return [...servers.connections.values()].flatMap((connection) => {
    const server = connection.config.name;
    const spec = connection.state.kind === 'ready' ? mcpNamespaceSpec(server, connection.offeredTools) : null;
    if (spec === null) return [];
    const functions = spec['tools'] as Record<string, unknown>[];
    return [
      {
        namespace: mcpNamespace(server),
        description: '',
        searchResultDescription: String(spec['description']),
        tools: functions.map((fn) => {
          const tool = connection.offeredTools.find((candidate) => candidate.name === fn['name']);
          return {
            searchText: `${server} ${String(fn['name'])} ${tool?.title ?? ''} ${String(fn['description'])}`,
            spec: { ...fn, defer_loading: true },
          };
        }),
      },
    ];
  });
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
