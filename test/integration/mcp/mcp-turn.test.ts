import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { callOutput, namespacedCallReply, stdioServerToml } from '../../helpers/mcp-fixture.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import type { ThreadItemOf } from '../../helpers/thread-items.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

function mcpItems(client: RpcTestClient, method: 'item/started' | 'item/completed'): ThreadItemOf<'mcpToolCall'>[] {
  return client.receivedParams(method).flatMap(({ item }) => (item.type === 'mcpToolCall' ? [item] : []));
}

const done = () => sseReply(textTurnFrames(['done'], { itemId: 'msg_end', responseId: 'resp_end' }));

describe('MCP tools in a turn', () => {
  it('starts the configured server with the thread, offers its tools as a namespace, and runs a call', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: stdioServerToml('fx', ['env = { FIXTURE_MARKER = "m1" }']),
      replies: [namespacedCallReply('mcp__fx', 'read_echo', 'call_0', { text: 'hi' }), done()],
    });
    const threadId = await startThread(rig.client);
    const ready = await rig.client.notification('mcpServer/startupStatus/updated', (params) => params.status === 'ready');
    assert.deepEqual(ready.params, { threadId, name: 'fx', status: 'ready', error: null, failureReason: null });
    const [starting] = rig.client.receivedParams('mcpServer/startupStatus/updated');
    assert.equal(starting?.status, 'starting');

    const turnId = await startTextTurn(rig.client, threadId, 'go');
    await turnCompleted(rig.client, turnId);
    const [first, second] = await rig.fake.waitForRequests(2);
    const tools = (first?.body as { tools: Record<string, unknown>[] }).tools;
    const namespace = tools.find((tool) => tool.name === 'mcp__fx') as { type: string; tools: { name: string; parameters: unknown }[] };
    assert.equal(namespace.type, 'namespace');
    assert.deepEqual(
      namespace.tools.map((tool) => tool.name),
      ['ask', 'ask_url', 'client_capabilities', 'crash', 'echo', 'fail', 'grow', 'picture', 'read_echo', 'read_file', 'slow'],
    );
    assert.deepEqual(namespace.tools.find((tool) => tool.name === 'echo')?.parameters, {
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });

    const [started] = mcpItems(rig.client, 'item/started');
    assert.equal(started?.id, 'call_0');
    assert.equal(started?.status, 'inProgress');
    assert.equal(started?.readOnlyHint, true);
    const [completed] = mcpItems(rig.client, 'item/completed');
    assert.equal(completed?.status, 'completed');
    assert.deepEqual(completed?.result, {
      content: [{ type: 'text', text: 'echo: hi [m1]' }],
      structuredContent: null,
      _meta: null,
    });
    const output = callOutput(second?.body, 'call_0') as { type: string; text: string }[];
    assert.match(output[0]?.text ?? '', /^Wall time: \d+\.\d{4} seconds\nOutput:$/);
    assert.deepEqual(output[1], { type: 'input_text', text: 'echo: hi [m1]' });
  });

  it('refuses a tool without readOnlyHint under approval_policy never, and reports failures as the reference does', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: stdioServerToml('fx', ['tool_timeout_sec = 1']),
      replies: [
        namespacedCallReply('mcp__fx', 'echo', 'call_never', { text: 'hi' }),
        namespacedCallReply('mcp__fx', 'fail', 'call_fail', {}),
        namespacedCallReply('mcp__fx', 'picture', 'call_pic', {}),
        namespacedCallReply('mcp__fx', 'slow', 'call_slow', { ms: 3000 }),
        namespacedCallReply('mcp__fx', 'crash', 'call_crash', {}),
        namespacedCallReply('mcp__fx', 'read_echo', 'call_after', { text: 'back' }),
        namespacedCallReply('mcp__fx', 'nosuch', 'call_none', {}),
        done(),
      ],
    });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    await turnCompleted(rig.client, turnId);
    const requests = await rig.fake.waitForRequests(8);
    const items = new Map(mcpItems(rig.client, 'item/completed').map((item) => [item.id, item]));

    assert.equal(items.get('call_never')?.status, 'failed');
    assert.deepEqual(items.get('call_never')?.error, {
      message: 'MCP tool call requires approval, but approval policy is never',
    });
    assert.deepEqual((callOutput(requests[1]?.body, 'call_never') as unknown[])[1], {
      type: 'input_text',
      text: 'MCP tool call requires approval, but approval policy is never',
    });

    // A tool's own error is a failed item that keeps its result.
    assert.equal(items.get('call_fail')?.status, 'failed');
    assert.equal(items.get('call_fail')?.error, null);

    // Structured content stands for the result.
    assert.match(String(callOutput(requests[3]?.body, 'call_pic')), /^Wall time: [\d.]+ seconds\nOutput:\n\{"color":"red"\}$/);

    assert.equal(
      items.get('call_slow')?.error?.message,
      'tool call error: tool call failed for `fx/slow`\n\nCaused by:\n    timed out awaiting tools/call after 1000ms',
    );
    assert.equal(
      items.get('call_crash')?.error?.message,
      'tool call error: tool call failed for `fx/crash`\n\nCaused by:\n    Transport closed',
    );
    // Unlike the reference (which keeps answering `Transport closed`), the crashed server is started again.
    assert.equal(items.get('call_after')?.status, 'completed');
    assert.equal(callOutput(requests[7]?.body, 'call_none'), 'unsupported call: mcp__fxnosuch');
  });

  it('offers the resource tools, answering with JSON text as mcpToolCall items', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: stdioServerToml('fx'),
      replies: [
        namespacedCallReply(null, 'list_mcp_resources', 'call_all', {}),
        namespacedCallReply(null, 'list_mcp_resource_templates', 'call_tpl', { server: 'fx' }),
        namespacedCallReply(null, 'read_mcp_resource', 'call_read', { server: 'fx', uri: 'fixture://readme' }),
        namespacedCallReply(null, 'read_mcp_resource', 'call_missing', { server: 'fx', uri: 'x://y' }),
        namespacedCallReply(null, 'read_mcp_resource', 'call_nope', { server: 'nope', uri: 'x://y' }),
        done(),
      ],
    });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    await turnCompleted(rig.client, turnId);
    const requests = await rig.fake.waitForRequests(6);
    const names = (requests[0]?.body as { tools: { name: string }[] }).tools.map((tool) => tool.name);
    for (const name of ['list_mcp_resources', 'list_mcp_resource_templates', 'read_mcp_resource']) {
      assert.ok(names.includes(name), name);
    }
    assert.equal(
      callOutput(requests[1]?.body, 'call_all'),
      '{"resources":[{"server":"fx","uri":"fixture://readme","name":"readme","description":"The fixture readme.","mimeType":"text/plain"}]}',
    );
    assert.equal(
      callOutput(requests[2]?.body, 'call_tpl'),
      '{"server":"fx","resourceTemplates":[{"server":"fx","uriTemplate":"fixture://notes/{name}","name":"notes","description":"A note by name."}]}',
    );
    assert.equal(
      callOutput(requests[3]?.body, 'call_read'),
      '{"server":"fx","uri":"fixture://readme","contents":[{"uri":"fixture://readme","mimeType":"text/plain","text":"fixture readme text"}]}',
    );
    assert.equal(
      callOutput(requests[4]?.body, 'call_missing'),
      'resources/read failed: resources/read failed for `fx` (x://y): Mcp error: -32602: MCP error -32602: Resource x://y not found',
    );
    assert.equal(callOutput(requests[5]?.body, 'call_nope'), "unknown MCP server 'nope'");
    const items = mcpItems(rig.client, 'item/completed');
    assert.deepEqual(items.map((item) => [item.id, item.server, item.tool, item.status]), [
      ['call_all', 'codex', 'list_mcp_resources', 'completed'],
      ['call_tpl', 'fx', 'list_mcp_resource_templates', 'completed'],
      ['call_read', 'fx', 'read_mcp_resource', 'completed'],
      ['call_missing', 'fx', 'read_mcp_resource', 'failed'],
    ]);
  });

  it('defers the MCP tools behind tool_search for gpt-5.5, and answers a search with the matching tools', async (t) => {
    const search = {
      type: 'tool_search_call',
      call_id: 'call_ts',
      status: 'completed',
      execution: 'client',
      arguments: { query: 'echo text back', limit: 2 },
    };
    const rig = await startThreadRig(t, {
      configExtra: stdioServerToml('fx'),
      replies: [
        sseReply([
          { type: 'response.created', response: { id: 'resp_ts' } },
          { type: 'response.output_item.added', output_index: 0, item: { ...search, status: 'in_progress' } },
          { type: 'response.output_item.done', output_index: 0, item: search },
          { type: 'response.completed', response: { id: 'resp_ts', usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } } },
        ]),
        namespacedCallReply('mcp__fx', 'read_echo', 'call_found', { text: 'found' }),
        done(),
      ],
    });
    const threadId = await startThread(rig.client, { model: 'gpt-5.5' });
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    await turnCompleted(rig.client, turnId);
    const requests = await rig.fake.waitForRequests(3);
    const names = (requests[0]?.body as { tools: { name?: string; type: string }[] }).tools.map((tool) => tool.name ?? tool.type);
    assert.ok(names.includes('tool_search'));
    assert.ok(!names.includes('mcp__fx'));
    const input = (requests[1]?.body as { input: Record<string, unknown>[] }).input;
    const output = input.find((item) => item.type === 'tool_search_output');
    assert.deepEqual(
      { ...output, tools: (output?.tools as { tools: Record<string, unknown>[] }[]).map((ns) => ({ ...ns, description: undefined })) },
      {
        type: 'tool_search_output',
        call_id: 'call_ts',
        status: 'completed',
        execution: 'client',
        tools: [
          {
            type: 'namespace',
            name: 'mcp__fx',
            description: undefined,
            tools: [
              {
                type: 'function',
                name: 'echo',
                description: 'Echoes the text back.',
                strict: false,
                parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
                defer_loading: true,
              },
              {
                type: 'function',
                name: 'read_echo',
                description: 'Echoes the text back, read-only.',
                strict: false,
                parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
                defer_loading: true,
              },
            ],
          },
        ],
      },
    );
    assert.equal((callOutput(requests[2]?.body, 'call_found') as unknown[]).length, 2);
  });

  it('lets a turn waiting for a slow server to start be interrupted', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: '[mcp_servers.sleepy]\ncommand = "sleep"\nargs = ["30"]\nstartup_timeout_sec = 25\n',
    });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    await rig.client.call('turn/interrupt', { threadId, turnId });
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal(completed.turn.status, 'interrupted');

    assert.equal(rig.fake.requests.length, 0);
  });
});
