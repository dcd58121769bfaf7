import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdleChores } from '../../../src/server/idle-chores.js';

/** Chores over a hand-driven clock: `elapse()` fires every scheduled timer, `runDeferred()` the deferred checks. */
function rig() {
  const state = { turns: 0, ran: [] as string[] };
  const timers = new Set<() => void>();
  const deferred: Array<() => void> = [];
  const chores = new IdleChores({
    turnsRunning: () => state.turns > 0,
    schedule: (_delayMs, task) => {
      timers.add(task);
      return () => timers.delete(task);
    },
    defer: (task) => deferred.push(task),
  });
  const elapse = () => {
    const due = [...timers];
    timers.clear();
    for (const task of due) task();
  };
  const runDeferred = () => {
    for (const task of deferred.splice(0)) task();
  };
  return { state, chores, elapse, runDeferred, timers };
}

describe('IdleChores', () => {
  it('runs a chore when its delay has passed and no turn is running', () => {
    const { state, chores, elapse } = rig();
    chores.after(1000, () => state.ran.push('probe'));
    assert.deepEqual(state.ran, []);
    elapse();
    assert.deepEqual(state.ran, ['probe']);
  });

  it('holds a chore that comes due during a turn until the last running turn has ended', () => {
    const { state, chores, elapse, runDeferred } = rig();
    chores.after(500, () => state.ran.push('collect'));
    chores.after(1000, () => state.ran.push('probe'));
    state.turns = 2;
    elapse();
    assert.deepEqual(state.ran, []);
    // One of two turns ends: the other still runs.
    state.turns = 1;
    chores.turnFinished();
    runDeferred();
    assert.deepEqual(state.ran, []);
    // The last one ends; the check waits until the caller has returned.
    state.turns = 0;
    chores.turnFinished();
    assert.deepEqual(state.ran, []);
    runDeferred();
    assert.deepEqual(state.ran, ['collect', 'probe']);
    // Each chore runs once.
    chores.turnFinished();
    runDeferred();
    assert.deepEqual(state.ran, ['collect', 'probe']);
  });

  it('forgets pending and waiting chores when stopped', () => {
    const { state, chores, elapse, runDeferred, timers } = rig();
    chores.after(500, () => state.ran.push('waiting'));
    state.turns = 1;
    elapse();
    chores.after(1000, () => state.ran.push('pending'));
    chores.stop();
    assert.equal(timers.size, 0, 'the pending timer is cancelled');
    state.turns = 0;
    chores.turnFinished();
    runDeferred();
    elapse();
    chores.after(10, () => state.ran.push('after stop'));
    elapse();
    assert.deepEqual(state.ran, []);
  });

  it('runs with real timers', async (t) => {
    // The chores' own timers are unref'd (they never keep a process alive): this one keeps the test's alive.
    const keepAlive = setTimeout(() => {}, 10_000);
    t.after(() => clearTimeout(keepAlive));
    const chores = new IdleChores({ turnsRunning: () => false });
    await new Promise<void>((resolve) => chores.after(5, resolve));
  });
});
