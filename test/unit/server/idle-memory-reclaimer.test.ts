import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GROWTH_WORTH_COLLECTING, IdleMemoryReclaimer } from '../../../src/server/idle-memory-reclaimer.js';
import { FullCollector } from '../../../src/util/full-collection.js';

const MiB = 1024 * 1024;

/** A reclaimer over a pretend heap: `held` is what V8 holds, a collection brings it back to `live`. */
function rig(options: { turnsRunning?: () => boolean } = {}) {
  const state = { held: 60 * MiB, live: 60 * MiB, collections: 0 };
  const deferred: Array<() => void> = [];
  const reclaimer = new IdleMemoryReclaimer({
    turnsRunning: options.turnsRunning ?? (() => false),
    heldBytes: () => state.held,
    collect: () => {
      state.collections++;
      state.held = state.live;
    },
    defer: (task) => deferred.push(task),
  });
  const runDeferred = () => {
    for (const task of deferred.splice(0)) task();
  };
  return { state, reclaimer, runDeferred, deferred };
}

describe('IdleMemoryReclaimer', () => {
  it('collects once the last turn has ended and the heap grew by enough, after the caller returned', () => {
    const { state, reclaimer, runDeferred } = rig();
    state.held += GROWTH_WORTH_COLLECTING + MiB;
    state.live += 5 * MiB;
    reclaimer.turnFinished();
    assert.equal(state.collections, 0, 'not inside the turn-end path');
    runDeferred();
    assert.equal(state.collections, 1);
    // Growth now counts from what the collection left: small turns after it do not collect again.
    state.held += GROWTH_WORTH_COLLECTING - MiB;
    reclaimer.turnFinished();
    runDeferred();
    assert.equal(state.collections, 1);
  });

  it('leaves small growth to V8', () => {
    const { state, reclaimer, runDeferred } = rig();
    state.held += GROWTH_WORTH_COLLECTING - 1;
    reclaimer.turnFinished();
    runDeferred();
    assert.equal(state.collections, 0);
  });

  it('does not collect while another turn still runs, and does when the last one ends', () => {
    let running = true;
    const { state, reclaimer, runDeferred } = rig({ turnsRunning: () => running });
    state.held += 2 * GROWTH_WORTH_COLLECTING;
    reclaimer.turnFinished();
    runDeferred();
    assert.equal(state.collections, 0);
    running = false;
    reclaimer.turnFinished();
    runDeferred();
    assert.equal(state.collections, 1);
  });

  it('schedules one check for turns that end together', () => {
    const { state, reclaimer, runDeferred, deferred } = rig();
    state.held += 2 * GROWTH_WORTH_COLLECTING;
    reclaimer.turnFinished();
    reclaimer.turnFinished();
    reclaimer.turnFinished();
    assert.equal(deferred.length, 1);
    runDeferred();
    assert.equal(state.collections, 1);
  });

  it('measures growth from a collection that ran elsewhere', () => {
    const { state, reclaimer, runDeferred } = rig();
    state.held += GROWTH_WORTH_COLLECTING + MiB;
    reclaimer.collected();
    reclaimer.turnFinished();
    runDeferred();
    assert.equal(state.collections, 0);
  });
});

describe('FullCollector', () => {
  it("runs V8's full collection: an object nothing refers to any more is gone after it", async () => {
    let before = 0;
    const collector = new FullCollector(() => before++);
    let target: object | null = { payload: 'x'.repeat(1024) };
    const reference = new WeakRef(target);
    target = null;
    // A WeakRef keeps its target until the job that created it has ended.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(collector.collect(), true);
    assert.equal(reference.deref(), undefined);
    assert.equal(collector.collect(), true);
    assert.equal(before, 1, 'the hook runs once, before the first collection changes V8 flags');
  });
});
