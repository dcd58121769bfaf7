import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

const UNKNOWN_ID = '01a20274-0250-7a53-b773-0774080a263e';

/** Notifications about `threadId`, by method, in arrival order. */
function threadMethods(messages: readonly ServerMessage[], threadId: string): string[] {
  return messages
    .filter((m) => typeof m.params === 'object' && m.params !== null && 'threadId' in m.params && m.params.threadId === threadId)
    .flatMap((m) => (typeof m.method === 'string' ? [m.method] : []));
}

describe('thread/unsubscribe', () => {
  it('answers unsubscribed, then notSubscribed, and leaves the thread loaded', async (t) => {
    const { client } = await startThreadRig(t);
    const threadId = await startThread(client);

    assert.deepEqual(await client.call('thread/unsubscribe', { threadId }), { status: 'unsubscribed' });
    assert.deepEqual(await client.call('thread/unsubscribe', { threadId }), { status: 'notSubscribed' });
    assert.deepEqual((await client.call('thread/loaded/list', {})).data, [threadId]);
    // Nothing is announced: the thread stays loaded until the unload delay (30 minutes by default) has passed.
    assert.deepEqual(threadMethods(await client.assertNoReplyBefore('thread/loaded/list', {}), threadId), []);
  });

  it('answers notLoaded for a thread that is not loaded, and refuses a malformed id', async (t) => {
    const { client } = await startThreadRig(t);
    assert.deepEqual(await client.call('thread/unsubscribe', { threadId: UNKNOWN_ID }), {
      status: 'notLoaded',
    });
    const error = await client.callRaw('thread/unsubscribe', { threadId: 'nope' });
    assert.deepEqual(error.error, {
      code: -32600,
      message:
        'invalid thread id: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], ' +
        'found `n` at 1',
    });
  });

  it("stops the thread's notifications for that connection only", async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['hi']))] });
    const owner = rig.client;
    const watcher = await rig.connect('watcher');
    const threadId = await startThread(owner);
    await watcher.call('thread/resume', { threadId });
    assert.deepEqual(await watcher.call('thread/unsubscribe', { threadId }), { status: 'unsubscribed' });

    const from = watcher.received.length;
    await turnCompleted(owner, await startTextTurn(owner, threadId, 'hello'));
    // Whatever the server sent the watcher about the turn would have arrived before this answer.
    await watcher.assertNoReplyBefore('thread/loaded/list', {});
    const heard = threadMethods(watcher.received.slice(from), threadId);
    assert.deepEqual(
      heard.filter((method) => method.startsWith('turn/') || method.startsWith('item/')),
      [],
    );
  });
});

// When the unload comes (the delay, its clock restarting) is pinned on a mocked clock in
// test/unit/runtime/threads/idle-unloader.test.ts; here a delay of 0 shows what the whole server does then.
describe('idle unload', () => {
  it('unloads a thread without subscribers after the delay, telling every connection', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['kept']))],
      configExtra: 'thread_unload_delay_secs = 0',
    });
    const owner = rig.client;
    const bystander = await rig.connect('bystander');
    const unwritten = await startThread(owner);
    const written = await startThread(owner);
    await turnCompleted(owner, await startTextTurn(owner, written, 'keep me'));

    for (const threadId of [unwritten, written]) {
      assert.deepEqual(await owner.call('thread/unsubscribe', { threadId }), { status: 'unsubscribed' });
    }
    for (const threadId of [unwritten, written]) {
      await bystander.notification('thread/closed', (params) => params.threadId === threadId);
      // Everyone hears it, subscribed or not, in the reference's order.
      for (const client of [owner, bystander]) {
        assert.deepEqual(threadMethods(client.received, threadId).slice(-2), ['thread/status/changed', 'thread/closed']);
        const status = client.receivedParams('thread/status/changed').findLast((params) => params.threadId === threadId);
        assert.deepEqual(status, { threadId, status: { type: 'notLoaded' } });
      }
    }

    assert.deepEqual((await owner.call('thread/loaded/list', {})).data, []);
    // A thread that never ran a turn had nothing on disk and is gone; the other one is stored.
    const gone = await owner.callRaw('thread/read', { threadId: unwritten });
    assert.deepEqual(gone.error, { code: -32600, message: `thread not loaded: ${unwritten}` });
    const stored = (await owner.call('thread/read', { threadId: written })).thread;
    assert.deepEqual(stored.status, { type: 'notLoaded' });
    assert.equal(stored.preview, 'keep me');
  });

  it('counts a closed connection as leaving', async (t) => {
    const rig = await startThreadRig(t, { configExtra: 'thread_unload_delay_secs = 0' });
    const leaving = await rig.connect('leaving');
    const threadId = await startThread(leaving);
    await leaving.close();
    await rig.client.notification('thread/closed', (params) => params.threadId === threadId);
    assert.deepEqual((await rig.client.call('thread/loaded/list', {})).data, []);
  });

  it('keeps a thread loaded while its turn runs, and unloads it once the turn has ended', async (t) => {
    // The delay runs out while the model still streams.
    const slow = sseReply(textTurnFrames(['s', 'l', 'o', 'w']), { delayMs: 50 });
    const rig = await startThreadRig(t, { replies: [slow], configExtra: 'thread_unload_delay_secs = 0' });
    const owner = rig.client;
    const threadId = await startThread(owner);
    await startTextTurn(owner, threadId, 'take your time');
    await owner.notification('turn/started');
    assert.deepEqual(await owner.call('thread/unsubscribe', { threadId }), { status: 'unsubscribed' });

    const closed = await owner.notification('thread/closed', (params) => params.threadId === threadId);
    const read = (await owner.call('thread/read', { threadId, includeTurns: true })).thread;
    const turn = read.turns[0];
    assert.equal(turn?.status, 'completed', 'the unload must not interrupt the turn');
    const answer = turn?.items.find((item) => item.type === 'agentMessage');
    const answeredAtMs = (answer && 'completedAtMs' in answer ? answer.completedAtMs : undefined) ?? Infinity;
    assert.ok((closed.emittedAtMs as number) >= answeredAtMs, 'unloaded before the turn ended');
  });
});
