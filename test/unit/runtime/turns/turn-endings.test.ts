import assert from 'node:assert/strict';
import test from 'node:test';
import { ModelError } from '../../../../src/model/errors.js';
import { TURN_ABORTED_MESSAGE } from '../../../../src/runtime/rollout/rollout-records.js';
import { inProcessThread } from '../../../helpers/in-process-turn.js';
import { completed, messageEvents, textReply } from '../../../helpers/scripted-model.js';

/*
 * How a turn ends when it does not simply complete, in process: interrupted while the model streams, a model failure
 * that is retried, and one that is not.
 */

const never = new Promise<void>(() => {});

test('an interrupt while the model streams cancels the request and ends the turn interrupted', async (t) => {
  const harness = await inProcessThread(t, {
    replies: [
      [
        { type: 'created' },
        { type: 'outputItemAdded', item: { type: 'message', role: 'assistant', id: 'msg_1', content: [] }, outputIndex: 0 },
        { type: 'outputTextDelta', delta: 'Let me', itemId: 'msg_1', outputIndex: 0, contentIndex: 0 },
        { type: 'pause', until: never },
      ],
    ],
  });
  const { thread, client, model } = harness;

  const { ended } = harness.start('Take your time');
  await client.nextNotification('item/agentMessage/delta');
  harness.interrupt();
  await ended;

  assert.equal(model.requests[0]?.signal.aborted, true, 'the model request is cancelled');
  const turn = (await client.nextNotification('turn/completed'))['turn'] as { status: string; items: unknown[]; error: unknown };
  assert.deepEqual([turn.status, turn.items, turn.error], ['interrupted', [], null]);
  // The half-streamed answer never completes; the thread goes idle, not into an error.
  const completedTypes = client.paramsOf('item/completed').map((params) => (params['item'] as { type: string }).type);
  assert.deepEqual(completedTypes, ['userMessage']);
  assert.deepEqual(client.paramsOf('thread/status/changed').at(-1)?.['status'], { type: 'idle' });
  assert.deepEqual(client.paramsOf('error'), []);
  // The next turn's model reads that this one was cut short.
  const marker = thread.history.at(-1)?.['content'] as { text: string }[];
  assert.equal(marker[0]?.text, TURN_ABORTED_MESSAGE);
  assert.equal(thread.activeTurn, null);
});

test('a stream that breaks is retried: subscribers are told, the abandoned attempt is dropped, the retry completes', async (t) => {
  const broken = ModelError.streamDisconnected('stream closed before response.completed');
  const harness = await inProcessThread(t, {
    replies: [
      [
        { type: 'created' },
        { type: 'outputItemAdded', item: { type: 'message', role: 'assistant', id: 'msg_lost', content: [] }, outputIndex: 0 },
        { type: 'outputTextDelta', delta: 'Half an ans', itemId: 'msg_lost', outputIndex: 0, contentIndex: 0 },
        { type: 'retry', phase: 'stream', error: broken, maxRetries: 5 },
        { type: 'created' },
        ...messageEvents('A whole answer', { itemId: 'msg_1' }),
        completed(),
      ],
    ],
  });
  const { client } = harness;

  const ended = await harness.run('Answer me');

  const retry = client.paramsOf('error')[0];
  assert.equal(retry?.['willRetry'], true);
  assert.deepEqual(retry?.['error'], {
    message: 'Reconnecting... 1/5',
    codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } },
    additionalDetails: 'stream disconnected before completion: stream closed before response.completed',
    misalignment: null,
  });
  const turn = ended['turn'] as { status: string; items: { id: string; text: string }[] };
  assert.equal(turn.status, 'completed');
  assert.deepEqual(
    turn.items.map((item) => [item.id, item.text]),
    [['msg_1', 'A whole answer']],
  );
  // Only the retried answer reaches the conversation.
  assert.equal(harness.thread.history.some((item) => item['id'] === 'msg_lost'), false);
});

test('a model failure that is not retried fails the turn with its error and leaves the thread in systemError', async (t) => {
  const refused = new ModelError('usageLimitExceeded', "You've hit your usage limit.", { httpStatusCode: 429 });
  const harness = await inProcessThread(t, { replies: [[{ type: 'fail', error: refused }], textReply('Back again.')] });
  const { client } = harness;

  const ended = await harness.run('Hello?');

  const turn = ended['turn'] as { id: string; status: string; error: unknown };
  assert.equal(turn.status, 'failed');
  const error = { message: "You've hit your usage limit.", codexErrorInfo: 'usageLimitExceeded', additionalDetails: null, misalignment: null };
  assert.deepEqual(turn.error, error);
  assert.deepEqual(client.paramsOf('error').at(-1), { error, willRetry: false, threadId: harness.thread.id, turnId: turn.id });
  const statuses = client.paramsOf('thread/status/changed').map((params) => params['status']);
  assert.deepEqual(statuses.slice(-1), [{ type: 'systemError' }]);

  // The next turn starts from there and works.
  const next = await harness.run('Hello again');
  assert.equal((next['turn'] as { status: string }).status, 'completed');
  assert.equal(harness.model.requests.length, 2);
});

test('a fault before the model is asked still ends the turn, failed, as a model failure ends it', async (t) => {
  const harness = await inProcessThread(t, { replies: [] });
  const { thread, client, model } = harness;
  // Reading the hooks' sandbox throws: an unexpected fault in the turn's set-up, outside any guarded step.
  harness.dependencies = {
    ...harness.dependencies,
    hooks: {
      load: async () => ({ hooks: [], environments: new Map() }),
      get jail(): never {
        throw new Error('injected fault');
      },
    },
  };

  const completedTurn = await harness.run('Hello');

  const turn = completedTurn['turn'] as { status: string; error: { message: string } | null };
  assert.equal(turn.status, 'failed');
  assert.match(turn.error?.message ?? '', /injected fault/);
  assert.equal(model.requests.length, 0, 'no model request is made');
  assert.deepEqual(client.paramsOf('thread/status/changed').at(-1)?.['status'], { type: 'systemError' });
  assert.equal(thread.activeTurn, null);
});
