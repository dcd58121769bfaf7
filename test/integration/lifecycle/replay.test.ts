import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { RpcTestClient, isNotification } from '../../helpers/rpc-client.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { resultOf } from '../../helpers/rpc-results.js';
import { itemText } from '../../helpers/thread-items.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';
import { THREAD_REPLAY_CAPACITY } from '../../../src/runtime/threads/thread-event-log.js';
import { latch } from './latch.js';

/**
 * The numbered notifications a client received, in order: the thread's event stream (one thread per test). Every
 * notification a subscriber gets about a turn is among them, and so is every status change.
 */
function streamOf(client: RpcTestClient): ServerMessage[] {
  return client.received.filter((m) => typeof m.method === 'string' && !('id' in m) && 'threadSeq' in m);
}

/** The methods every turn's stream has, numbered. */
const TURN_STREAM = ['thread/status/changed', 'turn/started', 'item/started', 'item/agentMessage/delta', 'item/completed'];

function seqOf(message: ServerMessage): number {
  assert.equal(typeof message.threadSeq, 'number', `no threadSeq on ${JSON.stringify(message)}`);
  return message.threadSeq as number;
}

function deltasOf(messages: readonly ServerMessage[]): string {
  return messages
    .filter((m) => isNotification(m, 'item/agentMessage/delta'))
    .map((m) => m.params.delta)
    .join('');
}

describe('reconnect and replay (thread/resume afterSeq)', () => {
  it('numbers a thread’s notifications consecutively and replays what a reconnecting client missed', async (t) => {
    const { released, release } = latch(t);
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['one ', 'two ', 'three']), { hold: { count: 3, until: released } })],
    });
    const first = rig.client;
    const threadId = await startThread(first);
    const turnId = await startTextTurn(first, threadId, 'count to three');
    await first.notification('item/agentMessage/delta');
    const seen = streamOf(first);
    for (const method of TURN_STREAM) assert.ok(seen.some((m) => m.method === method), `${method} is numbered`);
    const seqs = seen.map(seqOf);
    assert.deepEqual(
      seqs,
      seqs.map((_, index) => (seqs[0] as number) + index),
      'consecutive numbers',
    );
    const lastSeen = seqs[seqs.length - 1] as number;

    // The client goes away; the turn finishes meanwhile (an observer sees the thread go idle).
    const observer = await rig.connect('observer');
    await first.close();
    release();
    await observer.notification('thread/status/changed', (params) => params.status.type === 'idle');

    const back = await rig.connect('reconnected');
    const response = await back.callRaw('thread/resume', { threadId, afterSeq: lastSeen, excludeTurns: true });
    const replayed = streamOf(back).filter((m) => seqOf(m) > lastSeen);
    const replayedSeqs = replayed.map(seqOf);
    assert.deepEqual(
      replayedSeqs,
      replayedSeqs.map((_, index) => lastSeen + 1 + index),
      'the missed numbers, in order, none skipped',
    );
    assert.deepEqual(resultOf(response).replay, {
      status: 'replayed',
      replayed: replayed.length,
      lastSeq: replayedSeqs[replayedSeqs.length - 1],
    });
    // Before the response, and together with what the client saw first, the whole answer.
    assert.ok(back.received.indexOf(replayed[replayed.length - 1] as ServerMessage) < back.received.indexOf(response));
    assert.equal(deltasOf(seen) + deltasOf(replayed), 'one two three');
    const completed = replayed.find((m) => isNotification(m, 'turn/completed'));
    assert.ok(completed && isNotification(completed, 'turn/completed'));
    assert.equal(completed.params.turn.id, turnId);
    assert.equal(completed.params.turn.status, 'completed');
  });

  it('answers `unavailable` when the buffer no longer reaches back, and the client reloads with thread/read', async (t) => {
    const chunks = Array.from({ length: THREAD_REPLAY_CAPACITY + 10 }, (_, index) => `${index} `);
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(chunks))] });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'a long answer');
    await turnCompleted(rig.client, turnId);
    const seqs = streamOf(rig.client).map(seqOf);
    const firstSeq = seqs[0] as number;
    const lastSeq = seqs[seqs.length - 1] as number;

    const back = await rig.connect('reconnected');
    const resumed = await back.call('thread/resume', { threadId, afterSeq: firstSeq, excludeTurns: true });
    assert.deepEqual(resumed.replay, { status: 'unavailable', oldestSeq: lastSeq - THREAD_REPLAY_CAPACITY + 1, lastSeq });
    assert.equal(streamOf(back).length, 0, 'nothing replayed');
    // A number this load never gave out (another load's, or a bad one) is unavailable too.
    const other = await rig.connect('stale');
    assert.equal(
      (await other.call('thread/resume', { threadId, afterSeq: 5, excludeTurns: true })).replay?.status,
      'unavailable',
    );

    const read = await back.call('thread/read', { threadId, includeTurns: true });
    const [turn] = read.thread.turns;
    const answer = turn?.items.find((item) => item.type === 'agentMessage');
    assert.equal(answer && itemText(answer), chunks.join(''));
  });

  it('is for experimental clients only: no threadSeq on the wire, afterSeq refused', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['hi']))] });
    const threadId = await startThread(rig.client);
    const plain = await RpcTestClient.connect(rig.server.url);
    t.after(() => plain.close());
    await plain.initialize();
    await plain.call('thread/resume', { threadId });
    await turnCompleted(plain, await startTextTurn(plain, threadId, 'hello'));
    assert.ok(plain.received.some((m) => m.method === 'turn/completed'));
    assert.equal(streamOf(plain).length, 0);
    const refused = await plain.callRaw('thread/resume', { threadId, afterSeq: 1 });
    assert.equal(refused.error?.message, 'thread/resume.afterSeq requires experimentalApi capability');

  });
});
