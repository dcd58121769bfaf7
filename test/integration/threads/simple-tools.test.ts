import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

/** The output the model got back for `callId` in its `index`-th request. */
function toolOutputIn(body: unknown, callId: string): unknown {
  const input = (body as { input: Record<string, unknown>[] }).input;
  return input.find((item) => item.call_id === callId && String(item.type).endsWith('_output'))?.output;
}

describe('plan and question tools', () => {
  it('update_plan is not offered: a call answers "unsupported call: update_plan" and announces nothing', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(
          toolCallFrames({
            name: 'update_plan',
            callId: 'call_plan',
            arguments: { explanation: 'first things first', plan: [{ step: 'read', status: 'completed' }] },
          }),
        ),
        sseReply(textTurnFrames(['planned'])),
      ],
    });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'plan it');
    await turnCompleted(rig.client, turnId);
    const [first, second] = await rig.fake.waitForRequests(2);
    const tools = (first?.body as { tools: { name?: string }[] }).tools.map((tool) => tool.name);
    assert.ok(!tools.includes('update_plan') && tools.includes('request_user_input'));
    assert.equal(toolOutputIn(second?.body, 'call_plan'), 'unsupported call: update_plan');
    assert.ok(!rig.client.received.some((m) => m.method === 'turn/plan/updated'));
  });

  it('request_user_input asks the subscribers and returns their answers to the model', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(
          toolCallFrames({
            name: 'request_user_input',
            callId: 'call_ask',
            arguments: {
              questions: [{ id: 'lang', header: 'Language', question: 'Which one?', options: [{ label: 'TS', description: 'TypeScript' }] }],
            },
          }),
        ),
        sseReply(textTurnFrames(['thanks'])),
      ],
    });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'ask me');
    const request = await rig.client.serverRequest('item/tool/requestUserInput');
    const { params } = request;
    assert.equal(params.itemId, 'call_ask');
    assert.equal(params.turnId, turnId);
    const waiting = rig.client
      .receivedParams('thread/status/changed')
      .find(
        (changed) =>
          JSON.stringify(changed.status) === JSON.stringify({ type: 'active', activeFlags: ['waitingOnUserInput'] }),
      );
    assert.ok(waiting, 'the thread shows it waits on user input');
    rig.client.reply(request, { answers: { lang: { answers: ['TS'] } } });

    const resolved = await rig.client.notification('serverRequest/resolved');
    assert.deepEqual(resolved.params, { threadId, requestId: request.id });
    await turnCompleted(rig.client, turnId);
    const [, second] = await rig.fake.waitForRequests(2);
    assert.equal(toolOutputIn(second?.body, 'call_ask'), JSON.stringify({ answers: { lang: { answers: ['TS'] } } }));
  });

  it('answers a call of an unknown tool with the reference\'s "unsupported call"', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(toolCallFrames({ name: 'no_such_tool', callId: 'call_x', arguments: {} })),
        sseReply(textTurnFrames(['ok'])),
      ],
    });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal(completed.turn.status, 'completed');
    const [, second] = await rig.fake.waitForRequests(2);
    assert.equal(toolOutputIn(second?.body, 'call_x'), 'unsupported call: no_such_tool');
    await rig.client.call('thread/read', { threadId });
  });
});
