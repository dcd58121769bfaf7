import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { httpReply, reasoningTurnFrames, sseReply, textTurnFrames, within } from '../../helpers/fake-model-server.js';
import { readRollout } from '../../../src/persistence/rollout-reader.js';
import { turnsFromRollout } from '../../../src/runtime/rollout/rollout-turns.js';
import { isNotification } from '../../helpers/rpc-client.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';

import { resultOf } from '../../helpers/rpc-results.js';
import {
  startTextTurn,
  startThread,
  startThreadRig,
  turnCompleted,
} from '../../helpers/thread-server.js';

/** The thread's turns as its rollout file records them. */
async function storedTurns(client: RpcTestClient, threadId: string) {
  const { thread } = await client.call('thread/read', { threadId });
  assert.ok(thread.path, 'a stored thread has a path');
  return turnsFromRollout((await readRollout(thread.path)).lines);
}

function methodsOf(messages: readonly ServerMessage[]): string[] {
  return messages.filter((m) => typeof m.method === 'string' && !('id' in m)).map((m) => m.method as string);
}

describe('turn lifecycle', () => {
  it('streams a reasoning item before the answer and sends it back verbatim on the next request', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(reasoningTurnFrames()), sseReply(textTurnFrames(['again']))] });
    const threadId = await startThread(rig.client);
    const from = rig.client.received.length;
    const turnId = await startTextTurn(rig.client, threadId, 'think please');
    await turnCompleted(rig.client, turnId);
    const methods = methodsOf(rig.client.received.slice(from));
    assert.deepEqual(methods.slice(0, 11), [
      'thread/status/changed',
      'turn/started',
      'item/started',
      'item/completed',
      'item/started',
      'item/reasoning/summaryPartAdded',
      'item/reasoning/summaryTextDelta',
      'item/reasoning/textDelta',
      'item/completed',
      'item/started',
      'item/agentMessage/delta',
    ]);
    const reasoning = rig.client.receivedParams('item/completed').find((params) => params.item.type === 'reasoning');
    assert.deepEqual(
      { ...reasoning?.item, startedAtMs: 0, completedAtMs: 0 },
      { type: 'reasoning', id: 'rs_1', summary: ['Think'], content: ['raw'], startedAtMs: 0, completedAtMs: 0 },
    );
    const usageNote = await rig.client.notification('thread/tokenUsage/updated');
    assert.equal(usageNote.params.tokenUsage.last.totalTokens, 15);

    const second = await startTextTurn(rig.client, threadId, 'and again');
    await turnCompleted(rig.client, second);
    const [, request] = await rig.fake.waitForRequests(2);
    const input = (request?.body as { input: Record<string, unknown>[] }).input;
    const sentReasoning = input.find((item) => item.type === 'reasoning');
    assert.equal(sentReasoning?.encrypted_content, 'opaque');
    assert.deepEqual(
      input.slice(-3).map((item) => [item.type, item.role]),
      [
        ['reasoning', undefined],
        ['message', 'assistant'],
        ['message', 'user'],
      ],
    );
  });

  it('interrupts a turn mid-stream: the model request is aborted and the turn ends interrupted', async (t) => {
    const frames = textTurnFrames(['partial']).slice(0, 3);
    const rig = await startThreadRig(t, { replies: [sseReply(frames, { then: 'hang' })] });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'long one');
    await rig.client.notification('item/agentMessage/delta');
    const [request] = await rig.fake.waitForRequests(1);
    assert.deepEqual(await rig.client.call('turn/interrupt', { threadId, turnId }), {});
    await within(request!.clientGone, 'the model request to be aborted');
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal(completed.turn.status, 'interrupted');
    const again = await rig.client.callRaw('turn/interrupt', { threadId, turnId });
    assert.deepEqual(again.error, { code: -32600, message: 'no active turn to interrupt' });
    // Read back from disk the way a restarted server (or the reference) would.
    const stored = await storedTurns(rig.client, threadId);
    assert.deepEqual(stored.map((turn) => turn.status), ['interrupted']);
  });

  it('steers a running turn: the input becomes a user message sent with the next request', async (t) => {
    const { rig, threadId, started } = await startHeldTurn(t);
    const turnId = resultOf(started).turn.id;
    const wrong = await rig.client.callRaw('turn/steer', {
      threadId,
      expectedTurnId: 'not-the-turn',
      input: [{ type: 'text', text: 'x' }],
    });
    assert.equal(wrong.error?.code, -32600);
    const steer = await rig.client.call('turn/steer', {
      threadId,
      expectedTurnId: turnId,
      input: [{ type: 'text', text: 'also this' }],
    });
    assert.deepEqual(steer, { turnId });
    rig.release();
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal(completed.turn.status, 'completed');
    const [, second] = await rig.fake.waitForRequests(2);
    const input = (second?.body as { input: Record<string, unknown>[] }).input;
    const { id, ...lastInput } = input.at(-1) ?? {};
    assert.match(String(id), /^msg_/);
    assert.deepEqual(lastInput, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'also this' }] });
    const userItems = rig.client.receivedParams('item/completed').filter((params) => params.item.type === 'userMessage');
    assert.equal(userItems.length, 2);
    const noTurn = await rig.client.callRaw('turn/steer', {
      threadId,
      expectedTurnId: turnId,
      input: [{ type: 'text', text: 'late' }],
    });
    assert.deepEqual(noTurn.error, { code: -32600, message: 'no active turn to steer' });
  });

  it('joins a turn/start on a busy thread to the running turn, as the reference does', async (t) => {
    const { rig, threadId, started } = await startHeldTurn(t);
    const turnId = resultOf(started).turn.id;
    // Probed on 0.169.0 (shared bench probe): every concurrent turn/start answered with the running turn.
    const again = await rig.client.call('turn/start', { threadId, input: [{ type: 'text', text: 'and this' }] });
    assert.deepEqual(again, resultOf(started));
    rig.release();
    assert.equal((await turnCompleted(rig.client, turnId)).turn.status, 'completed');
    const [, second] = await rig.fake.waitForRequests(2);
    const input = (second?.body as { input: Record<string, unknown>[] }).input;
    const { id, ...lastInput } = input.at(-1) ?? {};
    assert.match(String(id), /^msg_/);
    assert.deepEqual(lastInput, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'and this' }] });
    assert.equal(rig.client.received.filter((m) => m.method === 'turn/started').length, 1);
  });

  it('retries a broken stream, telling the client with willRetry, then completes', async (t) => {
    const frames = textTurnFrames(['ok']);
    const rig = await startThreadRig(t, {
      retries: { stream: 1 },
      replies: [sseReply(frames.slice(0, 3), { then: 'drop' }), sseReply(frames)],
    });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'flaky');
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal(completed.turn.status, 'completed');
    const { params } = await rig.client.notification('error');
    assert.equal(params.willRetry, true);
    assert.deepEqual(params.error.codexErrorInfo, { responseStreamDisconnected: { httpStatusCode: null } });
  });

  it('fails the turn when the stream breaks and no retry is left', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['x']).slice(0, 3), { then: 'drop' })] });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'breaks');
    const { turn } = await turnCompleted(rig.client, turnId);
    assert.equal(turn.status, 'failed');
    assert.deepEqual(turn.error?.codexErrorInfo, { responseStreamDisconnected: { httpStatusCode: null } });
    assert.match(turn.error?.message ?? '', /^stream disconnected before completion: /);
  });

  for (const [status, info] of [
    [401, 'unauthorized'],
    [429, { responseTooManyFailedAttempts: { httpStatusCode: 429 } }],
    [500, 'internalServerError'],
  ] as const) {
    it(`maps HTTP ${status} to a failed turn with codexErrorInfo ${JSON.stringify(info)}`, async (t) => {
      const rig = await startThreadRig(t, { replies: [httpReply(status, { error: { message: 'nope' } })] });
      const threadId = await startThread(rig.client);
      const turnId = await startTextTurn(rig.client, threadId, 'go');
      const { turn } = await turnCompleted(rig.client, turnId);
      assert.equal(turn.status, 'failed');
      assert.deepEqual(turn.error?.codexErrorInfo, info);
      const stored = await storedTurns(rig.client, threadId);
      assert.deepEqual(
        stored.map((storedTurn) => [storedTurn.status, storedTurn.error?.codexErrorInfo]),
        [['failed', info]],
      );
      // The thread stays usable.
      rig.fake.enqueue(sseReply(textTurnFrames(['fine'])));
      const next = await startTextTurn(rig.client, threadId, 'again');
      assert.equal((await turnCompleted(rig.client, next)).turn.status, 'completed');
    });
  }

  it('streams to every subscriber and keeps running when the starting client disconnects', async (t) => {
    const frames = textTurnFrames(['a', 'b']);
    const rig = await startThreadRig(t, { replies: [sseReply(frames, { delayMs: 20 })] });
    const threadId = await startThread(rig.client);
    const watcher = await rig.connect('watcher');
    await watcher.call('thread/resume', { threadId });
    // A connection that never subscribed sees the thread's status, not its stream [observed].
    const bystander = await rig.connect('bystander');
    const turnId = await startTextTurn(rig.client, threadId, 'shared');
    await rig.client.notification('turn/started');
    await rig.client.close();
    const completed = await turnCompleted(watcher, turnId);
    assert.equal(completed.turn.status, 'completed');
    assert.ok(watcher.received.some((m) => m.method === 'item/agentMessage/delta'));
    await bystander.notification('thread/status/changed', (params) => params.status.type === 'idle');
    assert.ok(!bystander.received.some((m) => typeof m.method === 'string' && m.method.startsWith('item/')));
    assert.ok(!bystander.received.some((m) => m.method === 'turn/completed'));
  });

  it('never writes an ephemeral thread to disk', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['tmp']))] });
    const { thread } = await rig.client.call('thread/start', { ephemeral: true });
    assert.equal(thread.ephemeral, true);
    assert.equal(thread.path, null);
    const turnId = await startTextTurn(rig.client, thread.id, 'secret');
    await turnCompleted(rig.client, turnId);
    assert.equal(existsSync(join(rig.server.codexHome, 'sessions')), false);
    const list = await rig.client.call('thread/list', {});
    assert.deepEqual(list.data, []);
  });
});

describe('turn/start overrides', () => {
  it('announce changed settings before the response and persist for later turns', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['one'])), sseReply(textTurnFrames(['two'], { itemId: 'msg_2' }))],
    });
    const threadId = await startThread(rig.client);
    const from = rig.client.received.length;
    const response = await rig.client.callRaw('turn/start', {
      threadId,
      input: [{ type: 'text', text: 'first' }],
      model: 'other-model',
      effort: 'high',
    });
    const turnId = resultOf(response).turn.id;
    await turnCompleted(rig.client, turnId);
    const before = rig.client.received.slice(from, rig.client.received.indexOf(response));
    assert.deepEqual(before.map((m) => m.method), ['thread/settings/updated']);
    const [update] = before;
    assert.ok(update && isNotification(update, 'thread/settings/updated'));
    assert.equal(update.params.threadSettings.model, 'other-model');
    assert.equal(update.params.threadSettings.effort, 'high');

    const secondFrom = rig.client.received.length;
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'second'));
    assert.ok(!rig.client.received.slice(secondFrom).some((m) => m.method === 'thread/settings/updated'));
    const requests = await rig.fake.waitForRequests(2);
    for (const request of requests) {
      const body = request.body as { model: string; reasoning: { effort?: string } | null };
      assert.equal(body.model, 'other-model');
      assert.equal(body.reasoning?.effort, 'high');
    }
  });
});

/**
 * A thread whose first turn streams one delta of a two-response exchange, then waits for `rig.release()`: a turn
 * that is running while the test acts on it.
 */
async function startHeldTurn(t: TestContext) {
  let release: () => void = () => {};
  const until = new Promise<void>((resolve) => {
    release = resolve;
  });
  const base = await startThreadRig(t, {
    replies: [sseReply(textTurnFrames(['one']), { hold: { count: 3, until } }), sseReply(textTurnFrames(['two']))],
  });
  t.after(release);
  const threadId = await startThread(base.client);
  const started = await base.client.callRaw('turn/start', { threadId, input: [{ type: 'text', text: 'start' }] });

  await base.client.notification('item/agentMessage/delta');
  return { rig: { ...base, release }, threadId, started };
}
