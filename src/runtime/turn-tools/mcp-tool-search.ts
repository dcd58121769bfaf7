import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { rankBm25 } from '../mcp/bm25.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import type { RoleChoice } from '../../tools/agents/agent-tool-specs.js';
import { deferredNamespaces, type DeferredNamespace } from './deferred-tools.js';
import { parseArguments } from './parse-arguments.js';
import { argumentsError } from './tool-call.js';
import type { ToolHandler } from './tool-context.js';

/*
 * `tool_search` (observed from the reference 0.169.0 with gpt-5.5, which is offered it whether or not MCP servers
 * are configured): the deferred tools (deferred-tools.ts) are not listed to the model up front; it searches them by
 * what it needs and gets back, as a `tool_search_output`, the matching tools in their `mcp__<server>` namespaces
 * (each marked `defer_loading`), which it can then call as usual. Nothing deferred, or nothing matching, gives an
 * empty list.
 */

const DEFAULT_LIMIT = 8;

const SearchArgumentsSchema = lazySchema(() => z.object({ query: z.string(), limit: z.number().positive().optional() }));

export const TOOL_SEARCH_TOOL_NAME = 'tool_search';

/** `agentRoles`: the roles spawn_agent offers when the search finds it (agent-roles.ts), asked for only then. */
export function toolSearchHandler(thread: LoadedThread, agentRoles: () => readonly RoleChoice[] | null = () => null): ToolHandler {
  return {
    name: TOOL_SEARCH_TOOL_NAME,
    spec: () => ({
      type: 'tool_search',
      execution: 'client',
      description:
        '# Finding tools\n\nSome tools, such as those of the MCP servers the user configured, are not listed up front. Search them ' +
        'here by what you need to do (words from a tool\'s name or purpose); the best matches, ranked with BM25, ' +
        'become callable in your next step. Use this, not list_mcp_resources or list_mcp_resource_templates, to ' +
        'discover MCP tools.',
      parameters: {
        type: 'object',
        properties: {
          limit: { type: 'number', description: `How many tools to return at most (default ${DEFAULT_LIMIT}).` },
          query: { type: 'string', description: 'What to search the available tools for.' },
        },
        required: ['query'],
        additionalProperties: false,
      },
    }),
    ready: () => thread.mcpServers?.startAll() ?? Promise.resolve(),
    async handle(call) {
      const parsed = parseArguments(call.payload, SearchArgumentsSchema);
      if (!parsed.ok) return argumentsError(parsed.error);
      const namespaces = deferredNamespaces(thread, agentRoles);
      const candidates = namespaces.flatMap((group) => group.tools.map((tool) => ({ group, tool })));
      const ranked = rankBm25(
        candidates.map(({ tool }) => tool.searchText),
        parsed.value.query,
      ).slice(0, Math.floor(parsed.value.limit ?? DEFAULT_LIMIT));
      // One namespace per group, in the order of each group's best match; within a namespace, its tools in the
      // order they matched (observed from the reference 0.169.0: `wait agent` finds wait_agent first).
      const found = new Map<DeferredNamespace, Readonly<Record<string, unknown>>[]>();
      for (const index of ranked) {
        const candidate = candidates[index];
        if (candidate === undefined) continue;
        found.set(candidate.group, [...(found.get(candidate.group) ?? []), candidate.tool.spec]);
      }
      return [...found].map(([group, tools]) => ({
        type: 'namespace',
        name: group.namespace,
        description: group.searchResultDescription,
        tools,
      }));
    },
  };
}
