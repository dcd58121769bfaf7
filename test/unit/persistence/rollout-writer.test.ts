import assert from 'node:assert/strict';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { RolloutMoveError, RolloutWriteError } from '../../../src/persistence/errors.js';
import { archivedRolloutPath, rolloutPath } from '../../../src/persistence/layout.js';
import { readRollout } from '../../../src/persistence/rollout-reader.js';
import { moveFromArchive, moveToArchive, RolloutWriter } from '../../../src/persistence/rollout-writer.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { event, sessionMeta, testThreadId, userMessage } from './rollout-builders.js';

const CREATED = new Date(2026, 10, 22, 8, 51, 26);
const T0 = Date.UTC(2026, 10, 22, 8, 51, 27, 0);

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A clock that returns the given instants in turn, then repeats the last one. */
function scriptedClock(...instants: number[]): () => number {
  let i = 0;
  return () => instants[Math.min(i++, instants.length - 1)] as number;
}

function newWriter(home: string, n = 1, now: () => number = () => T0): RolloutWriter {
  const id = testThreadId(n);
  return RolloutWriter.create({ path: rolloutPath(home, id, CREATED), sessionMeta: sessionMeta(id), now });
}

describe('RolloutWriter', () => {
  it('creates nothing on disk until the first append', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    assert.equal(writer.isOpen, false);
    assert.deepEqual(await writer.appendBatch([]), []);
    await writer.flush();
    assert.equal(await exists(join(home, 'sessions')), false);
    await writer.close();
    assert.equal(await exists(join(home, 'sessions')), false);
  });

  it('writes session_meta as line 0 ahead of the first item, creating the dated directories', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    t.after(() => writer.close());
    const line = await writer.append(userMessage('hello'));
    assert.equal(line.ordinal, 1);
    assert.equal(line.timestamp, '2026-11-22T08:51:27.000Z');
    const content = await readRollout(writer.path);
    assert.deepEqual(
      content.lines.map((l) => [l.ordinal, l.type, l.timestamp]),
      [
        [0, 'session_meta', '2026-11-22T08:51:27.000Z'],
        [1, 'response_item', '2026-11-22T08:51:27.000Z'],
      ],
    );
    assert.equal(content.meta.id, testThreadId(1));
    assert.match(writer.path, /sessions\/2026\/11\/22\/rollout-2026-11-22T08-51-26-[0-9a-f-]{36}\.jsonl$/);
  });

  it('writes keys in the reference order, metadata only on response items', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    t.after(() => writer.close());
    await writer.appendBatch([userMessage('hi'), event('task_complete')]);
    const raw = (await readFile(writer.path, 'utf8')).trimEnd().split('\n');
    const keys = (text: string | undefined) => Object.keys(JSON.parse(text ?? '{}'));
    assert.deepEqual(keys(raw[1]), ['timestamp', 'ordinal', 'type', 'payload', 'metadata']);
    assert.deepEqual(keys(raw[2]), ['timestamp', 'ordinal', 'type', 'payload']);
  });

  it('gives increasing ordinals and never lets timestamps go back with the clock', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home, 1, scriptedClock(T0 + 500, T0 + 500, T0 + 100, T0 + 900));
    t.after(() => writer.close());
    await writer.append(event('a'));
    await writer.append(event('b'));
    await writer.append(event('c'));
    const { lines } = await readRollout(writer.path);
    assert.deepEqual(
      lines.map((l) => [l.ordinal, l.timestamp]),
      [
        [0, '2026-11-22T08:51:27.500Z'],
        [1, '2026-11-22T08:51:27.500Z'],
        [2, '2026-11-22T08:51:27.500Z'],
        [3, '2026-11-22T08:51:27.900Z'],
      ],
    );
    assert.equal(writer.nextOrdinal, 4);
  });

  it('makes each append durable before it resolves: the line reads back at once', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    t.after(() => writer.close());
    for (let i = 0; i < 5; i++) {
      await writer.append(event('step', { i }));
      const { lines, tornTail } = await readRollout(writer.path);
      assert.equal(tornTail, false);
      assert.equal(lines.length, i + 2);
      assert.deepEqual((lines[i + 1]?.payload as { i: number }).i, i);
    }
  });

  it('does not interleave concurrent appends, and keeps call order', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    t.after(() => writer.close());
    // Large payloads make partial writes and group commits likely.
    const big = 'x'.repeat(200_000);
    const written = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? writer.appendBatch([event('batch', { i, part: 0 }), event('batch', { i, part: 1, big })])
          : writer.append(event('single', { i, big })),
      ),
    );
    const { lines } = await readRollout(writer.path);
    const flat = written.flat();
    assert.equal(lines.length, flat.length + 1);
    lines.slice(1).forEach((line, k) => {
      assert.equal(line.ordinal, k + 1);
      assert.deepEqual(line, JSON.parse(JSON.stringify(flat[k])));
    });
    const order = lines.slice(1).map((l) => (l.payload as { i: number }).i);
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
  });

  it('refuses an item it cannot write faithfully, and stays usable', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    t.after(() => writer.close());
    await writer.append(event('a'));
    const proto = JSON.parse('{"type":"x","nested":{"__proto__":{"polluted":true}}}') as { type: string };
    for (const payload of [proto, { type: 'x', big: 1n }]) {
      await assert.rejects(writer.append({ type: 'event_msg', payload }), (error: unknown) => {
        assert.ok(error instanceof RolloutWriteError);
        assert.match(error.message, /^cannot serialize rollout item: /);
        return true;
      });
    }
    await writer.append(event('b'));
    const { lines } = await readRollout(writer.path);
    assert.deepEqual(
      lines.map((l) => l.ordinal),
      [0, 1, 2],
    );
  });

  it('rejects appends after close', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    await writer.append(event('a'));
    await writer.close();
    await writer.close();
    await assert.rejects(writer.append(event('b')), (error: unknown) => {
      assert.ok(error instanceof RolloutWriteError);
      assert.match(error.message, /^rollout writer is closed: /);
      return true;
    });
  });

  it('surfaces a failed create and fails every later append', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    await mkdir(dirname(dirname(writer.path)), { recursive: true });
    // The day directory is a file, so mkdir fails with ENOTDIR/EEXIST.
    await writeFile(dirname(writer.path), 'not a directory');
    const first = writer.append(event('a'));
    const second = writer.append(event('b'));
    await assert.rejects(first, (error: unknown) => error instanceof RolloutWriteError && error.cause !== undefined);
    await assert.rejects(second, RolloutWriteError);
    await assert.rejects(writer.append(event('c')), RolloutWriteError);
    await assert.rejects(writer.flush(), RolloutWriteError);
    await writer.close();
  });

  it('refuses to create over an existing file', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    await mkdir(dirname(writer.path), { recursive: true });
    await writeFile(writer.path, 'someone else\n');
    await assert.rejects(writer.append(event('a')), (error: unknown) => {
      return error instanceof RolloutWriteError && (error.cause as NodeJS.ErrnoException).code === 'EEXIST';
    });
    assert.equal(await readFile(writer.path, 'utf8'), 'someone else\n');
    await writer.close();
  });

  it('resumes after the last ordinal, cutting a torn tail off first', async (t) => {
    const home = await makeTempHome(t);
    const first = newWriter(home);
    await first.appendBatch([event('a'), event('b')]);
    await first.close();
    const intact = await readFile(first.path, 'utf8');
    await writeFile(first.path, `${intact}{"timestamp":"2026-11-22T08:5`);

    const resumed = await RolloutWriter.resume(first.path, { now: () => T0 - 60_000 });
    t.after(() => resumed.close());
    assert.equal(resumed.nextOrdinal, 3);
    const line = await resumed.append(event('c'));
    // The clock is behind the file's last line: the timestamp stays at the last one.
    assert.equal(line.timestamp, '2026-11-22T08:51:27.000Z');
    const content = await readRollout(first.path);
    assert.equal(content.tornTail, false);
    assert.deepEqual(
      content.lines.map((l) => l.ordinal),
      [0, 1, 2, 3],
    );
  });

  it('resumes a file whose last line lacks its newline', async (t) => {
    const home = await makeTempHome(t);
    const first = newWriter(home);
    await first.append(event('a'));
    await first.close();
    await writeFile(first.path, (await readFile(first.path, 'utf8')).trimEnd());
    const resumed = await RolloutWriter.resume(first.path);
    t.after(() => resumed.close());
    await resumed.append(event('b'));
    const { lines } = await readRollout(first.path);
    assert.deepEqual(
      lines.map((l) => l.ordinal),
      [0, 1, 2],
    );
  });
});

describe('moveToArchive / moveFromArchive', () => {
  it('moves a rollout to archived_sessions and back to its dated directory', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    await writer.append(event('a'));
    await writer.close();
    const original = writer.path;
    const archived = await moveToArchive(home, original);
    assert.equal(archived, archivedRolloutPath(home, original.split('/').pop() as string));
    assert.equal(await exists(original), false);
    assert.equal((await readRollout(archived)).lines.length, 2);
    const restored = await moveFromArchive(home, archived);
    assert.equal(restored, original);
    assert.equal(await exists(archived), false);
    assert.equal((await readRollout(restored)).lines.length, 2);
  });

  it('refuses to overwrite or to move files from the wrong place', async (t) => {
    const home = await makeTempHome(t);
    const writer = newWriter(home);
    await writer.append(event('a'));
    await writer.close();
    const target = archivedRolloutPath(home, writer.path.split('/').pop() as string);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, 'occupied');
    await assert.rejects(moveToArchive(home, writer.path), RolloutMoveError);
    assert.equal(await exists(writer.path), true);
    await assert.rejects(moveFromArchive(home, writer.path), RolloutMoveError);
    await assert.rejects(moveToArchive(home, target), RolloutMoveError);
    await assert.rejects(moveToArchive(home, join(home, 'sessions', 'notes.txt')), RolloutMoveError);
  });
});
