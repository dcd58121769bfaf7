import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { rankBm25 } from '../mcp/bm25.js';
import type { McpServerSet } from '../mcp/mcp-server-set.js';
import { mcpNamespaceSpec } from '../mcp/mcp-tool-spec.js';
import { parseArguments } from './parse-arguments.js';
import { argumentsError } from './tool-call.js';
import type { ToolHandler } from './tool-context.js';

/*
 * `tool_search` (observed from the reference 0.169.0 with gpt-5.5): the MCP servers' tools are not listed to the
 * model up front; it searches them by what it needs and gets back, as a `tool_search_output`, the matching tools
 * in their `mcp__<server>` namespaces (each marked `defer_loading`), which it can then call as usual.
 */

/** Models whose requests defer MCP tools behind `tool_search` (the reference's catalogue models that do). */
const TOOL_SEARCH_MODELS: ReadonlySet<string> = new Set(['gpt-5.5']);

const DEFAULT_LIMIT = 8;

const SearchArgumentsSchema = z.object({ query: z.string(), limit: z.number().positive().optional() });

/** Whether a thread on `model` gets `tool_search` instead of the MCP namespaces. */
export function defersMcpTools(model: string): boolean {
  return TOOL_SEARCH_MODELS.has(model);
}

export function toolSearchHandler(servers: McpServerSet): ToolHandler {
  return {
    name: 'tool_search',
    spec: () => ({
      type: 'tool_search',
      execution: 'client',
      description:
        '# Finding tools\n\nThe tools of the MCP servers the user configured are not listed up front. Search them ' +
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
    ready: () => servers.startAll(),
    async handle(call) {
      const parsed = parseArguments(call.payload, SearchArgumentsSchema);
      if (!parsed.ok) return argumentsError(parsed.error);
      const candidates: { server: string; tool: Tool }[] = [];
      for (const connection of servers.connections.values()) {
        for (const tool of connection.offeredTools) candidates.push({ server: connection.config.name, tool });
      }
      const ranked = rankBm25(
        candidates.map(({ server, tool }) => `${server} ${tool.name} ${tool.title ?? ''} ${tool.description ?? ''}`),
        parsed.value.query,
      ).slice(0, Math.floor(parsed.value.limit ?? DEFAULT_LIMIT));
      // One namespace per server, in the order of each server's best match.
      const byServer = new Map<string, Tool[]>();
      for (const index of ranked) {
        const candidate = candidates[index];
        if (candidate === undefined) continue;
        byServer.set(candidate.server, [...(byServer.get(candidate.server) ?? []), candidate.tool]);
      }
      return [...byServer].flatMap(([server, tools]) => {
        const spec = mcpNamespaceSpec(server, tools);
        if (spec === null) return [];
        const functions = (spec['tools'] as Record<string, unknown>[]).map((fn) => ({ ...fn, defer_loading: true }));
        return [{ ...spec, tools: functions }];
      });
    },
  };
}
