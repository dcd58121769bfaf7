import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { sequenceOf, startBothSides } from '../../helpers/side-by-side.js';
import type { Side } from '../../helpers/side-by-side.js';
import { isNotification } from '../../helpers/rpc-client.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';

import { PROJECT_ROOT } from '../../helpers/server.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { startTextTurn, startThread, startThreadRig, storedPath, turnCompleted } from '../../helpers/thread-server.js';

const UNKNOWN = '00000000-0000-7000-8000-000000000000';

/**
 * Whether a message announces `notLoaded` for a thread already announced so. The reference 0.169.0 now and then
 * repeats the announcement for the thread a fork came from (seen once in CI, under load); a repeat says nothing new.
 */
function repeatsNotLoaded(message: ServerMessage, announced: Set<string>): boolean {
  if (!isNotification(message, 'thread/status/changed')) return false;
  const { threadId, status } = message.params;
  if (status.type !== 'notLoaded' || !threadId) return false;
  if (announced.has(threadId)) return true;
  announced.add(threadId);
  return false;
}

/** The same script on either server; returns what it saw, ids replaced by names. */
async function deleteScript(side: Side): Promise<{ lines: string[]; paths: { a: string } }> {
  const { client, cwd } = side;
  const lines: string[] = [];
  const A = await startThread(client, { cwd });
  await turnCompleted(client, await startTextTurn(client, A, 'hello a'));
  await client.call('thread/name/set', { threadId: A, name: 'named A' });
  const path = await storedPath(client, A);

  const announcedNotLoaded = new Set<string>();
  let mark = client.received.length;
  await client.request('thread/delete', { threadId: A });
  await client.notification('thread/deleted');
  const ids: Record<string, string> = { [A]: '<A>' };
  const deletedA = client.received.slice(mark).filter((message) => !repeatsNotLoaded(message, announcedNotLoaded));
  lines.push('-- delete A', ...sequenceOf(deletedA, ids));
  for (const [method, threadId] of [
    ['thread/read', A],
    ['thread/delete', A],
    ['thread/delete', UNKNOWN],
    ['thread/delete', 'nope'],
  ] as const) {
    lines.push(`-- ${method} ${threadId === A ? '<A>' : threadId}`, ...sequenceOf([await client.request(method, { threadId })], ids));
  }
  const listed = await client.call('thread/list', {});
  lines.push(`-- listed ${listed.data.length}`);

  const B = await startThread(client, { cwd });
  await turnCompleted(client, await startTextTurn(client, B, 'hello b'));
  const F = (await client.call('thread/fork', { threadId: B })).thread.id;
  Object.assign(ids, { [B]: '<B>', [F]: '<F>' });
  for (const [label, threadId] of [
    ['source of a fork', B],
    ['the fork', F],
    ['the source, fork gone', B],
  ] as const) {
    mark = client.received.length;
    const response = await client.callRaw('thread/delete', { threadId });
    if ('result' in response) await client.notification('thread/deleted', (params) => params.threadId === threadId);
    // The fork's own announcements (thread/started, and the reference's token usage of the fork) may arrive late.
    const forkNoise = (line: string) => line === 'thread/started' || line === 'thread/tokenUsage/updated';
    const fresh = client.received.slice(mark).filter((message) => !repeatsNotLoaded(message, announcedNotLoaded));
    lines.push(`-- delete ${label}`, ...sequenceOf(fresh, ids).filter((line) => !forkNoise(line)));
  }

  const E = await startThread(client, { cwd, ephemeral: true });
  ids[E] = '<E>';
  lines.push('-- delete ephemeral', ...sequenceOf([await client.request('thread/delete', { threadId: E })], ids));
  return { lines, paths: { a: path } };
}

describe('thread/delete', () => {
  it('matches the reference: events, errors, forks, ephemeral threads; and removes the files', async (t) => {
    const replies = () => [1, 2].map((n) => sseReply(textTurnFrames([`ok ${n}`], { responseId: `r${n}` })));
    const [ours, reference] = await startBothSides(t, replies);
    const [mine, theirs] = await Promise.all([deleteScript(ours), deleteScript(reference)]);
    assert.deepEqual(mine.lines, theirs.lines);
    assert.ok(mine.lines.includes('error -32600 cannot delete thread <B>: forked history still references it'));

    // What is gone on disk: the rollout, the name, the read receipt.
    assert.equal(existsSync(mine.paths.a), false);
    assert.equal(existsSync(theirs.paths.a), false);
    assert.doesNotMatch(await readFile(join(ours.codexHome, 'session_index.jsonl'), 'utf8'), /named A/);
    const receipts = await readFile(join(ours.codexHome, 'thread_read_states.json'), 'utf8').catch(() => '{}');
    assert.equal(Object.keys(JSON.parse(receipts) as object).length, 0);
  });

  it('interrupts a running turn first, then unloads and deletes', async (t) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    t.after(() => release());
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['never']), { hold: { count: 1, until: held } })],
    });
    const { client } = rig;
    const threadId = await startThread(client);
    await startTextTurn(client, threadId, 'wait');
    await rig.fake.waitForRequests(1);
    const mark = client.received.length;
    await client.call('thread/delete', { threadId });
    await client.notification('thread/deleted');
    const lines = sequenceOf(client.received.slice(mark)).filter((line) => !line.startsWith('item/'));
    assert.deepEqual(lines, [
      'thread/status/changed idle',
      'turn/completed interrupted',
      'thread/status/changed notLoaded',
      'response',
      'thread/deleted',
    ]);
    assert.deepEqual((await client.request('thread/read', { threadId })).error, {
      code: -32600,
      message: `thread not loaded: ${threadId}`,
    });
  });

  it('serves the real `codex delete --remote` subcommand (reference 0.169.0 CLI)', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['ok']))] });
    const { client } = rig;
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'to be deleted'));
    const codex = join(PROJECT_ROOT, 'node_modules', '.bin', 'codex');
    await promisify(execFile)(codex, ['delete', '--force', '--remote', rig.server.url, threadId], {
      env: { ...process.env, CODEX_HOME: await makeTempHome(t), RUST_LOG: 'error' },
      timeout: 30_000,
    });
    const deleted = await client.notification('thread/deleted');
    assert.deepEqual(deleted.params, { threadId });
    assert.equal((await client.call('thread/list', {})).data.length, 0);
  });
});
