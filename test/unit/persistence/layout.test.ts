import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  archivedRolloutPath,
  formatRolloutFileTimestamp,
  isArchivedRolloutPath,
  isLiveRolloutPath,
  parseRolloutFileName,
  rolloutFileName,
  rolloutPath,
} from '../../../src/persistence/layout.js';

const HOME = '/home/u/.codex';
const ID = '01a20274-0250-7a53-b773-0774080a263e';
// Local time on purpose: the layout is dated in local time, so this reads the same in every TZ.
const LOCAL = new Date(2026, 0, 5, 7, 8, 9, 987);

describe('layout', () => {
  it('formats the file-name timestamp from local time, to the second, with dashes', () => {
    assert.equal(formatRolloutFileTimestamp(LOCAL), '2026-01-05T07-08-09');
  });

  it('places a new rollout under sessions/YYYY/MM/DD of its local creation date', () => {
    assert.equal(
      rolloutPath(HOME, ID, LOCAL),
      join(HOME, 'sessions', '2026', '01', '05', `rollout-2026-01-05T07-08-09-${ID}.jsonl`),
    );
  });

  it('places an archived rollout flat in archived_sessions', () => {
    const name = rolloutFileName(ID, LOCAL);
    assert.equal(archivedRolloutPath(HOME, name), join(HOME, 'archived_sessions', name));
    assert.equal(isArchivedRolloutPath(HOME, archivedRolloutPath(HOME, name)), true);
    assert.equal(isArchivedRolloutPath(HOME, rolloutPath(HOME, ID, LOCAL)), false);
    assert.equal(isLiveRolloutPath(HOME, rolloutPath(HOME, ID, LOCAL)), true);
    assert.equal(isLiveRolloutPath(HOME, archivedRolloutPath(HOME, name)), false);
    assert.equal(isLiveRolloutPath(HOME, join(HOME, 'sessions', '..', 'elsewhere.jsonl')), false);
  });

  it('parses a file name back into its local timestamp and thread id', () => {
    const parsed = parseRolloutFileName(rolloutPath(HOME, ID, LOCAL));
    assert.ok(parsed);
    assert.equal(parsed.threadId, ID);
    assert.equal(parsed.timestamp, '2026-01-05T07-08-09');
    assert.equal(parsed.createdAt.getTime(), new Date(2026, 0, 5, 7, 8, 9).getTime());
  });

  it('parses the name the reference gave a real rollout', () => {
    const parsed = parseRolloutFileName('rollout-2026-11-22T08-51-26-01a20274-0250-7a53-b773-0774080a263e.jsonl');
    assert.deepEqual(
      parsed && { timestamp: parsed.timestamp, threadId: parsed.threadId },
      { timestamp: '2026-11-22T08-51-26', threadId: '01a20274-0250-7a53-b773-0774080a263e' },
    );
  });

  it('rejects names that are not rollouts or carry an impossible date', () => {
    for (const name of [
      'rollout-2026-01-05T07-08-09.jsonl',
      `rollout-2026-01-05T07-08-09-${ID}.json`,
      `rollout-2026-02-31T07-08-09-${ID}.jsonl`,
      `rollout-2026-01-05T25-08-09-${ID}.jsonl`,
      `session-2026-01-05T07-08-09-${ID}.jsonl`,
      `rollout-2026-01-05T07-08-09-${ID.slice(0, -1)}.jsonl`,
    ]) {
      assert.equal(parseRolloutFileName(name), null, name);
    }
  });
});
