import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { RecordedRequest } from '../../helpers/fake-model-server.js';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { restartedServerClient } from '../../helpers/restarted-server.js';
import { sequenceOf, startBothSides } from '../../helpers/side-by-side.js';
import type { Side } from '../../helpers/side-by-side.js';
import type { ResultOf } from '../../helpers/protocol-types.js';
import { itemText } from '../../helpers/thread-items.js';
import { startTextTurn, startThread, startThreadRig, storedPath, turnCompleted } from '../../helpers/thread-server.js';


const UNKNOWN = '00000000-0000-7000-8000-000000000000';

/** The conversation part of a model request: its user and assistant texts, without the context messages. */
function conversation(request: RecordedRequest): string[] {
  const input = (request.body as { input: { type: string; role?: string; content?: { text?: string }[] }[] }).input;
  return input
    .filter((item) => item.type === 'message' && item.role !== 'developer')
    .map((item) => `${item.role}: ${(item.content ?? []).map((part) => part.text ?? '').join('')}`)
    .filter((line) => !line.startsWith('user: <'));
}

/** Whether a request opens with the thread's context (environment context), as a first turn does. */
function opensWithContext(request: RecordedRequest): boolean {
  const input = (request.body as { input: { role?: string; content?: { text?: string }[] }[] }).input;
  return input.some((item) => item.role === 'user' && (item.content?.[0]?.text ?? '').startsWith('<environment_context>'));
}

type WireTurn = ResultOf<'thread/read'>['thread']['turns'][number];

function turnTexts(turns: readonly WireTurn[]): string[][] {
  return turns.map((turn) => turn.items.map((item) => itemText(item) ?? item.type));
}


const replies = () => [1, 2, 3, 4, 5, 6].map((n) => sseReply(textTurnFrames([`answer ${n}`])));

/** The same script on either server: what it saw, with ids replaced by names. */
async function revertScript(side: Side) {
  const { client, fake, cwd } = side;
  const threadId = await startThread(client, { cwd });
  const turns: string[] = [];
  for (const text of ['q1', 'q2', 'q3']) {
    const turnId = await startTextTurn(client, threadId, text);
    turns.push(turnId);
    await turnCompleted(client, turnId);
  }
  const ids: Record<string, string> = { [threadId]: '<T>', [turns[0]!]: '<t1>', [turns[1]!]: '<t2>', [turns[2]!]: '<t3>' };
  const firstPath = await storedPath(client, threadId);
  const firstBytes = await readFile(firstPath);

  const mark = client.received.length;
  const answer = await client.call('thread/revert', { threadId, beforeTurnId: turns[1]! });
  await client.notification('thread/reverted');
  const sequence = sequenceOf(client.received.slice(mark), ids);
  const { thread } = answer;
  assert.ok(thread.path, 'a reverted thread has a rollout file');

  const ephemeral = await startThread(client, { cwd, ephemeral: true });
  const fresh = await startThread(client, { cwd });
  Object.assign(ids, { [ephemeral]: '<E>', [fresh]: '<F>' });
  const errors: string[] = [];
  for (const params of [
    { threadId, beforeTurnId: 'nope' },
    { threadId, beforeTurnId: turns[2] },
    { threadId: UNKNOWN, beforeTurnId: turns[0] },
    { threadId: 'nope', beforeTurnId: turns[0] },
    { threadId: ephemeral, beforeTurnId: 'x' },
    { threadId: fresh, beforeTurnId: 'x' },
  ]) {
    errors.push(...sequenceOf([await client.request('thread/revert', params)], ids));
  }
  const read = (await client.call('thread/read', { threadId, includeTurns: true })).thread;
  const t4 = await startTextTurn(client, threadId, 'q4');
  await turnCompleted(client, t4);
  const afterRevert = fake.requests.at(-1)!;

  await client.call('thread/revert', { threadId, beforeTurnId: turns[0]! });
  await client.waitFor((m) => m.method === 'thread/reverted' && client.received.indexOf(m) > mark + sequence.length);
  const t5 = await startTextTurn(client, threadId, 'q5');
  await turnCompleted(client, t5);
  const afterEmpty = fake.requests.at(-1)!;

  return {
    sequence,
    errors,
    answer: { preview: thread.preview, turns: thread.turns, status: thread.status.type },
    hasCursors: [answer.turnsBackwardsCursor !== null, answer.itemsBackwardsCursor !== null],
    newFile: basename(thread.path),
    firstFile: basename(firstPath),
    sameDir: dirname(thread.path) === dirname(firstPath),
    firstFileUntouched: (await readFile(firstPath)).equals(firstBytes),
    readTurns: turnTexts(read.turns),
    afterRevert: conversation(afterRevert),
    afterEmpty: { conversation: conversation(afterEmpty), context: opensWithContext(afterEmpty) },
    threadId,
    codexHome: side.codexHome,
  };
}

describe('thread/revert', () => {
  it('drops the turn and every later one, as the reference does, in a new rollout file', async (t) => {
    const [ours, reference] = await startBothSides(t, replies);
    const [mine, theirs] = await Promise.all([revertScript(ours), revertScript(reference)]);
    assert.deepEqual(mine.sequence, ['thread/status/changed notLoaded', 'thread/status/changed idle', 'response', 'thread/reverted']);
    assert.deepEqual(mine.sequence, theirs.sequence);
    assert.deepEqual(mine.errors, [
      'error -32600 turn not found: nope',
      'error -32600 turn not found: <t3>',
      `error -32600 thread not found: ${UNKNOWN}`,
      'error -32600 invalid thread id: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1',
      'error -32600 ephemeral threads do not support thread/revert',
      'error -32600 no rollout found for thread id <F>',
    ]);
    assert.deepEqual(mine.errors, theirs.errors);
    assert.deepEqual(mine.answer, { preview: 'q1', turns: [], status: 'idle' });
    assert.deepEqual(mine.answer, theirs.answer);
    assert.deepEqual(mine.hasCursors, [true, true]);
    assert.deepEqual(mine.hasCursors, theirs.hasCursors);
    for (const side of [mine, theirs]) {
      // rollout-<time>-<thread>_<file id>.jsonl beside the first file, which is left as it was.
      assert.match(side.newFile, new RegExp(`^rollout-[0-9T-]+-${side.threadId}_[0-9a-f-]{36}\\.jsonl$`));
      assert.ok(side.sameDir);
      assert.ok(side.firstFileUntouched);
    }
    assert.deepEqual(mine.readTurns, [['q1', 'answer 1']]);
    assert.deepEqual(mine.readTurns, theirs.readTurns);
    assert.deepEqual(mine.afterRevert, ['user: q1', 'assistant: answer 1', 'user: q4']);
    assert.deepEqual(mine.afterRevert, theirs.afterRevert);
    assert.deepEqual(mine.afterEmpty, { conversation: ['user: q5'], context: true });
    assert.deepEqual(mine.afterEmpty, theirs.afterEmpty);
  });

  it('writes the new file as the reference does: a session_meta whose history_base cuts the previous file', async (t) => {
    const rig = await startThreadRig(t, { replies: replies() });
    const threadId = await startThread(rig.client);
    const turns: string[] = [];
    for (const text of ['q1', 'q2']) {
      turns.push(await startTextTurn(rig.client, threadId, text));
      await turnCompleted(rig.client, turns.at(-1)!);
    }
    const firstPath = await storedPath(rig.client, threadId);
    const { path } = (await rig.client.call('thread/revert', { threadId, beforeTurnId: turns[1]! })).thread;
    assert.ok(path, 'a reverted thread has a rollout file');

    const firstText = await readFile(firstPath, 'utf8');
    const firstLines = firstText.split('\n').filter((line) => line !== '');
    const cutAt = firstLines.findIndex((line) => line.includes('"task_started"') && line.includes(turns[1]!));
    const cut = JSON.parse(firstLines[cutAt]!) as { ordinal: number };
    const [metaLine, ...rest] = (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
    const meta = JSON.parse(metaLine!) as { ordinal: number; type: string; payload: Record<string, unknown> };
    assert.equal(meta.type, 'session_meta');
    assert.equal(meta.ordinal, cut.ordinal);
    assert.equal(meta.payload.id, threadId);
    assert.deepEqual(meta.payload.history_base, {
      thread_id: threadId,
      end_ordinal_exclusive: cut.ordinal,
      end_byte_offset: Buffer.byteLength(firstLines.slice(0, cutAt).map((line) => `${line}\n`).join('')),
    });
    assert.deepEqual(rest, []);

    // The next turn's lines go on from the cut's ordinal; a restart reads the thread through its new file.
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'q3'));
    const ordinals = (await readFile(path, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { ordinal: number }).ordinal);
    assert.deepEqual(ordinals, ordinals.map((_, index) => cut.ordinal + index));
    await rig.client.close();
    await rig.server.server.close();

    const client = await restartedServerClient(t, rig.server.codexHome);
    const listed = (await client.call('thread/list', {})).data;
    assert.deepEqual(listed.map((thread) => [thread.id, thread.path, thread.preview]), [[threadId, path, 'q1']]);
    const resumed = (await client.call('thread/resume', { threadId })).thread;
    assert.deepEqual(turnTexts(resumed.turns), [['q1', 'answer 1'], ['q3', 'answer 3']]);
    const files = await readdir(dirname(path));
    assert.equal(files.length, 2);
  });

  it('interrupts a running turn, then reverts; subscribers stay subscribed', async (t) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    t.after(() => release());
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['answer 1'])), sseReply(textTurnFrames(['answer 2']), { hold: { count: 1, until: held } })],
    });
    const threadId = await startThread(rig.client);
    const t1 = await startTextTurn(rig.client, threadId, 'q1');
    await turnCompleted(rig.client, t1);
    // Another subscriber stays subscribed through the reload.
    const watcher = await rig.connect('watcher');
    await watcher.call('thread/resume', { threadId });
    const t2 = await startTextTurn(rig.client, threadId, 'q2');
    await rig.fake.waitForRequests(2);
    const answer = await rig.client.call('thread/revert', { threadId, beforeTurnId: t2 });
    await watcher.notification('thread/reverted');
    assert.equal(answer.thread.status.type, 'idle');
    const completed = await turnCompleted(rig.client, t2);
    assert.equal(completed.turn.status, 'interrupted');
    const read = (await rig.client.call('thread/read', { threadId, includeTurns: true })).thread;
    assert.deepEqual(turnTexts(read.turns), [['q1', 'answer 1']]);
    rig.fake.enqueue(sseReply(textTurnFrames(['answer 3'])));
    const t3 = await startTextTurn(rig.client, threadId, 'q3');
    await turnCompleted(watcher, t3);
  });

  it('archives, unarchives and deletes every file of a reverted thread together', async (t) => {
    const rig = await startThreadRig(t, { replies: replies() });
    const { client } = rig;
    const home = rig.server.codexHome;
    const threadId = await startThread(client);
    const turns: string[] = [];
    for (const text of ['q1', 'q2']) {
      turns.push(await startTextTurn(client, threadId, text));
      await turnCompleted(client, turns.at(-1)!);
    }
    await client.call('thread/revert', { threadId, beforeTurnId: turns[1]! });
    const filesUnder = async (dir: string) =>
      (await readdir(join(home, dir), { recursive: true })).filter((name) => name.endsWith('.jsonl')).length;
    assert.equal(await filesUnder('sessions'), 2);

    await client.call('thread/archive', { threadId });
    assert.deepEqual([await filesUnder('sessions'), await filesUnder('archived_sessions')], [0, 2]);
    await client.call('thread/unarchive', { threadId });
    assert.deepEqual([await filesUnder('sessions'), await filesUnder('archived_sessions')], [2, 0]);
    const resumed = (await client.call('thread/resume', { threadId })).thread;
    assert.deepEqual(turnTexts(resumed.turns), [['q1', 'answer 1']]);

    await client.call('thread/delete', { threadId });
    assert.deepEqual([await filesUnder('sessions'), await filesUnder('archived_sessions')], [0, 0]);
    await client.close();
    await rig.server.server.close();
    const restarted = await restartedServerClient(t, home);
    assert.deepEqual((await restarted.call('thread/list', {})).data, []);
  });
});
