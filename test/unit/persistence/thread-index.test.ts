import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { InvalidCursorError } from '../../../src/persistence/errors.js';
import { rolloutPath } from '../../../src/persistence/layout.js';
import { readSessionHeader } from '../../../src/persistence/rollout-reader.js';
import { moveToArchive } from '../../../src/persistence/rollout-writer.js';
import { summarizeThread, ThreadIndex } from '../../../src/persistence/thread-index.js';
import type { ThreadListQuery, ThreadSummary } from '../../../src/persistence/thread-index.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { sessionMeta, testThreadId, writeSyntheticThread } from './rollout-builders.js';
import type { SyntheticThread } from './rollout-builders.js';
import type { SessionSource } from '../../../src/persistence/rollout-schema.js';

const BASE = Date.UTC(2026, 10, 22, 8, 0, 0, 0);
const CURSOR_CREATED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\|[0-9a-f-]{36}$/;
const CURSOR_UPDATED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|[0-9a-f-]{36}$/;

/** Sources by `n % 10`; the rest alternate cli/vscode. */
const SOURCES: Readonly<Record<number, SessionSource>> = { 3: 'exec', 6: 'mcp', 9: { subagent: 'review' } };

/**
 * 64 threads created 700 ms apart (so several share a second and the id breaks the tie), updated in a different
 * order. Kinds: every 8th has no user message, every 9th is archived, sources and cwds and providers vary.
 */
function specs(): (SyntheticThread & { archived: boolean })[] {
  return Array.from({ length: 64 }, (_, n) => ({
    n,
    createdAtMs: BASE + n * 700,
    updatedAtMs: BASE + 100_000 + ((n * 37) % 64) * 1000 + (n % 7),
    cwd: n % 4 === 0 ? '/work/other' : '/work/project',
    provider: n % 5 === 0 ? 'openai' : 'mock',
    source: SOURCES[n % 10] ?? (n % 2 ? 'cli' : 'vscode'),
    userText: n % 8 === 7 ? null : `thread ${n} says ${n % 3 === 0 ? 'Hello' : 'hi'}`,
    archived: n % 9 === 4,
  }));
}

/** A straightforward model of the listing, to compare pages against. */
function expected(all: readonly ThreadSummary[], key: 'created_at' | 'updated_at', dir: 'asc' | 'desc'): string[] {
  const time = (t: ThreadSummary): number =>
    key === 'created_at' ? Math.floor(t.createdAtMs / 1000) : t.updatedAtMs;
  const sorted = [...all].sort((a, b) => time(a) - time(b) || (a.threadId < b.threadId ? -1 : 1));
  if (dir === 'desc') sorted.reverse();
  return sorted.map((t) => t.threadId);
}

async function pageThrough(index: ThreadIndex, query: ThreadListQuery): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await index.list({ ...query, cursor });
    ids.push(...page.data.map((t) => t.threadId));
    if (page.nextCursor === null) return ids;
    assert.match(page.nextCursor, query.sortKey === 'updated_at' ? CURSOR_UPDATED : CURSOR_CREATED);
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

describe('ThreadIndex', () => {
  let home: string;
  let index: ThreadIndex;
  let reads = 0;
  const skipped: string[] = [];

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'thread-index-test-'));
    for (const spec of specs()) {
      const path = await writeSyntheticThread(home, spec);
      if (spec.archived) await moveToArchive(home, path);
    }
    // A hostile file among them is skipped, not fatal.
    const hostile = rolloutPath(home, testThreadId(999), new Date(BASE));
    await copyFile(
      fileURLToPath(new URL('../../fixtures/rollouts/negative/garbage-in-middle.jsonl', import.meta.url)),
      hostile,
    );
    index = new ThreadIndex(home, {
      readHeader: (path) => {
        reads += 1;
        return readSessionHeader(path);
      },
      onSkip: (path) => skipped.push(path),
    });
    await index.load();
  });

  after(() => rm(home, { recursive: true, force: true }));

  /** Every indexed summary passing `keep` (the model's input). */
  async function where(keep: (t: ThreadSummary, spec: ReturnType<typeof specs>[number]) => boolean) {
    const out: ThreadSummary[] = [];
    for (const spec of specs()) {
      const summary = await index.get(testThreadId(spec.n));
      if (summary !== undefined && keep(summary, spec)) out.push(summary);
    }
    return out;
  }
  const interactive = (t: ThreadSummary) => t.preview !== '' && !t.archived && ['cli', 'vscode'].includes(t.sourceKind);

  it('scans every rollout header once and skips the hostile one', async () => {
    assert.equal(reads, 65);
    assert.deepEqual(skipped.length, 1);
    assert.match(skipped[0] as string, new RegExp(`${testThreadId(999)}\\.jsonl$`));
    const one = await index.get(testThreadId(1));
    assert.equal(one?.preview, 'thread 1 says hi');
    assert.equal(one?.model, 'mock-model');
    assert.equal(one?.createdAtMs, BASE + 700);
    assert.equal(one?.sourceKind, 'cli');
    assert.equal((await index.get(testThreadId(4)))?.archived, true);
  });

  it('lists interactive, non-archived threads with a user message, newest first, 25 by default', async () => {
    const page = await index.list();
    const model = expected(await where(interactive), 'created_at', 'desc');
    assert.deepEqual(
      page.data.map((t) => t.threadId),
      model.slice(0, 25),
    );
    assert.match(page.nextCursor ?? '', CURSOR_CREATED);
    const first = page.data[0] as ThreadSummary;
    assert.equal(page.backwardsCursor, new Date(first.createdAtMs).toISOString());
  });

  for (const sortKey of ['created_at', 'updated_at'] as const) {
    for (const sortDirection of ['desc', 'asc'] as const) {
      it(`pages through every thread by ${sortKey} ${sortDirection} without gaps or repeats`, async () => {
        const ids = await pageThrough(index, { sortKey, sortDirection, limit: 7 });
        assert.deepEqual(ids, expected(await where(interactive), sortKey, sortDirection));
      });
    }
  }

  it('answers no next cursor when a page ends exactly at the last thread', async () => {
    const total = (await where(interactive)).length;
    const page = await index.list({ limit: total });
    assert.equal(page.data.length, total);
    assert.equal(page.nextCursor, null);
    assert.notEqual((await index.list({ limit: total - 1 })).nextCursor, null);
  });

  it('answers one thread for limit 0, as the reference does', async () => {
    assert.equal((await index.list({ limit: 0 })).data.length, 1);
  });

  it('filters archived, cwd, providers, source kinds and search term', async () => {
    const list = async (query: ThreadListQuery) => (await pageThrough(index, { ...query, limit: 100 })).sort();
    const ids = async (keep: Parameters<typeof where>[0]) => (await where(keep)).map((t) => t.threadId).sort();
    const live = (t: ThreadSummary) => t.preview !== '' && !t.archived;
    const none = () => false;
    const archivedInteractive = (t: ThreadSummary) =>
      t.preview !== '' && t.archived && ['cli', 'vscode'].includes(t.sourceKind);
    const cases: [ThreadListQuery, (t: ThreadSummary) => boolean][] = [
      [{ archived: true }, archivedInteractive],
      [{ cwd: '/work/other/' }, (t) => interactive(t) && t.cwd === '/work/other'],
      [{ cwd: ['/work/other', '/work/project'] }, interactive],
      [{ modelProviders: ['openai'] }, (t) => interactive(t) && t.modelProvider === 'openai'],
      [{ modelProviders: [] }, interactive],
      [{ sourceKinds: ['exec'] }, (t) => live(t) && t.source === 'exec'],
      [{ sourceKinds: ['appServer'] }, (t) => live(t) && t.source === 'mcp'],
      [{ sourceKinds: ['subAgent'] }, (t) => live(t) && t.sourceKind === 'subAgentReview'],
      [{ sourceKinds: ['subAgentCompact'] }, none],
      [{ searchTerm: 'Hello' }, (t) => interactive(t) && t.preview.includes('Hello')],
      [{ searchTerm: 'hello' }, none],
    ];
    for (const [query, keep] of cases) {
      const want = await ids(keep);
      assert.deepEqual(await list(query), want, JSON.stringify(query));
      // Every filter that should match something does, so no case passes vacuously.
      assert.equal(want.length > 0, keep !== none, JSON.stringify(query));
    }
    assert.ok((await list({ searchTerm: 'Hello' })).length > 3);
  });

  it('rejects a bad cursor with the reference message', async () => {
    const id = testThreadId(1);
    const bad = [
      'garbage',
      '',
      `2026-11-22 08:51:51|${id}`,
      `1795337511|${id}`,
      '2026-11-22T08:51:51Z|not-a-uuid',
      `2026-11-22T08:51:51Z|${id}|x`,
    ];
    for (const cursor of bad) {
      await assert.rejects(index.list({ cursor }), (error: unknown) => {
        assert.ok(error instanceof InvalidCursorError);
        assert.equal(error.message, `invalid cursor: ${cursor}`);
        return true;
      });
    }
  });

  it('accepts a bare timestamp cursor (inclusive) and any zone offset', async () => {
    const all = expected(await where(interactive), 'created_at', 'desc');
    const page = await index.list({ cursor: '2026-11-22T08:00:00Z', sortDirection: 'asc', limit: 100 });
    assert.deepEqual(page.data.map((t) => t.threadId), [...all].reverse());
    const offset = await index.list({ cursor: '2026-11-22T09:00:10+01:00', limit: 100 });
    assert.deepEqual(
      offset.data.map((t) => t.threadId),
      expected((await where(interactive)).filter((t) => t.createdAtMs < BASE + 11_000), 'created_at', 'desc'),
    );
  });
});

describe('ThreadIndex with 1000 threads', () => {
  it('pages through all of them without reading any file again', async (t) => {
    const home = await makeTempHome(t);
    const original = '01a20274-62eb-75f3-94ae-b97eb1ada864';
    const fixture = `../../fixtures/rollouts/reference-0.169.0/rollout-2026-11-22T08-51-51-${original}.jsonl`;
    const template = await readFile(fileURLToPath(new URL(fixture, import.meta.url)), 'utf8');
    for (let n = 0; n < 1000; n++) {
      const id = testThreadId(n);
      const created = new Date(BASE + n * 1000);
      const path = rolloutPath(home, id, created);
      await mkdir(dirname(path), { recursive: true });
      const text = template
        .replaceAll(original, id)
        .replace('"timestamp":"2026-11-22T08:51:51.682Z"', `"timestamp":"${created.toISOString()}"`);
      await writeFile(path, text);
    }
    let reads = 0;
    const index = new ThreadIndex(home, {
      readHeader: (path) => {
        reads += 1;
        return readSessionHeader(path);
      },
    });
    const first = await pageThrough(index, { limit: 100 });
    assert.equal(first.length, 1000);
    assert.equal(reads, 1000);
    assert.equal((await index.list({ limit: 1000 })).data.length, 100, 'limit clamped to 100');
    // Gone from disk: the index answers from memory.
    await rm(join(home, 'sessions'), { recursive: true });
    const again = await pageThrough(index, { limit: 10, sortKey: 'updated_at', sortDirection: 'asc' });
    assert.equal(again.length, 1000);
    assert.deepEqual([...again].sort(), [...first].sort());
    assert.equal(reads, 1000);
  });
});

describe('ThreadIndex mutations', () => {
  const meta = (n: number, text = 'hi') =>
    summarizeThread({
      path: `/nowhere/rollout-2026-11-22T08-00-00-${testThreadId(n)}.jsonl`,
      meta: sessionMeta(testThreadId(n), { timestamp: new Date(BASE + n * 1000).toISOString() }),
      archived: false,
      preview: text,
      model: 'mock-model',
      updatedAtMs: BASE + n * 1000,
    });

  it('reflects upsert, update and remove without scanning again', async (t) => {
    const home = await makeTempHome(t);
    await writeSyntheticThread(home, { n: 1, createdAtMs: BASE, updatedAtMs: BASE });
    let reads = 0;
    const index = new ThreadIndex(home, { readHeader: (path) => ((reads += 1), readSessionHeader(path)) });
    await index.load();
    const ids = async (query: ThreadListQuery) => (await index.list(query)).data.map((s) => s.threadId);
    index.upsert(meta(2));
    assert.deepEqual(await ids({}), [testThreadId(2), testThreadId(1)]);
    assert.equal(index.update(testThreadId(1), { updatedAtMs: BASE + 99_000 }), true);
    assert.equal(index.update(testThreadId(3), { updatedAtMs: 1 }), false);
    assert.deepEqual(await ids({ sortKey: 'updated_at' }), [testThreadId(1), testThreadId(2)]);
    index.update(testThreadId(2), { archived: true });
    assert.deepEqual(await ids({}), [testThreadId(1)]);
    assert.deepEqual(await ids({ archived: true }), [testThreadId(2)]);
    index.remove(testThreadId(1).toUpperCase());
    assert.deepEqual(await ids({}), []);
    assert.equal(reads, 1);
  });

  it('lets mutations made during the scan win over what the scan finds', async (t) => {
    const home = await makeTempHome(t);
    await writeSyntheticThread(home, { n: 1, createdAtMs: BASE, updatedAtMs: BASE });
    await writeSyntheticThread(home, { n: 2, createdAtMs: BASE + 1000, updatedAtMs: BASE + 1000 });
    const index = new ThreadIndex(home);
    const loading = index.load();
    index.upsert({ ...meta(1, 'fresh from memory'), createdAtMs: BASE });
    index.remove(testThreadId(2));
    await loading;
    const page = await index.list();
    assert.deepEqual(page.data.map((s) => s.preview), ['fresh from memory']);
  });
});
