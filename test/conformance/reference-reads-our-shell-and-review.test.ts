import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../helpers/fake-model-server.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../helpers/thread-server.js';

type Item = Record<string, unknown> & { type: string };

/** The items of every turn, without the fields a reader fills in its own way. */
function itemsOf(thread: unknown): Record<string, unknown>[] {
  const turns = (thread as { turns: { items: Item[] }[] }).turns;
  return turns
    .flatMap((turn) => turn.items)
    .filter((item) => ['commandExecution', 'enteredReviewMode', 'exitedReviewMode'].includes(item.type))
    .map(({ startedAtMs: _s, completedAtMs: _c, ...rest }) => rest);
}

describe('the reference reads the shell command and review items we write', () => {
  it('shows the same commandExecution and review items from our rollout', async (t) => {
    const review = JSON.stringify({
      findings: [
        {
          title: '[P2] A finding',
          body: 'Why it matters.',
          confidence_score: 0.6,
          priority: 2,
          code_location: { absolute_file_path: '/x/a.ts', line_range: { start: 4, end: 5 } },
        },
      ],
      overall_correctness: 'patch is incorrect',
      overall_explanation: 'One finding.',
      overall_confidence_score: 0.7,
    });
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames([review], { itemId: 'msg_r' })), sseReply(textTurnFrames(['ok'], { itemId: 'msg_2' }))],
    });
    const { client } = rig;
    const threadId = await startThread(client);
    await client.request('thread/shellCommand', { threadId, command: 'echo shared; exit 1' });
    await client.notification('turn/completed');
    const started = await client.call('review/start', { threadId, target: { type: 'commit', sha: 'abc1234def' } });
    await turnCompleted(client, started.turn.id);
    // A user message, so that the thread is listed and resumable by either server.
    await turnCompleted(client, await startTextTurn(client, threadId, 'thanks'));
    const ours = (await client.call('thread/read', { threadId, includeTurns: true })).thread;
    await client.close();
    await rig.server.server.close();

    const reference = await startReferenceServer(t, rig.server.codexHome, ours.cwd);
    const theirs = (await reference.call('thread/resume', { threadId })).thread;
    assert.deepEqual(itemsOf(theirs), itemsOf(ours));
    assert.equal(itemsOf(theirs).length, 3);
  });
});
