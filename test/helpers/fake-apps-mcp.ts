import type { DynamicReply, HttpReply } from './fake-model-server.js';
import { httpReply } from './fake-model-server.js';

/**
 * A fake of ChatGPT's apps MCP server (`<chatgpt_base_url>/ps/mcp`, streamable HTTP answering in plain JSON), for
 * a backend route: it answers `initialize` and `tools/list` (one page of `tools`), accepts notifications with a 202,
 * and refuses any other method. Tools name their app in `_meta` (`connector_id`, `connector_name`, …).
 */
export function fakeAppsMcp(tools: readonly Record<string, unknown>[]): DynamicReply {
  return {
    kind: 'dynamic',
    reply: (request): HttpReply => {
      const message = request.body as { id?: unknown; method?: string } | undefined;
      if (request.method !== 'POST' || message === undefined) return httpReply(405, 'method not allowed');
      if (message.id === undefined) return httpReply(202, '');
      const answer = (result: unknown) =>
        httpReply(200, JSON.stringify({ jsonrpc: '2.0', id: message.id, result }), { 'content-type': 'application/json' });
      switch (message.method) {
        case 'initialize':
          return answer({
            protocolVersion: '2025-06-18',
            capabilities: { tools: { listChanged: false } },
            serverInfo: { name: 'fake-apps', version: '1.0.0' },
          });
        case 'tools/list':
          return answer({ tools });
        default:
          return httpReply(
            200,
            JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'method not found' } }),
            { 'content-type': 'application/json' },
          );
      }
    },
  };
}

/** One app tool as the apps MCP server lists it. */
export function appTool(name: string, meta: Record<string, unknown>): Record<string, unknown> {
  return { name, description: `${name} tool`, inputSchema: { type: 'object', properties: {} }, _meta: meta };
}
