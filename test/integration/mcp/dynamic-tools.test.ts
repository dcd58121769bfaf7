import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { callOutput, namespacedCallReply, stdioServerToml } from '../../helpers/mcp-fixture.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

const DYNAMIC_TOOLS = [
  {
    type: 'function',
    name: 'lookup',
    description: 'Looks up.',
    inputSchema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { q: { type: 'string' } } },
  },
  {
    type: 'namespace',
    name: 'ns1',
    description: 'NS one.',
    tools: [{ type: 'function', name: 'inner', description: 'Inner.', inputSchema: { type: 'object', properties: {} } }],
  },
];

const done = () => sseReply(textTurnFrames(['done'], { itemId: 'msg_end', responseId: 'resp_end' }));

describe('client-provided (dynamic) tools', () => {
  it('offers them to the model and runs them through item/tool/call', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        namespacedCallReply(null, 'lookup', 'call_a', { q: 'x' }),
        namespacedCallReply('ns1', 'inner', 'call_b', {}),
        namespacedCallReply('ns1', 'nosuch', 'call_c', {}),
        namespacedCallReply(null, 'lookup', 'call_d', { q: 'bad answer' }),
        done(),
      ],
    });
    const answers = [
      { contentItems: [{ type: 'inputText', text: 'dyn result' }], success: true },
      {
        contentItems: [
          { type: 'inputText', text: 'a' },
          { type: 'inputImage', imageUrl: 'data:image/png;base64,AAAA' },
        ],
        success: false,
      },
      { bogus: 1 },
    ];
    const calls: Record<string, unknown>[] = [];
    rig.client.onServerRequest('item/tool/call', (request) => {
      calls.push(request.params as Record<string, unknown>);
      rig.client.answer(request, { result: answers[calls.length - 1] });
    });
    const threadId = await startThread(rig.client, { dynamicTools: DYNAMIC_TOOLS });
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    await turnCompleted(rig.client, turnId);
    const requests = await rig.fake.waitForRequests(5);

    const tools = (requests[0]?.body as { tools: Record<string, unknown>[] }).tools;
    assert.deepEqual(tools.find((tool) => tool.name === 'lookup'), {
      type: 'function',
      name: 'lookup',
      description: 'Looks up.',
      strict: false,
      parameters: { type: 'object', properties: { q: { type: 'string' } } },
    });
    assert.deepEqual(tools.find((tool) => tool.name === 'ns1'), {
      type: 'namespace',
      name: 'ns1',
      description: 'NS one.',
      tools: [{ type: 'function', name: 'inner', description: 'Inner.', strict: false, parameters: { type: 'object', properties: {} } }],
    });

    assert.deepEqual(calls[0], { threadId, turnId, callId: 'call_a', namespace: null, tool: 'lookup', arguments: { q: 'x' } });
    assert.deepEqual(calls[1], { threadId, turnId, callId: 'call_b', namespace: 'ns1', tool: 'inner', arguments: {} });
    assert.equal(calls.length, 3);
    assert.equal(callOutput(requests[1]?.body, 'call_a'), 'dyn result');
    assert.deepEqual(callOutput(requests[2]?.body, 'call_b'), [
      { type: 'input_text', text: 'a' },
      { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
    ]);
    assert.equal(callOutput(requests[3]?.body, 'call_c'), 'unsupported call: ns1nosuch');
    assert.equal(callOutput(requests[4]?.body, 'call_d'), 'dynamic tool response was invalid');

    const completed = rig.client.received
      .filter((m) => m.method === 'item/completed' && (m.params as { item: { type: string } }).item.type === 'dynamicToolCall')
      .map((m) => (m.params as { item: Record<string, unknown> }).item);
    assert.deepEqual(completed.map((item) => [item.id, item.status, item.success]), [
      ['call_a', 'completed', true],
      ['call_b', 'failed', false],
      ['call_d', 'failed', false],
    ]);
    // The reference announces no serverRequest/resolved for item/tool/call.
    assert.equal(rig.client.received.filter((m) => m.method === 'serverRequest/resolved').length, 0);
  });

  it('gives the model a tool error when the client goes away instead of answering', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [namespacedCallReply(null, 'lookup', 'call_gone', { q: 'x' }), done()],
    });
    const owner = await rig.connect('owner');
    owner.onServerRequest('item/tool/call', () => void owner.close());
    const threadId = await startThread(owner, { dynamicTools: DYNAMIC_TOOLS });
    await startTextTurn(owner, threadId, 'go');
    const [, second] = await rig.fake.waitForRequests(2);
    assert.equal(callOutput(second?.body, 'call_gone'), 'dynamic tool response was invalid');
  });

  it('keeps them in the rollout, so a thread loaded again from disk offers them again', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [done(), namespacedCallReply(null, 'lookup', 'call_again', { q: 'y' }), done()],
    });
    rig.client.onServerRequest('item/tool/call', (request) =>
      rig.client.answer(request, { result: { contentItems: [{ type: 'inputText', text: 'still here' }], success: true } }),
    );
    const threadId = await startThread(rig.client, { dynamicTools: DYNAMIC_TOOLS });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'first'));
    // Archiving unloads the thread; resuming it after unarchiving reads it back from its rollout.
    await rig.client.call('thread/archive', { threadId });
    await rig.client.call('thread/unarchive', { threadId });
    await rig.client.call('thread/resume', { threadId });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'second'));
    const requests = await rig.fake.waitForRequests(3);
    const names = (requests[1]?.body as { tools: { name?: string }[] }).tools.map((tool) => tool.name);
    assert.ok(names.includes('lookup') && names.includes('ns1'));
    assert.equal(callOutput(requests[2]?.body, 'call_again'), 'still here');
  });

  it('places them, and an MCP server\'s tools, among the built-in tools where the reference does', async (t) => {
    const rig = await startThreadRig(t, { replies: [done(), done()], configExtra: stdioServerToml('fx') });
    const threadId = await startThread(rig.client, { dynamicTools: DYNAMIC_TOOLS });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'go'));
    const gpt55 = await startThread(rig.client, { dynamicTools: DYNAMIC_TOOLS, model: 'gpt-5.5' });
    await turnCompleted(rig.client, await startTextTurn(rig.client, gpt55, 'go'));
    const [plain, deferring] = (await rig.fake.waitForRequests(2)).map((request) =>
      (request.body as { tools: { type: string; name?: string }[] }).tools.map((tool) => tool.name ?? tool.type),
    );
    // Observed from the reference 0.169.0 with the same configuration: MCP resource tools after the exec tools,
    // the server's namespace before the goal tools, the client's tools after them.
    const execAndResources = ['exec_command', 'write_stdin', 'list_mcp_resources', 'list_mcp_resource_templates', 'read_mcp_resource'];
    const goalsThenClientTools = ['get_goal', 'create_goal', 'update_goal', 'lookup', 'ns1'];
    assert.deepEqual(plain, [
      ...execAndResources,
      'request_user_input',
      'view_image',
      'multi_agent_v1',
      'mcp__fx',
      ...goalsThenClientTools,
      'web_search',
    ]);
    // gpt-5.5 defers the MCP server's tools behind tool_search; the client's tools stay in the list.
    assert.deepEqual(deferring, [
      ...execAndResources,
      'request_user_input',
      'apply_patch',
      'view_image',
      ...goalsThenClientTools,
      'tool_search',
      'web_search',
    ]);
  });
});
