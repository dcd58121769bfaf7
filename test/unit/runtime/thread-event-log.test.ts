import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerNotifications } from '../../../src/protocol/registry.js';
import { ThreadEventLog } from '../../../src/runtime/threads/thread-event-log.js';
import type { ReplayLookup } from '../../../src/runtime/threads/thread-event-log.js';

/** A log of capacity 4 with `count` notifications recorded, numbered from 101. */
function logWith(count: number): ThreadEventLog {
  const log = new ThreadEventLog({ firstSeq: 101, capacity: 4 });
  for (let index = 0; index < count; index++) {
    log.record(ServerNotifications.agentMessageDelta, { delta: String(index) }, 1000 + index);
  }
  return log;
}

function replayedSeqs(lookup: ReplayLookup): number[] | 'unavailable' {
  return lookup.available ? lookup.notifications.map((entry) => entry.extras.threadSeq) : 'unavailable';
}

describe('ThreadEventLog', () => {
  it('numbers consecutively from its first number and keeps the emission time', () => {
    const log = logWith(0);
    assert.equal(log.lastSeq, null);
    assert.deepEqual(log.record(ServerNotifications.agentMessageDelta, {}, 5), { threadSeq: 101, emittedAtMs: 5 });
    assert.deepEqual(log.record(ServerNotifications.agentMessageDelta, {}, 6), { threadSeq: 102, emittedAtMs: 6 });
    assert.equal(log.lastSeq, 102);
  });

  it('replays everything after a number it still reaches, in order, across the ring’s wrap', () => {
    const log = logWith(7); // 101..107; 104..107 kept
    assert.deepEqual(replayedSeqs(log.since(103)), [104, 105, 106, 107]);
    assert.deepEqual(replayedSeqs(log.since(105)), [106, 107]);
    assert.deepEqual(replayedSeqs(log.since(107)), []);
    const lookup = log.since(105);
    assert.ok(lookup.available);
    assert.deepEqual(
      lookup.notifications.map((entry) => entry.params),
      [{ delta: '5' }, { delta: '6' }],
    );
  });

  it('is unavailable before the oldest kept number, for another load’s numbers and for numbers not given out', () => {
    const log = logWith(7);
    assert.deepEqual(log.since(102), { available: false, oldestSeq: 104, lastSeq: 107 });
    assert.equal(log.since(5).available, false);
    assert.equal(log.since(108).available, false);
    const fresh = logWith(0);
    assert.deepEqual(replayedSeqs(fresh.since(100)), []);
    assert.deepEqual(fresh.since(101), { available: false, oldestSeq: null, lastSeq: null });
  });

  it('starts each load above every number of an earlier one', () => {
    const earlier = ThreadEventLog.startingNow(1_000);
    for (let index = 0; index < 500; index++) earlier.record(ServerNotifications.agentMessageDelta, {});
    const later = ThreadEventLog.startingNow(1_001);
    assert.ok(later.firstSeq > (earlier.lastSeq ?? 0));
    assert.equal(later.since(earlier.lastSeq ?? 0).available, false);
  });
});
