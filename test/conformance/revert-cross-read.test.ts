import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { FakeModelServer, RecordedRequest } from '../helpers/fake-model-server.js';
import { sseReply, startFakeModelServer, textTurnFrames } from '../helpers/fake-model-server.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { restartedServerClient } from '../helpers/restarted-server.js';
import type { RpcTestClient } from '../helpers/rpc-client.js';
import { leftBehind, makeTempHome } from '../helpers/temp-home.js';
import { mockProviderConfig, resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../helpers/thread-server.js';

const replies = () => [1, 2, 3, 4, 5].map((n) => sseReply(textTurnFrames([`answer ${n}`])));

async function workdir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'revert-cwd-'));
  t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  return dir;
}

/** Three turns, a revert before the second, a fourth turn: the thread then holds q1 and q4. */
async function revertedThread(client: RpcTestClient, cwd: string): Promise<string> {
  const threadId = await startThread(client, { cwd });
  const turns: string[] = [];
  for (const text of ['q1', 'q2', 'q3']) {
    turns.push(await startTextTurn(client, threadId, text));
    await turnCompleted(client, turns.at(-1)!);
  }
  await client.call('thread/revert', { threadId, beforeTurnId: turns[1]! });
  await client.notification('thread/reverted');
  await turnCompleted(client, await startTextTurn(client, threadId, 'q4'));
  return threadId;
}

/** Resumes the thread, runs q5, and returns the resumed turns' texts and q5's conversation. */
async function continueThread(client: RpcTestClient, fake: FakeModelServer, threadId: string) {
  const listed = (await client.call('thread/list', {})).data as { id: string; preview: string }[];
  const resumed = (await client.call('thread/resume', { threadId })).thread as {
    turns: { items: { text?: string; content?: { text?: string }[] }[] }[];
  };
  const before = fake.requests.length;
  await turnCompleted(client, await startTextTurn(client, threadId, 'q5'));
  const request = (await fake.waitForRequests(before + 1))[before] as RecordedRequest;
  const input = (request.body as { input: { type: string; role?: string; content?: { text?: string }[] }[] }).input;
  return {
    // Sorted: the reference lists a chain's files in the same second in no fixed order.
    listed: listed.map((thread) => [thread.id, thread.preview]).sort((a, b) => String(a).localeCompare(String(b))),
    turns: resumed.turns.map((turn) => turn.items.map((item) => item.text ?? item.content?.[0]?.text)),
    conversation: input
      .filter((item) => item.type === 'message' && item.role !== 'developer')
      .map((item) => `${item.role}: ${(item.content ?? []).map((part) => part.text ?? '').join('')}`)
      .filter((line) => !line.startsWith('user: <')),
  };
}

const EXPECTED = (threadId: string) => ({
  listed: [[threadId, 'q1']],
  turns: [
    ['q1', 'answer 1'],
    ['q4', 'answer 4'],
  ],
  conversation: ['user: q1', 'assistant: answer 1', 'user: q4', 'assistant: answer 4', 'user: q5'],
});

describe('a reverted thread, read by the other server', () => {
  it('the reference reads a thread we reverted as it reads one it reverted itself', async (t) => {
    // Without its own sqlite state (a CODEX_HOME it did not write), the reference 0.169.0 lists each file of a
    // reverted thread and resumes with the newest file's own turns only, for its own files as for ours
    // [observed]; the model conversation it continues follows history_base in both cases.
    const cwd = await workdir(t);
    const rig = await startThreadRig(t, { replies: replies() });
    const ourThread = await revertedThread(rig.client, cwd);
    await rig.client.close();
    await rig.server.server.close();
    const fake = await startFakeModelServer(t, replies());
    const referenceHome = await makeTempHome(t, mockProviderConfig(fake.baseUrl));
    const writer = await startReferenceServer(t, referenceHome, cwd);
    const theirThread = await revertedThread(writer, cwd);
    await writer.close();

    const readBack = async (sessions: string, model: FakeModelServer, threadId: string) => {
      const home = await makeTempHome(t, mockProviderConfig(model.baseUrl));
      cpSync(sessions, join(home, 'sessions'), { recursive: true });
      const reader = await startReferenceServer(t, home, cwd);
      const seen = await continueThread(reader, model, threadId);
      return JSON.parse(JSON.stringify(seen).split(threadId).join('<T>')) as typeof seen;
    };
    const ours = await readBack(join(rig.server.codexHome, 'sessions'), rig.fake, ourThread);
    const theirs = await readBack(join(referenceHome, 'sessions'), fake, theirThread);
    assert.deepEqual(ours, theirs);
    assert.deepEqual(ours.conversation, EXPECTED('<T>').conversation);
  });

  it('we resume a thread the reference reverted and continue from the reverted conversation', async (t) => {
    const cwd = await workdir(t);
    const fake = await startFakeModelServer(t, replies());
    const home = await makeTempHome(t, mockProviderConfig(fake.baseUrl));
    const reference = await startReferenceServer(t, home, cwd);
    const threadId = await revertedThread(reference, cwd);
    await reference.close();
    // Only the rollouts: the reference's own sqlite state is not ours to read.
    const ourHome = await makeTempHome(t, mockProviderConfig(fake.baseUrl));
    cpSync(join(home, 'sessions'), join(ourHome, 'sessions'), { recursive: true });
    const client = await restartedServerClient(t, ourHome);
    assert.deepEqual(await continueThread(client, fake, threadId), EXPECTED(threadId));
  });
});
