import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  findBaseRollout,
  historyBaseAt,
  readThreadHeader,
  readThreadRollout,
  threadRolloutFiles,
} from '../../../src/persistence/history-chain.js';
import type { RolloutLine } from '../../../src/persistence/rollout-schema.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const THREAD = '01a24e78-2690-7da2-a7d8-4fe2b9b03abb';
const FORK = '01a24e79-0000-7000-8000-000000000001';
const FILE_A = '01a24e80-0000-7000-8000-000000000001';
const FILE_B = '01a24e81-0000-7000-8000-000000000001';

function line(ordinal: number, type: string, payload: Record<string, unknown>): string {
  return `${JSON.stringify({ timestamp: '2026-12-07T03:07:11.677Z', ordinal, type, payload })}\n`;
}

function meta(id: string, ordinal: number, historyBase?: Record<string, unknown>): string {
  return line(ordinal, 'session_meta', {
    id,
    session_id: id,
    timestamp: '2026-12-07T03:07:06.780Z',
    cwd: '/tmp',
    history_mode: 'paginated',
    ...(historyBase === undefined ? {} : { history_base: historyBase }),
  });
}

/** One turn: task_started, the user's message, task_complete. */
function turn(first: number, turnId: string, text: string): string {
  return (
    line(first, 'event_msg', { type: 'task_started', turn_id: turnId }) +
    line(first + 1, 'event_msg', { type: 'user_message', message: text }) +
    line(first + 2, 'event_msg', { type: 'task_complete', turn_id: turnId })
  );
}

async function write(home: string, name: string, text: string): Promise<string> {
  const dir = join(home, 'sessions', '2026', '12', '07');
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const userTexts = (lines: readonly RolloutLine[]) =>
  lines.flatMap((l) => (l.type === 'event_msg' && l.payload.type === 'user_message' ? [l.payload['message']] : []));

describe('history chains', () => {
  it('splices a continuation chain in write order, each file cut at its successor’s ordinal', async (t) => {
    const home = await makeTempHome(t);
    const firstText = meta(THREAD, 0) + turn(1, 't1', 'q1') + turn(4, 't2', 'q2') + turn(7, 't3', 'q3');
    const first = await write(home, `rollout-2026-12-07T03-07-06-${THREAD}.jsonl`, firstText);
    // Reverted before t2 (ordinal 4), then q4; then reverted before q4 (ordinal 5), then q5.
    const cutA = historyBaseAt(THREAD, Buffer.from(firstText), 4);
    assert.deepEqual(cutA, {
      thread_id: THREAD,
      end_ordinal_exclusive: 4,
      end_byte_offset: Buffer.byteLength(meta(THREAD, 0) + turn(1, 't1', 'q1')),
    });
    const second = await write(home, `rollout-2026-12-07T03-07-06-${THREAD}_${FILE_A}.jsonl`, meta(THREAD, 4, cutA) + turn(5, 't4', 'q4'));
    const third = await write(
      home,
      `rollout-2026-12-07T03-08-00-${THREAD}_${FILE_B}.jsonl`,
      meta(THREAD, 5, { thread_id: THREAD, end_ordinal_exclusive: 5 }) + turn(5, 't5', 'q5'),
    );
    assert.deepEqual(await threadRolloutFiles(home, THREAD), [first, second, third]);
    assert.equal(await findBaseRollout(home, { thread_id: THREAD, end_ordinal_exclusive: 5 }, third), second);

    const content = await readThreadRollout(home, third);
    assert.deepEqual(userTexts(content.lines), ['q1', 'q5']);
    assert.equal(content.lines[0]?.type, 'session_meta');
    assert.equal(content.meta['history_base'], undefined);
    assert.deepEqual(userTexts((await readThreadRollout(home, second)).lines), ['q1', 'q4']);
    assert.equal((await readThreadHeader(home, third)).preview, 'q1');
  });

  it('finds a fork’s base in another thread written in the same second, and refuses a missing base', async (t) => {
    const home = await makeTempHome(t);
    await write(home, `rollout-2026-12-07T03-07-06-${THREAD}.jsonl`, meta(THREAD, 0) + turn(1, 't1', 'q1') + turn(4, 't2', 'q2'));
    const fork = await write(
      home,
      `rollout-2026-12-07T03-07-06-${FORK}.jsonl`,
      meta(FORK, 0, { thread_id: THREAD, end_ordinal_exclusive: 4 }) + turn(4, 'f1', 'fork question'),
    );
    assert.deepEqual(userTexts((await readThreadRollout(home, fork)).lines), ['q1', 'fork question']);
    const orphan = await write(
      home,
      `rollout-2026-12-07T03-07-06-${FILE_A}.jsonl`,
      meta(FILE_A, 0, { thread_id: FILE_B, end_ordinal_exclusive: 4 }),
    );
    await assert.rejects(readThreadRollout(home, orphan), /has no earlier rollout/);
  });
});
