import assert from 'node:assert/strict';
import { cpSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { SUMMARY_PREFIX } from '../../src/runtime/compaction/summary-prompt.js';
import { sseReply, startFakeModelServer, textTurnFrames, toolCallFrames } from '../helpers/fake-model-server.js';
import type { FakeModelServer } from '../helpers/fake-model-server.js';
import type { RpcTestClient } from '../helpers/rpc-client.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { makeTempHome, leftBehind } from '../helpers/temp-home.js';
import { mockProviderConfig, resultOf, startThreadRig, turnCompleted } from '../helpers/thread-server.js';
import { clientOnHome, describeMessage, inputLines, withInputTokens } from '../integration/compaction/compaction-rig.js';

const LIMIT = 'model_auto_compact_token_limit = 1000';

/** The model's script: an answer (reporting `firstInputTokens`), a summary, another answer. */
function script(firstInputTokens: number) {
  return [
    sseReply(withInputTokens(textTurnFrames(['first answer'], { itemId: 'msg_a', responseId: 'r1' }), firstInputTokens)),
    sseReply(textTurnFrames(['SUMMARY TEXT'], { itemId: 'msg_s', responseId: 'r2' })),
    sseReply(textTurnFrames(['second answer'], { itemId: 'msg_b', responseId: 'r3' })),
  ];
}

async function startTurn(client: RpcTestClient, threadId: string, text: string): Promise<void> {
  const response = await client.request('turn/start', { threadId, input: [{ type: 'text', text }] });
  await turnCompleted(client, (resultOf(response).turn as { id: string }).id);
}

/**
 * Runs a turn, then (when `manual`) thread/compact/start, then a second turn; returns what the client received
 * from the first request after the first turn on, as a sequence. The reference's model-metadata `warning`
 * (it knows no `mock-model`) is left out.
 */
async function compactionSequence(client: RpcTestClient, cwd: string, manual: boolean): Promise<{ threadId: string; sequence: string[] }> {
  const threadId = (await client.call('thread/start', { cwd })).thread.id;
  await startTurn(client, threadId, 'hello one');
  const from = client.received.length;
  if (manual) {
    await client.call('thread/compact/start', { threadId });
    await client.waitFor(
      (m) => m.method === 'turn/completed' && client.received.indexOf(m) >= from,
      'compaction turn/completed',
    );
  }
  await startTurn(client, threadId, 'hello two');
  const sequence = client.received
    .slice(from)
    .filter((m) => m.method !== 'warning' && m.method !== 'item/agentMessage/delta')
    .map(describeMessage);
  return { threadId, sequence };
}

async function workdir(t: TestContext): Promise<string> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), 'app-server-work-')));
  t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  return dir;
}

/** Sequences differ only in what neither server promises: `thread/readState/changed` goes with turns, not here. */
async function referenceSequence(t: TestContext, cwd: string, manual: boolean, configExtra: string, firstInputTokens: number) {
  const fake = await startFakeModelServer(t, script(firstInputTokens));
  const home = await makeTempHome(t, mockProviderConfig(fake.baseUrl, configExtra));
  const reference = await startReferenceServer(t, home, cwd);
  return { ...(await compactionSequence(reference, cwd, manual)), fake, home };
}

describe('compaction, side by side with the reference', () => {
  it('a manual compaction notifies in the reference order, and the next request is the same', async (t) => {
    const cwd = await workdir(t);
    const ours = await startThreadRig(t, { replies: script(10) });
    const ourRun = await compactionSequence(ours.client, cwd, true);
    const theirs = await referenceSequence(t, cwd, true, '', 10);
    assert.deepEqual(ourRun.sequence, theirs.sequence);

    // The request after the compaction: the user's messages and the summary, in the same places.
    const strip = (lines: string[]) =>
      lines.filter((line) => !line.startsWith('developer:')).map((line) => (line.startsWith(`user: ${SUMMARY_PREFIX}`) ? 'summary' : line));
    const ourNext = (await ours.fake.waitForRequests(3))[2];
    const theirNext = (await theirs.fake.waitForRequests(3))[2];
    assert.ok(ourNext && theirNext);
    const referenceLines = inputLines(theirNext)
      .filter((line) => !line.startsWith('developer:'))
      .map((line) => (line.includes('SUMMARY TEXT') ? 'summary' : line));
    assert.deepEqual(strip(inputLines(ourNext)).slice(1), referenceLines.slice(1));
  });

  it('an automatic compaction before the next turn notifies in the reference order', async (t) => {
    const cwd = await workdir(t);
    const ours = await startThreadRig(t, { configExtra: LIMIT, replies: script(90_000) });
    const ourRun = await compactionSequence(ours.client, cwd, false);
    const theirs = await referenceSequence(t, cwd, false, LIMIT, 90_000);
    assert.deepEqual(ourRun.sequence, theirs.sequence);
  });

  it('a tool loop that fills the context compacts mid-turn in the reference order, with the same follow-up request', async (t) => {
    const cwd = await workdir(t);
    const midTurnScript = () => [
      sseReply(withInputTokens(toolCallFrames({ name: 'no_such_tool', arguments: {}, callId: 'call_1' }), 90_000)),
      sseReply(textTurnFrames(['MID SUMMARY'], { itemId: 'msg_s', responseId: 'r2' })),
      sseReply(textTurnFrames(['done'], { itemId: 'msg_d', responseId: 'r3' })),
    ];
    const run = async (client: RpcTestClient, fake: FakeModelServer) => {
      const threadId = (await client.call('thread/start', { cwd })).thread.id;
      const from = client.received.length;
      await startTurn(client, threadId, 'do the work');
      // thread/started may reach the client before or after thread/start's answer (the reference sends it
      // concurrently): it belongs to thread/start, not to the turn compared here.
      const sequence = client.received
        .slice(from)
        .filter((m) => m.method !== 'warning' && m.method !== 'item/agentMessage/delta' && m.method !== 'thread/started')
        .map(describeMessage);
      const followUp = (await fake.waitForRequests(3))[2];
      assert.ok(followUp);
      const lines = inputLines(followUp)
        .filter((line) => !line.startsWith('developer:'))
        .map((line) => (line.includes('MID SUMMARY') ? 'summary' : line));
      return { sequence, lines };
    };
    const ours = await startThreadRig(t, { configExtra: LIMIT, replies: midTurnScript() });
    const ourRun = await run(ours.client, ours.fake);
    const theirFake = await startFakeModelServer(t, midTurnScript());
    const theirHome = await makeTempHome(t, mockProviderConfig(theirFake.baseUrl, LIMIT));
    const reference = await startReferenceServer(t, theirHome, cwd);
    const theirRun = await run(reference, theirFake);
    assert.deepEqual(ourRun.sequence, theirRun.sequence);
    assert.deepEqual(ourRun.lines.slice(1), theirRun.lines.slice(1));
    assert.deepEqual(ourRun.lines.slice(1), ['user: do the work', 'summary']);
  });

  it('each server resumes the other one\'s compacted thread and continues from the compacted conversation', async (t) => {
    const cwd = await workdir(t);
    // Ours wrote it; the reference resumes it and sends the compacted conversation.
    const ours = await startThreadRig(t, { replies: [...script(10), sseReply(textTurnFrames(['third answer'], { itemId: 'msg_c' }))] });
    const ourRun = await compactionSequence(ours.client, cwd, true);
    await ours.client.close();
    await ours.server.server.close();
    const reference = await startReferenceServer(t, ours.server.codexHome, cwd);
    const resumed = await reference.call('thread/resume', { threadId: ourRun.threadId });
    const turns = resumed.thread.turns;
    assert.deepEqual(turns.map((turn) => turn.items.map((item) => item.type)), [
      ['userMessage', 'agentMessage'],
      ['contextCompaction'],
      ['userMessage', 'agentMessage'],
    ]);
    await startTurn(reference, ourRun.threadId, 'hello three');
    const referenceNext = (await ours.fake.waitForRequests(4))[3];
    assert.ok(referenceNext);
    const referenceUsers = inputLines(referenceNext).filter((line) => line.startsWith('user:') && !line.includes('<environment_context>'));
    assert.deepEqual(referenceUsers, [
      'user: hello one',
      `user: ${SUMMARY_PREFIX}SUMMARY TEXT`,
      'user: hello two',
      'user: hello three',
    ]);
    assert.ok(!inputLines(referenceNext).includes('assistant: first answer'));

    // The reference wrote it; ours resumes it and sends the compacted conversation.
    const theirs = await referenceSequence(t, cwd, true, '', 10);
    theirs.fake.enqueue(sseReply(textTurnFrames(['fourth answer'], { itemId: 'msg_d' })));
    const ourHome = await makeTempHome(t, mockProviderConfig(theirs.fake.baseUrl));
    cpSync(join(theirs.home, 'sessions'), join(ourHome, 'sessions'), { recursive: true });
    const client = await clientOnHome(t, ourHome);
    const ourResume = await client.call('thread/resume', { threadId: theirs.threadId });
    const ourTurns = ourResume.thread.turns;
    assert.deepEqual(ourTurns.map((turn) => turn.items.map((item) => item.type)), [
      ['userMessage', 'agentMessage'],
      ['contextCompaction'],
      ['userMessage', 'agentMessage'],
    ]);
    await startTurn(client, theirs.threadId, 'hello three');
    const ourNext = (await theirs.fake.waitForRequests(4))[3];
    assert.ok(ourNext);
    const lines = inputLines(ourNext);
    assert.ok(!lines.includes('assistant: first answer'));
    assert.deepEqual(
      lines.filter((line) => line.startsWith('user:') && !line.includes('<environment_context>')).map((line) => (line.includes('SUMMARY TEXT') ? 'summary' : line)),
      ['user: hello one', 'summary', 'user: hello two', 'user: hello three'],
    );
  });
});
