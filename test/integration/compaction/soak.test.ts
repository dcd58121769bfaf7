import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { SUMMARY_PREFIX } from '../../../src/runtime/compaction/summary-prompt.js';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { startReferenceServer } from '../../helpers/reference-server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';
import { clientOnHome, inputLines, withInputTokens } from './compaction-rig.js';

const TURNS = 200;
/** Every this many turns a response fills the context, so the next turn compacts first. */
const COMPACT_EVERY = 4;
const LIMIT = 'model_auto_compact_token_limit = 1000';

function answer(text: string, id: string, inputTokens: number) {
  return sseReply(withInputTokens(textTurnFrames([text], { itemId: id, responseId: `r_${id}` }), inputTokens));
}

/** Whether turn `turn` (1-based) starts with an automatic compaction. */
const compactsBefore = (turn: number) => turn > 1 && (turn - 1) % COMPACT_EVERY === 0;

interface ResumedTurn {
  status: string;
  items: { type: string }[];
}

/**
 * Not timed: a long session on small limits. Its rollout is checked line by line, then read back after a restart
 * by us and by the reference 0.169.0. The server's RSS afterwards is reported as a diagnostic, not asserted.
 */
describe('a long session (soak)', () => {
  it(`${TURNS} turns compact again and again; every turn stays on disk, and the rollout stays readable`, async (t) => {
    const replies = [];
    for (let turn = 1; turn <= TURNS; turn++) {
      if (compactsBefore(turn)) replies.push(answer(`summary before turn ${turn}`, `msg_s${turn}`, 10));
      replies.push(answer(`answer ${turn}`, `msg_${turn}`, turn % COMPACT_EVERY === 0 ? 2_000 : 10));
    }
    const compactions = Array.from({ length: TURNS }, (_, index) => index + 1).filter(compactsBefore).length;
    const rig = await startThreadRig(t, { configExtra: LIMIT, replies });
    const threadId = await startThread(rig.client);
    for (let turn = 1; turn <= TURNS; turn++) {
      const completed = await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, `question ${turn}`));
      assert.equal(completed.turn.status, 'completed', `turn ${turn}`);
    }
    assert.equal(rig.fake.requests.length, TURNS + compactions);

    // The last request: the newest summary only, and no answer from before it.
    const lines = inputLines(rig.fake.requests.at(-1)!);
    const lastCompaction = TURNS - ((TURNS - 1) % COMPACT_EVERY);
    assert.deepEqual(
      lines.filter((line) => line.startsWith(`user: ${SUMMARY_PREFIX}`)),
      [`user: ${SUMMARY_PREFIX}summary before turn ${lastCompaction}`],
    );
    assert.deepEqual(
      lines.filter((line) => line.startsWith('assistant:')),
      Array.from({ length: TURNS - lastCompaction }, (_, index) => `assistant: answer ${lastCompaction + index}`),
    );
    assert.equal(lines.at(-1), `user: question ${TURNS}`);

    // On disk: every line parses, every turn's user message and completion, one compaction record per compaction.
    const path = ((await rig.client.call('thread/read', { threadId })).thread as { path: string }).path;
    const rollout = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; payload: { type?: string; item?: { type: string } } });
    assert.equal(rollout.filter((line) => line.type === 'compacted').length, compactions);
    assert.equal(rollout.filter((line) => line.payload.item?.type === 'UserMessage').length, TURNS);
    assert.equal(rollout.filter((line) => line.payload.type === 'task_complete').length, TURNS);
    t.diagnostic(`server process RSS after ${TURNS} turns: ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
    await rig.client.close();
    await rig.server.server.close();

    const resumedBy = async (client: typeof rig.client) =>
      ((await client.call('thread/resume', { threadId })).thread as { turns: ResumedTurn[] }).turns;
    const ours = await resumedBy(await clientOnHome(t, rig.server.codexHome));
    const theirs = await resumedBy(await startReferenceServer(t, rig.server.codexHome, process.cwd()));
    for (const turns of [ours, theirs]) {
      assert.equal(turns.length, TURNS);
      assert.ok(turns.every((turn) => turn.status === 'completed'));
      assert.equal(turns.filter((turn) => turn.items[0]?.type === 'contextCompaction').length, compactions);
    }
  });
});
