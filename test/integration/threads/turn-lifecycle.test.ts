import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { httpReply, reasoningTurnFrames, sseReply, textTurnFrames, within } from '../../helpers/fake-model-server.js';
import { readRollout } from '../../../src/persistence/rollout-reader.js';
import { turnsFromRollout } from '../../../src/runtime/rollout/rollout-turns.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';
import {
  resultOf,
  startTextTurn,
  startThread,
  startThreadRig,
  turnCompleted,
} from '../../helpers/thread-server.js';

/** The thread's turns as its rollout file records them. */
async function storedTurns(client: RpcTestClient, threadId: string) {
  const read = resultOf(await client.request('thread/read', { threadId }));
  const path = (read.thread as { path: string }).path;
  return turnsFromRollout((await readRollout(path)).lines);
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
    const reasoning = rig.client.received.find(
      (m) => m.method === 'item/completed' && (m.params as { item: { type: string } }).item.type === 'reasoning',
    );
    assert.deepEqual(
      { ...(reasoning?.params as { item: Record<string, unknown> }).item, startedAtMs: 0, completedAtMs: 0 },
      { type: 'reasoning', id: 'rs_1', summary: ['Think'], content: ['raw'], startedAtMs: 0, completedAtMs: 0 },
    );
    const usageNote = await rig.client.notification('thread/tokenUsage/updated');
    assert.equal((usageNote.params as { tokenUsage: { last: { totalTokens: number } } }).tokenUsage.last.totalTokens, 15);

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
    const answer = await rig.client.request('turn/interrupt', { threadId, turnId });
    assert.deepEqual(resultOf(answer), {});
    await within(request!.clientGone, 'the model request to be aborted');
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal((completed.turn as { status: string }).status, 'interrupted');
    const again = await rig.client.request('turn/interrupt', { threadId, turnId });
    assert.deepEqual(again.error, { code: -32600, message: 'no active turn to interrupt' });
    // Read back from disk the way a restarted server (or the reference) would.
    const stored = await storedTurns(rig.client, threadId);
    assert.deepEqual(stored.map((turn) => turn.status), ['interrupted']);
  });

  it('steers a running turn: the input becomes a user message sent with the next request', async (t) => {
    const { rig, threadId, started } = await startHeldTurn(t);
    const turnId = (resultOf(started).turn as { id: string }).id;
    const wrong = await rig.client.request('turn/steer', {
      threadId,
      expectedTurnId: 'not-the-turn',
      input: [{ type: 'text', text: 'x' }],
    });
    assert.equal((wrong.error as { code: number }).code, -32600);
    const steer = await rig.client.request('turn/steer', {
      threadId,
      expectedTurnId: turnId,
      input: [{ type: 'text', text: 'also this' }],
    });
    assert.deepEqual(resultOf(steer), { turnId });
    rig.release();
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal((completed.turn as { status: string }).status, 'completed');
    const [, second] = await rig.fake.waitForRequests(2);
    const input = (second?.body as { input: Record<string, unknown>[] }).input;
    const { id, ...lastInput } = input.at(-1) ?? {};
    assert.match(String(id), /^msg_/);
    assert.deepEqual(lastInput, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'also this' }] });
    const userItems = rig.client.received.filter(
      (m) => m.method === 'item/completed' && (m.params as { item: { type: string } }).item.type === 'userMessage',
    );
    assert.equal(userItems.length, 2);
    const noTurn = await rig.client.request('turn/steer', {
      threadId,
      expectedTurnId: turnId,
      input: [{ type: 'text', text: 'late' }],
    });
    assert.deepEqual(noTurn.error, { code: -32600, message: 'no active turn to steer' });
  });

  it('joins a turn/start on a busy thread to the running turn, as the reference does', async (t) => {
    const { rig, threadId, started } = await startHeldTurn(t);
    const turnId = (resultOf(started).turn as { id: string }).id;
    // Probed on 0.169.0 (shared bench probe): every concurrent turn/start answered with the running turn.
    const again = await rig.client.request('turn/start', { threadId, input: [{ type: 'text', text: 'and this' }] });
    assert.deepEqual(resultOf(again), resultOf(started));
    rig.release();
    assert.equal(((await turnCompleted(rig.client, turnId)).turn as { status: string }).status, 'completed');
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
    assert.equal((completed.turn as { status: string }).status, 'completed');
    const error = await rig.client.notification('error');
    const params = error.params as { willRetry: boolean; error: { codexErrorInfo: unknown } };
    assert.equal(params.willRetry, true);
    assert.deepEqual(params.error.codexErrorInfo, { responseStreamDisconnected: { httpStatusCode: null } });
  });

  it('fails the turn when the stream breaks and no retry is left', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['x']).slice(0, 3), { then: 'drop' })] });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'breaks');
    const completed = await turnCompleted(rig.client, turnId);
    const turn = completed.turn as { status: string; error: { message: string; codexErrorInfo: unknown } };
    assert.equal(turn.status, 'failed');
    assert.deepEqual(turn.error.codexErrorInfo, { responseStreamDisconnected: { httpStatusCode: null } });
    assert.match(turn.error.message, /^stream disconnected before completion: /);
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
      const completed = await turnCompleted(rig.client, turnId);
      const turn = completed.turn as { status: string; error: { codexErrorInfo: unknown } };
      assert.equal(turn.status, 'failed');
      assert.deepEqual(turn.error.codexErrorInfo, info);
      const stored = await storedTurns(rig.client, threadId);
      assert.deepEqual(
        stored.map((storedTurn) => [storedTurn.status, storedTurn.error?.codexErrorInfo]),
        [['failed', info]],
      );
      // The thread stays usable.
      rig.fake.enqueue(sseReply(textTurnFrames(['fine'])));
      const next = await startTextTurn(rig.client, threadId, 'again');
      assert.equal(((await turnCompleted(rig.client, next)).turn as { status: string }).status, 'completed');
    });
  }

  it('streams to every subscriber and keeps running when the starting client disconnects', async (t) => {
    const frames = textTurnFrames(['a', 'b']);
    const rig = await startThreadRig(t, { replies: [sseReply(frames, { delayMs: 20 })] });
    const threadId = await startThread(rig.client);
    const watcher = await rig.connect('watcher');
    resultOf(await watcher.request('thread/resume', { threadId }));
    // A connection that never subscribed sees the thread's status, not its stream [observed].
    const bystander = await rig.connect('bystander');
    const turnId = await startTextTurn(rig.client, threadId, 'shared');
    await rig.client.notification('turn/started');
    await rig.client.close();
    const completed = await turnCompleted(watcher, turnId);
    assert.equal((completed.turn as { status: string }).status, 'completed');
    assert.ok(watcher.received.some((m) => m.method === 'item/agentMessage/delta'));
    await bystander.waitFor(
      (m) => m.method === 'thread/status/changed' && (m.params as { status: { type: string } }).status.type === 'idle',
      'idle status on the bystander',
    );
    assert.ok(!bystander.received.some((m) => typeof m.method === 'string' && m.method.startsWith('item/')));
    assert.ok(!bystander.received.some((m) => m.method === 'turn/completed'));
  });

  it('never writes an ephemeral thread to disk', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['tmp']))] });
    const start = resultOf(await rig.client.request('thread/start', { ephemeral: true }));
    const thread = start.thread as { id: string; path: string | null; ephemeral: boolean };
    assert.equal(thread.ephemeral, true);
    assert.equal(thread.path, null);
    const turnId = await startTextTurn(rig.client, thread.id, 'secret');
    await turnCompleted(rig.client, turnId);
    assert.equal(existsSync(join(rig.server.codexHome, 'sessions')), false);
    const list = resultOf(await rig.client.request('thread/list', {}));
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
    const response = await rig.client.request('turn/start', {
      threadId,
      input: [{ type: 'text', text: 'first' }],
      model: 'other-model',
      effort: 'high',
    });
    const turnId = (resultOf(response).turn as { id: string }).id;
    await turnCompleted(rig.client, turnId);
    const before = rig.client.received.slice(from, rig.client.received.indexOf(response));
    assert.deepEqual(before.map((m) => m.method), ['thread/settings/updated']);
    const settings = (before[0]?.params as { threadSettings: Record<string, unknown> }).threadSettings;
    assert.equal(settings.model, 'other-model');
    assert.equal(settings.effort, 'high');

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
  const started = await base.client.request('turn/start', { threadId, input: [{ type: 'text', text: 'start' }] });
  await base.client.notification('item/agentMessage/delta');
  return { rig: { ...base, release }, threadId, started };
}
