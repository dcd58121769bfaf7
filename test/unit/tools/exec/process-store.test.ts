import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PROCESSES } from '../../../../src/tools/exec/limits.js';
import { ProcessStore, type StoreEntry } from '../../../../src/tools/exec/process-store.js';

function entry(id: number, lastUsed: number, hasExited = false): StoreEntry {
  return { id, lastUsed, process: { hasExited } };
}

/** A store with ids 1, 2, 3, … handed out in order. */
function sequentialStore(): ProcessStore<StoreEntry> {
  let next = 1;
  return new ProcessStore<StoreEntry>(() => next++);
}

describe('ProcessStore', () => {
  it('never hands out a reserved id twice, and reuses a released one', () => {
    const draws = [5, 5, 7, 5];
    const store = new ProcessStore<StoreEntry>(() => draws.shift() ?? 9);
    assert.equal(store.allocateId(), 5);
    assert.equal(store.allocateId(), 7);
    store.release(5);
    assert.equal(store.allocateId(), 5);
  });

  it('draws ids from 1000 up to 100000 by default', () => {
    const store = new ProcessStore<StoreEntry>();
    for (let i = 0; i < 50; i++) {
      const id = store.allocateId();
      assert.ok(id >= 1000 && id < 100_000, String(id));
    }
  });

  it('prunes the least recently used exited session once full, sparing the 8 most recent', () => {
    const store = sequentialStore();
    for (let i = 0; i < MAX_PROCESSES; i++) {
      const id = store.allocateId();
      // Session 1 is the oldest; session 3 has exited; session 60 (recent) has exited too.
      store.insert(entry(id, i, id === 3 || id === 60));
    }
    const { pruned, count } = store.insert(entry(store.allocateId(), 1000));
    assert.equal(pruned?.id, 3);
    assert.equal(count, MAX_PROCESSES);
    assert.equal(store.get(3), undefined);
  });

  it('prunes the least recently used session when none outside the protected ones has exited', () => {
    const store = sequentialStore();
    for (let i = 0; i < MAX_PROCESSES; i++) store.insert(entry(store.allocateId(), i, i >= MAX_PROCESSES - 8));
    const { pruned } = store.insert(entry(store.allocateId(), 1000));
    assert.equal(pruned?.id, 1);
  });
});
