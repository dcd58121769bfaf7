import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { callOutput, namespacedCallReply, stdioServerToml } from '../../helpers/mcp-fixture.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

const done = () => sseReply(textTurnFrames(['done'], { itemId: 'msg_end', responseId: 'resp_end' }));

describe('MCP approvals and elicitations', () => {
  it('asks the client before a tool without readOnlyHint runs, and relays a server elicitation both ways', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: stdioServerToml('fx'),
      replies: [
        namespacedCallReply('mcp__fx', 'echo', 'call_ok', { text: 'hi' }),
        namespacedCallReply('mcp__fx', 'ask', 'call_ask', { question: 'name?' }),
        namespacedCallReply('mcp__fx', 'echo', 'call_no', { text: 'again' }),
        done(),
      ],
    });
    const asked: ServerMessage[] = [];
    const answers = [
      { action: 'accept', content: null, _meta: null },
      { action: 'accept', content: { answer: 'bob' }, _meta: null },
      { action: 'decline', content: null, _meta: null },
    ];
    rig.client.onServerRequest('mcpServer/elicitation/request', (request) => {
      asked.push(request);
      rig.client.answer(request, { result: answers[asked.length - 1] });
    });
    const threadId = await startThread(rig.client, { approvalPolicy: 'on-request' });
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    await turnCompleted(rig.client, turnId);
    const requests = await rig.fake.waitForRequests(4);

    assert.equal(asked.length, 3);
    const approval = asked[0]?.params as Record<string, unknown>;
    assert.deepEqual(approval, {
      threadId,
      turnId,
      serverName: 'fx',
      mode: 'form',
      _meta: {
        codex_approval_kind: 'mcp_tool_call',
        persist: ['session', 'always'],
        tool_name: 'echo',
        tool_description: 'Echoes the text back.',
        tool_params: { text: 'hi' },
        tool_params_display: [{ name: 'text', value: 'hi', display_name: 'text' }],
      },
      message: 'Allow the fx MCP server to run tool "echo"?',
      requestedSchema: { type: 'object', properties: {} },
    });
    // The item starts before the question goes out, and the question is withdrawn once answered.
    const order = rig.client.received.map((m) =>
      m.method === 'item/started' ? `started:${(m.params as { item: { id: string } }).item.id}` : String(m.method ?? ''),
    );
    assert.ok(order.indexOf('started:call_ok') < order.indexOf('mcpServer/elicitation/request'));
    assert.ok(rig.client.received.some((m) => m.method === 'serverRequest/resolved'));
    assert.deepEqual((callOutput(requests[1]?.body, 'call_ok') as unknown[])[1], { type: 'input_text', text: 'echo: hi' });

    const elicitation = asked[1]?.params as Record<string, unknown>;
    assert.equal(elicitation.message, 'name?');
    assert.equal(elicitation.turnId, turnId);
    assert.deepEqual(elicitation.requestedSchema, {
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
    });
    assert.deepEqual((callOutput(requests[2]?.body, 'call_ask') as unknown[])[1], {
      type: 'input_text',
      text: '{"action":"accept","content":{"answer":"bob"}}',
    });
    assert.deepEqual((callOutput(requests[3]?.body, 'call_no') as unknown[])[1], {
      type: 'input_text',
      text: 'user rejected MCP tool call',
    });
  });

  it('does not ask again for a tool approved for the session', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: stdioServerToml('fx'),
      replies: [
        namespacedCallReply('mcp__fx', 'echo', 'call_1', { text: 'one' }),
        namespacedCallReply('mcp__fx', 'echo', 'call_2', { text: 'two' }),
        done(),
      ],
    });
    let asked = 0;
    rig.client.onServerRequest('mcpServer/elicitation/request', (request) => {
      asked += 1;
      rig.client.answer(request, { result: { action: 'accept', content: null, _meta: { persist: 'session' } } });
    });
    const threadId = await startThread(rig.client, { approvalPolicy: 'on-request' });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'go'));
    const requests = await rig.fake.waitForRequests(3);
    assert.equal(asked, 1);
    assert.deepEqual((callOutput(requests[2]?.body, 'call_2') as unknown[])[1], { type: 'input_text', text: 'echo: two' });
  });

  it('reports a tool’s progress messages as item/mcpToolCall/progress', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: stdioServerToml('fx'),
      replies: [namespacedCallReply('mcp__fx', 'slow', 'call_slow', { ms: 10 }), done()],
    });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    await turnCompleted(rig.client, turnId);
    const progress = rig.client.received.filter((m) => m.method === 'item/mcpToolCall/progress');
    assert.deepEqual(progress.map((m) => m.params), [{ threadId, turnId, itemId: 'call_slow', message: 'halfway' }]);
  });
});
