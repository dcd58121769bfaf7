import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reasoningTurnFrames, sseReply, textTurnFrames } from '../helpers/fake-model-server.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../helpers/thread-server.js';

interface WireTurn {
  id: string;
  status: string;
  error: unknown;
  items: { type: string; id: string; text?: string; content?: unknown; summary?: unknown }[];
}

/** What must agree between two readings of one thread's turns. */
function comparable(turns: readonly WireTurn[]) {
  return turns.map((turn) => ({
    id: turn.id,
    status: turn.status,
    error: turn.error,
    items: turn.items.map((item) => ({
      type: item.type,
      id: item.id,
      text: item.text,
      content: item.content,
      summary: item.summary,
    })),
  }));
}

/**
 * What the reference 0.169.0 makes of a CODEX_HOME we wrote: thread/list and thread/resume read our rollouts.
 * thread/read is a different matter: for a thread whose `historyMode` is `paginated` (ours are, as the reference's
 * own are) it answers from its private sqlite history, not from the rollout, and it fills that history only while it
 * writes a thread or resumes one [observed]. So before a resume it reads our thread with no turns (and
 * thread/turns/list is empty), and after one it reads the same turns as we do. The test pins both, so that an empty
 * read is understood as the reference's, not as a rollout it could not parse.
 */
describe('the reference reads the rollouts we write', () => {
  it('lists our thread, resumes it with the same turns and items, and reads them once resumed', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(textTurnFrames(['first ', 'answer'])),
        { kind: 'http', status: 400, body: { error: { message: 'refused' } } },
        sseReply(reasoningTurnFrames()),
      ],
    });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'first question'));
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'this one fails'));
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'third question'));
    const ours = await rig.client.call('thread/read', { threadId, includeTurns: true });
    const ourThread = ours.thread;
    await rig.client.close();
    await rig.server.server.close();

    const reference = await startReferenceServer(t, rig.server.codexHome, ourThread.cwd);
    const list = await reference.call('thread/list', {});
    const listed = list.data;
    assert.deepEqual(
      listed.map((thread) => [thread.id, thread.preview, thread.modelProvider]),
      [[threadId, 'first question', 'mock']],
    );
    const readTurns = async () =>
      ((await reference.call('thread/read', { threadId, includeTurns: true })).thread)
        .turns;
    assert.deepEqual(await readTurns(), []);

    const resumed = await reference.call('thread/resume', { threadId });
    const theirThread = resumed.thread;
    assert.deepEqual(
      theirThread.turns.map((turn) => turn.status),
      ['completed', 'failed', 'completed'],
    );
    assert.deepEqual(comparable(theirThread.turns), comparable(ourThread.turns));
    assert.deepEqual(
      theirThread.turns[2]?.items.map((item) => item.type),
      ['userMessage', 'reasoning', 'agentMessage'],
    );
    assert.equal(resumed.model, 'mock-model');
    assert.deepEqual(comparable(await readTurns()), comparable(ourThread.turns));
  });
});
