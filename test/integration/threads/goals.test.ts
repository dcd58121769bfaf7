import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import { restartedServerClient } from '../../helpers/restarted-server.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

type Json = Record<string, unknown>;

/** A goal (from the wire or a tool's output) without its clock fields, which depend on when the test runs. */
function timeless(goal: unknown): Json {
  assert.ok(typeof goal === 'object' && goal !== null, 'a goal');
  return Object.fromEntries(Object.entries(goal).filter(([key]) => key !== 'createdAt' && key !== 'updatedAt'));
}

describe('thread goals', () => {
  it('thread/goal/set, get and clear, announced to the subscribers', async (t) => {
    // The goal gets to work at once; the model pauses it in that continuation turn.
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(toolCallFrames({ name: 'update_goal', arguments: { status: 'paused' }, callId: 'call_pause' })),
        sseReply(textTurnFrames(['paused'])),
      ],
    });
    const threadId = await startThread(rig.client);
    assert.deepEqual(await rig.client.call('thread/goal/get', { threadId }), { goal: null });

    const set = await rig.client.call('thread/goal/set', { threadId, objective: '  ship it  ', tokenBudget: 500 });
    const expected = { threadId, objective: 'ship it', status: 'active', tokenBudget: 500, tokensUsed: 0, timeUsedSeconds: 0 };
    assert.deepEqual(timeless(set.goal), expected);
    const updated = await rig.client.notification('thread/goal/updated');
    assert.deepEqual({ ...updated.params, goal: timeless(updated.params.goal) }, { threadId, turnId: null, goal: expected });
    await rig.client.notification('turn/completed');
    assert.deepEqual(timeless((await rig.client.call('thread/goal/get', { threadId })).goal), { ...expected, status: 'paused' });

    const blocked = await rig.client.call('thread/goal/set', { threadId, status: 'blocked' });
    assert.deepEqual(timeless(blocked.goal), { ...expected, status: 'blocked' });

    const refusals: [Json, string][] = [
      [{ threadId, objective: '   ' }, 'goal objective must not be empty'],
      [{ threadId, objective: 'x', tokenBudget: 0 }, 'goal budgets must be positive when provided'],
      [{ threadId: '01a24dd4-e398-77e1-883a-bc91d61de04d', objective: 'x' }, 'thread not found: 01a24dd4-e398-77e1-883a-bc91d61de04d'],
    ];
    for (const [params, message] of refusals) {
      assert.deepEqual((await rig.client.request('thread/goal/set', params)).error, { code: -32600, message });
    }

    assert.deepEqual(await rig.client.call('thread/goal/clear', { threadId }), { cleared: true });
    assert.deepEqual((await rig.client.notification('thread/goal/cleared')).params, { threadId });
    assert.deepEqual(await rig.client.call('thread/goal/clear', { threadId }), { cleared: false });
    assert.deepEqual((await rig.client.request('thread/goal/set', { threadId, status: 'active' })).error, {
      code: -32600,
      message: `cannot update goal for thread ${threadId}: no goal exists`,
    });
  });

  it('the model reads, creates and completes a goal through its tools', async (t) => {
    const calls: [string, Json][] = [
      ['get_goal', {}],
      ['update_goal', { status: 'complete' }],
      ['create_goal', { objective: 'padded objective ', token_budget: 1000 }],
      ['create_goal', { objective: 'another' }],
      ['update_goal', { status: 'active' }],
      ['update_goal', { status: 'complete' }],
    ];
    const rig = await startThreadRig(t, {
      replies: [
        ...calls.map(([name, args], index) => sseReply(toolCallFrames({ name, arguments: args, callId: `call_${index}` }))),
        sseReply(textTurnFrames(['done'])),
      ],
    });
    const threadId = await startThread(rig.client, { model: 'gpt-5.5' });
    const turnId = await startTextTurn(rig.client, threadId, 'work on a goal');
    await turnCompleted(rig.client, turnId);
    const requests = await rig.fake.waitForRequests(calls.length + 1);
    const input = (requests[calls.length]?.body as { input: Json[] }).input;
    const outputs = calls.map((_, index) => input.find((item) => item.call_id === `call_${index}` && item.type === 'function_call_output')?.output as string);

    assert.equal(outputs[0], JSON.stringify({ goal: null, remainingTokens: null, completionBudgetReport: null }));
    assert.equal(outputs[1], 'cannot update goal because this thread has no goal');
    const created = JSON.parse(outputs[2] as string) as Json;
    assert.deepEqual(Object.keys(created.goal as Json), ['threadId', 'objective', 'status', 'tokenBudget', 'tokensUsed', 'timeUsedSeconds', 'createdAt', 'updatedAt']);
    assert.deepEqual({ ...created, goal: timeless(created.goal) }, {
      goal: { threadId, objective: 'padded objective', status: 'active', tokenBudget: 1000, tokensUsed: 0, timeUsedSeconds: 0 },
      remainingTokens: 1000,
      completionBudgetReport: null,
    });
    assert.equal(outputs[3], 'cannot create a new goal because this thread has an unfinished goal; complete the existing goal first');
    assert.match(outputs[4] as string, /^update_goal can only mark the existing goal complete, blocked, or paused/);
    const completed = JSON.parse(outputs[5] as string) as { goal: Json; completionBudgetReport: unknown };
    assert.equal(completed.goal.status, 'complete');
    assert.equal(typeof completed.completionBudgetReport, 'string');

    const announced = rig.client
      .receivedParams('thread/goal/updated')
      .map(({ turnId: announcedTurn, goal }) => [announcedTurn, goal.status, goal.tokensUsed]);
    // Created (0), then the two responses sent while it was active are charged (15 tokens each), then completed.
    assert.deepEqual(announced, [
      [turnId, 'active', 0],
      [turnId, 'active', 15],
      [turnId, 'active', 30],
      [turnId, 'complete', 30],
    ]);
    assert.equal((await rig.client.call('thread/goal/get', { threadId })).goal !== null, true);
  });

  it('responses sent while a goal is pursued are charged to it, up to budgetLimited', async (t) => {
    const calls: [string, Json][] = [
      ['create_goal', { objective: 'small', token_budget: 20 }],
      ['get_goal', {}],
      ['get_goal', {}],
      ['get_goal', {}],
    ];
    const rig = await startThreadRig(t, {
      replies: [
        ...calls.map(([name, args], index) => sseReply(toolCallFrames({ name, arguments: args, callId: `call_${index}` }))),
        sseReply(textTurnFrames(['done'])),
      ],
    });
    const threadId = await startThread(rig.client, { model: 'gpt-5.5' });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'small goal'));
    const requests = await rig.fake.waitForRequests(calls.length + 1);
    const input = (requests[calls.length]?.body as { input: Json[] }).input;
    const seen = calls.map((_, index) => {
      const output = input.find((item) => item.call_id === `call_${index}` && item.type === 'function_call_output')?.output;
      const { goal, remainingTokens } = JSON.parse(output as string) as { goal: Json; remainingTokens: number };
      return [goal.status, goal.tokensUsed, remainingTokens];
    });
    // The usage of the fake's responses is 15 tokens each; the response that created the goal is not charged.
    assert.deepEqual(seen, [
      ['active', 0, 20],
      ['active', 0, 20],
      ['active', 15, 5],
      ['budgetLimited', 30, 0],
    ]);
    const { goal } = await rig.client.call('thread/goal/get', { threadId });
    assert.deepEqual([goal?.status, goal?.tokensUsed], ['budgetLimited', 60]);
  });

  it('an active goal keeps the thread working by itself until the model completes it', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(textTurnFrames(['hello'])),
        sseReply(textTurnFrames(['working on it'])),
        sseReply(toolCallFrames({ name: 'update_goal', arguments: { status: 'complete' }, callId: 'call_done' })),
        sseReply(textTurnFrames(['all done'], { itemId: 'msg_done' })),
      ],
    });
    const threadId = await startThread(rig.client, { model: 'gpt-5.5' });
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hi'));
    rig.client.received.length = 0;
    await rig.client.call('thread/goal/set', { threadId, objective: 'write the report' });
    const turnsCompleted = () => rig.client.received.filter((m) => m.method === 'turn/completed').length;
    await rig.client.waitFor(() => turnsCompleted() === 2, 'two continuation turns');
    // A round trip, so that a third turn would have started by now.
    const { goal } = await rig.client.call('thread/goal/get', { threadId });
    assert.equal(goal?.status, 'complete');
    assert.equal(rig.client.received.filter((m) => m.method === 'turn/started').length, 2);
    const items = rig.client.receivedParams('item/completed').map((params) => params.item.type);
    assert.ok(!items.includes('userMessage'), 'a continuation turn has no user message');

    const requests = await rig.fake.waitForRequests(4);
    assert.equal(rig.fake.requests.length, 4);
    const inputs = requests.slice(1).map((request) => (request.body as { input: Json[] }).input);
    const [first, second] = inputs as [Json[], Json[]];
    const [objective, prompt] = first.slice(-2) as [Json, Json];
    assert.deepEqual(
      { ...objective, id: undefined },
      { type: 'function_call_output', id: undefined, name: 'goal_objective', namespace: 'agent', output: 'write the report' },
    );
    const promptText = (prompt.content as { text: string }[])[0]?.text ?? '';
    assert.equal(prompt.role, 'user');
    assert.match(promptText, /^<codex_internal_context source="goal">\n[\s\S]*- Token budget: none[\s\S]*<\/codex_internal_context>$/);
    // The next continuation repeats the guidance, not the unchanged objective.
    const added = second.slice(first.length);
    assert.deepEqual(
      added.map((item) => [item.type, item.role]),
      [
        ['message', 'assistant'],
        ['message', 'user'],
      ],
    );
  });

  it('a goal survives a restart and is there for the resumed thread', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(textTurnFrames(['ok'])),
        sseReply(toolCallFrames({ name: 'update_goal', arguments: { status: 'paused' }, callId: 'call_pause' })),
        sseReply(textTurnFrames(['paused'])),
      ],
    });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello'));
    rig.client.received.length = 0;
    await rig.client.call('thread/goal/set', { threadId, objective: 'keep going', tokenBudget: 42 });
    await rig.client.notification('turn/completed');
    const { goal } = await rig.client.call('thread/goal/get', { threadId });
    assert.equal(goal?.status, 'paused');
    await rig.client.close();
    await rig.server.server.close();

    const client = await restartedServerClient(t, rig.server.codexHome);

    assert.deepEqual(await client.call('thread/goal/get', { threadId }), { goal });
    await client.call('thread/resume', { threadId });
    assert.deepEqual(await client.call('thread/goal/get', { threadId }), { goal });

  });
});
