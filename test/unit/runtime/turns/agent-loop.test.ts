import assert from 'node:assert/strict';
import test from 'node:test';
import type { ResponseItem } from '../../../../src/model/events.js';
import type { ToolHandler } from '../../../../src/runtime/turn-tools/tool-context.js';
import { inProcessThread } from '../../../helpers/in-process-turn.js';
import {
  completed,
  messageEvents,
  reasoningEvents,
  textReply,
  toolCallReply,
  usageOf,
  type ScriptedReply,
} from '../../../helpers/scripted-model.js';

/*
 * The agent loop in process (turn-runner.ts), driven by the scripted model: what the thread tells its subscribers and
 * what the model is asked, request by request.
 */

/** The last user message of a request's input, as text. */
function lastUserText(input: readonly ResponseItem[]): string | undefined {
  const message = input.findLast((item) => item.type === 'message' && item['role'] === 'user');
  const content = message?.['content'] as { text?: string }[] | undefined;
  return content?.map((part) => part.text ?? '').join('');
}

/** A tool the test answers itself, recording the calls it got. */
function echoTool(calls: string[]): ToolHandler {
  return {
    name: 'echo',
    spec: () => ({ type: 'function', name: 'echo', description: 'Echoes its text.', strict: false, parameters: { type: 'object', properties: { text: { type: 'string' } } } }),
    handle: async (call) => {
      calls.push(call.payload);
      return `echo: ${(JSON.parse(call.payload) as { text: string }).text}`;
    },
  };
}

test('a text turn streams its reasoning and answer, reports usage, and completes with the answer', async (t) => {
  const reply: ScriptedReply = [
    { type: 'created' },
    ...reasoningEvents('Thinking it over', { itemId: 'rs_1' }),
    ...messageEvents(['Hel', 'lo'], { itemId: 'msg_1' }),
    completed(usageOf(120, 8)),
  ];
  const { thread, client, model, run } = await inProcessThread(t, { replies: [reply] });

  const ended = await run('Say hello');

  assert.deepEqual(client.methods(), [
    'thread/status/changed',
    'turn/started',
    'item/started', // the user's message
    'item/completed',
    'item/started', // reasoning
    'item/reasoning/summaryPartAdded',
    'item/reasoning/summaryTextDelta',
    'item/completed',
    'item/started', // the answer
    'item/agentMessage/delta',
    'item/agentMessage/delta',
    'item/completed',
    'thread/tokenUsage/updated',
    'account/rateLimits/updated',
    'thread/status/changed',
    'turn/completed',
  ]);
  assert.deepEqual(
    client.paramsOf('item/agentMessage/delta').map((params) => params['delta']),
    ['Hel', 'lo'],
  );
  const turn = ended['turn'] as { status: string; items: { type: string; text?: string }[] };
  assert.equal(turn.status, 'completed');
  assert.deepEqual(
    turn.items.map((item) => [item.type, item.text]),
    [['agentMessage', 'Hello']],
  );
  const usage = client.paramsOf('thread/tokenUsage/updated')[0]?.['tokenUsage'] as { last: { inputTokens: number; totalTokens: number } };
  assert.deepEqual([usage.last.inputTokens, usage.last.totalTokens], [120, 128]);
  assert.deepEqual(client.paramsOf('thread/status/changed').at(-1)?.['status'], { type: 'idle' });

  assert.equal(model.requests.length, 1);
  const { request, input, headers } = model.requests[0]!;
  assert.equal(request.model, thread.settings.model);
  assert.equal(request.promptCacheKey, thread.id);
  assert.equal(lastUserText(input), 'Say hello');
  assert.ok(headers['x-codex-turn-metadata'], 'the turn identifies itself on its requests');
  // The next request would carry the answer: it is in the thread's history now.
  assert.equal(thread.history.at(-1)?.['id'], 'msg_1');
});

test('a tool call is answered and the model is asked again with the call and its output', async (t) => {
  const calls: string[] = [];
  const harness = await inProcessThread(t, {
    replies: [toolCallReply('echo', { text: 'ping' }, { callId: 'call_1' }), textReply('The tool said ping.')],
  });
  harness.dependencies = { ...harness.dependencies, tools: [echoTool(calls)] };

  const ended = await harness.run('Use the echo tool');

  assert.deepEqual(calls, ['{"text":"ping"}']);
  assert.equal((ended['turn'] as { status: string }).status, 'completed');
  const [first, second] = harness.model.requests;
  assert.deepEqual(first?.toolNames, ['echo']);
  const tail = second?.input.slice(-2);
  assert.deepEqual(
    tail?.map((item) => [item.type, item['call_id']]),
    [
      ['function_call', 'call_1'],
      ['function_call_output', 'call_1'],
    ],
  );
  assert.equal(tail?.[1]?.['output'], 'echo: ping');
  // Each response's usage is reported once its tool calls are answered; the thread's total adds them up.
  const usages = harness.client.paramsOf('thread/tokenUsage/updated');
  assert.equal(usages.length, 2);
  assert.equal((usages[1]?.['tokenUsage'] as { total: { totalTokens: number } }).total.totalTokens, 30);
  assert.equal(harness.model.unplayed, 0);
});

test('a call of a tool the turn does not offer is answered as unsupported, and the turn goes on', async (t) => {
  const harness = await inProcessThread(t, {
    replies: [toolCallReply('no_such_tool', {}, { callId: 'call_x' }), textReply('Done.')],
  });

  await harness.run('Go');

  const output = harness.model.requests[1]?.input.at(-1);
  assert.deepEqual([output?.type, output?.['output']], ['function_call_output', 'unsupported call: no_such_tool']);
});

test('input steered into a running turn joins it after the response in flight, and the model is asked again', async (t) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const harness = await inProcessThread(t, {
    replies: [
      [{ type: 'created' }, ...messageEvents('Working on it', { itemId: 'msg_1' }), { type: 'pause', until: held }, completed()],
      textReply('Also done with the second thing.'),
    ],
  });
  const { client, model } = harness;

  const { turnId, ended } = harness.start('First thing');
  await client.nextNotification('item/completed', (params) => (params['item'] as { id: string }).id === 'msg_1');
  harness.steer('And a second thing');
  release();
  await ended;

  // One turn: the steered message is an item of it, reported after the first response's answer.
  assert.equal(client.paramsOf('turn/started').length, 1);
  const userMessages = client
    .paramsOf('item/completed')
    .filter((params) => (params['item'] as { type: string }).type === 'userMessage');
  assert.deepEqual(
    userMessages.map((params) => [params['turnId'], (params['item'] as { content: { text: string }[] }).content[0]?.text]),
    [
      [turnId, 'First thing'],
      [turnId, 'And a second thing'],
    ],
  );
  const completedIds = client.paramsOf('item/completed').map((params) => (params['item'] as { id: string }).id);
  const [firstMessageId, steerId] = userMessages.map((params) => (params['item'] as { id: string }).id);
  assert.deepEqual(completedIds, [firstMessageId, 'msg_1', steerId, 'msg_scripted']);
  assert.equal(model.requests.length, 2);
  const second = model.requests[1]!.input;
  assert.equal(lastUserText(second), 'And a second thing');
  assert.equal(second.at(-2)?.['id'], 'msg_1', 'the steer follows the answer it interrupted, in the conversation');
  const turn = (await client.nextNotification('turn/completed'))['turn'] as { status: string };
  assert.equal(turn.status, 'completed');
});

test('input steered while a tool runs follows the tool output in the next request', async (t) => {
  const harness = await inProcessThread(t, {
    replies: [toolCallReply('echo', { text: 'slow' }, { callId: 'call_1' }), textReply('Both handled.')],
  });
  const steeringTool: ToolHandler = {
    ...echoTool([]),
    handle: async () => {
      harness.steer('Meanwhile, this');
      return 'echo: slow';
    },
  };
  harness.dependencies = { ...harness.dependencies, tools: [steeringTool] };

  await harness.run('Use the tool');

  const second = harness.model.requests[1]?.input ?? [];
  assert.deepEqual(
    second.slice(-3).map((item) => item.type),
    ['function_call', 'function_call_output', 'message'],
  );
  assert.equal(lastUserText(second), 'Meanwhile, this');
  assert.equal(harness.model.requests.length, 2);
});

test('a model that keeps calling tools is stopped after 64 requests and the turn fails', async (t) => {
  const calls: string[] = [];
  const replies = Array.from({ length: 65 }, (_, round) => toolCallReply('echo', { text: `round ${round}` }, { callId: `call_${round}` }));
  const harness = await inProcessThread(t, { replies });
  harness.dependencies = { ...harness.dependencies, tools: [echoTool(calls)] };

  const ended = await harness.run('Loop forever');

  assert.equal(harness.model.requests.length, 64);
  assert.equal(calls.length, 64);
  assert.equal(harness.model.unplayed, 1);
  const turn = ended['turn'] as { status: string; error: { message: string; codexErrorInfo: unknown } };
  assert.equal(turn.status, 'failed');
  assert.deepEqual(turn.error.codexErrorInfo, 'other');
  assert.match(turn.error.message, /kept calling tools after 64 requests/);
  const error = harness.client.paramsOf('error').at(-1);
  assert.equal(error?.['willRetry'], false);
  assert.deepEqual(harness.client.paramsOf('thread/status/changed').at(-1)?.['status'], { type: 'systemError' });
});
