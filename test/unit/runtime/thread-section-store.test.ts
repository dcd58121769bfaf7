import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PINNED_SECTION, ThreadSectionStore } from '../../../src/runtime/thread-metadata/section-store.js';

describe('ThreadSectionStore', () => {
  it('keeps sections in CODEX_HOME, so a new store (a restarted server) lists what the last one wrote', async (t) => {
    const home = await mkdtemp(join(tmpdir(), 'sections-'));
    t.after(() => rm(home, { recursive: true, force: true }));
    const first = new ThreadSectionStore(home);
    const work = await first.create(' Work ', { color: 'red' });
    const later = await first.create('Later', null);
    await first.update(later.id, 'Someday', undefined);

    const restarted = new ThreadSectionStore(home);
    assert.deepEqual(await restarted.list(null, null), {
      data: [PINNED_SECTION, { id: work.id, name: 'Work', appearance: { icon: null, color: 'red' } }, { ...later, name: 'Someday' }],
      nextCursor: null,
    });
    await restarted.delete(work.id);
    assert.deepEqual((await new ThreadSectionStore(home).list(PINNED_SECTION.id, 5)).data.map((s) => s.name), ['Someday']);
  });

  it('applies concurrent changes one after another', async (t) => {
    const home = await mkdtemp(join(tmpdir(), 'sections-'));
    t.after(() => rm(home, { recursive: true, force: true }));
    const store = new ThreadSectionStore(home);
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => store.create(name, null)));
    assert.deepEqual((await store.list(null, null)).data.map((s) => s.name), ['Pinned', 'a', 'b', 'c', 'd']);
  });
});
