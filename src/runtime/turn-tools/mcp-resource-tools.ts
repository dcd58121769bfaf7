import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { McpCallError } from '../mcp/mcp-call-error.js';
import type { McpServerSet } from '../mcp/mcp-server-set.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { startMcpItem } from './mcp-item.js';
import { parseArguments } from './parse-arguments.js';
import { argumentsError } from './tool-call.js';
import type { ToolContext, ToolHandler } from './tool-context.js';
import { functionToolSpec } from '../../tools/function-tool-spec.js';

/*
 * `list_mcp_resources`, `list_mcp_resource_templates` and `read_mcp_resource`: offered whenever the thread has
 * MCP servers, answered with JSON text, each call an `mcpToolCall` item whose server is the one asked (`codex`
 * when the listing spans every server), as the reference 0.169.0 does. Names and parameters are the reference's.
 */

/** The item's server for a listing across every server. */
const ALL_SERVERS = 'codex';

const ListArgumentsSchema = lazySchema(() => z.object({ server: z.string().optional(), cursor: z.string().optional() }));
const ReadArgumentsSchema = lazySchema(() => z.object({ server: z.string(), uri: z.string() }));

function listSpec(name: string, what: string, description: string): Record<string, unknown> {
  const properties = {
    cursor: { type: 'string', description: `Opaque cursor from an earlier ${name} call; leave it out for the first page.` },
    server: { type: 'string', description: `Name of the MCP server to ask; leave it out to list ${what} from every server.` },
  };
  return functionToolSpec(name, description, properties, null);
}

/** The three resource tools, when the thread has MCP servers. */
export function mcpResourceToolHandlers(thread: LoadedThread): ToolHandler[] {
  const servers = thread.mcpServers;
  if (servers === undefined || servers.connections.size === 0) return [];
  return [
    {
      name: 'list_mcp_resources',
      spec: () =>
        listSpec(
          'list_mcp_resources',
          'resources',
          'Lists the resources the configured MCP servers expose (files, schemas, records and other context they ' +
            'can share). Each entry names its server and URI; read one with read_mcp_resource. When the ' +
            'information you need could come from an MCP resource, try this before searching the web.',
        ),
      handle: (call, context) => listing(servers, call, context, 'list_mcp_resources', 'resources'),
    },
    {
      name: 'list_mcp_resource_templates',
      spec: () =>
        listSpec(
          'list_mcp_resource_templates',
          'resource templates',
          'Lists the resource templates the configured MCP servers expose: URI patterns with parameters that ' +
            'you fill in to build a URI for read_mcp_resource. Useful when a server serves data by name or id ' +
            'rather than as a fixed list.',
        ),
      handle: (call, context) => listing(servers, call, context, 'list_mcp_resource_templates', 'resourceTemplates'),
    },
    {
      name: 'read_mcp_resource',
      spec: () => ({
        type: 'function',
        name: 'read_mcp_resource',
        description: 'Reads one resource from an MCP server, by the server name and the resource URI.',
        strict: false,
        parameters: {
          type: 'object',
          properties: {
            server: {
              type: 'string',
              description: 'The MCP server, named as in the `server` field of list_mcp_resources.',
            },
            uri: {
              type: 'string',
              description: 'The resource URI, as list_mcp_resources gave it (or built from a resource template).',
            },
          },
          required: ['server', 'uri'],
          additionalProperties: false,
        },
      }),
      async handle(call, context) {
        const parsed = parseArguments(call.payload, ReadArgumentsSchema);
        if (!parsed.ok) return argumentsError(parsed.error);
        const { server, uri } = parsed.value;
        const connection = servers.connections.get(server);
        if (connection === undefined) return unknownServer(server);
        const item = startMcpItem(context, {
          id: call.callId,
          server,
          tool: 'read_mcp_resource',
          arguments: parsed.value,
          readOnlyHint: null,
        });
        try {
          const contents = await connection.readResource(uri, context.signal);
          const text = JSON.stringify({ server, uri, contents });
          item.complete({ status: 'completed', result: textResult(text) });
          return text;
        } catch (error) {
          if (context.signal.aborted) throw context.signal.reason;
          if (!(error instanceof McpCallError)) throw error;
          const cause = error.serverError ? `Mcp error: ${error.serverError.code}: ${error.serverError.message}` : error.message;
          const message = `resources/read failed: resources/read failed for \`${server}\` (${uri}): ${cause}`;
          item.complete({ status: 'failed', error: { message } });
          return message;
        }
      },
    },
  ];
}

async function listing(
  servers: McpServerSet,
  call: { readonly callId: string; readonly payload: string },
  context: ToolContext,
  tool: string,
  key: 'resources' | 'resourceTemplates',
): Promise<string> {
  const parsed = parseArguments(call.payload, ListArgumentsSchema);
  if (!parsed.ok) return argumentsError(parsed.error);
  const server = parsed.value.server;
  const chosen = server === undefined ? [...servers.connections.values()] : [servers.connections.get(server)];
  if (chosen.includes(undefined)) return unknownServer(server ?? '');
  const item = startMcpItem(context, {
    id: call.callId,
    server: server ?? ALL_SERVERS,
    tool,
    arguments: parsed.value,
    readOnlyHint: null,
  });
  await servers.startAll();
  const entries = chosen.flatMap((connection) =>
    connection === undefined
      ? []
      : connection.catalogue[key].map((entry) => ({ server: connection.config.name, ...inReferenceOrder(entry) })),
  );
  const text = JSON.stringify(server === undefined ? { [key]: entries } : { server, [key]: entries });
  item.complete({ status: 'completed', result: textResult(text) });
  return text;
}

/** The reference lists an entry's fields in its own struct order, whatever order the server sent them in. */
const FIELD_ORDER = ['uri', 'uriTemplate', 'name', 'title', 'description', 'mimeType', 'size'];

function inReferenceOrder(entry: object): Record<string, unknown> {
  const fields = entry as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) if (key in fields) ordered[key] = fields[key];
  return { ...ordered, ...fields };
}

function textResult(text: string): { content: unknown[]; structuredContent: null; _meta: null } {
  return { content: [{ type: 'text', text }], structuredContent: null, _meta: null };
}

function unknownServer(server: string): string {
  return `unknown MCP server '${server}'`;
}
