import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ImportHistoryStore } from '../../../src/runtime/external-agent/import-history.js';

describe('ImportHistoryStore', () => {
  it('keeps records in CODEX_HOME, so a new store (a restarted server) reads them, newest first', async (t) => {
    const home = await mkdtemp(join(tmpdir(), 'imports-'));
    t.after(() => rm(home, { recursive: true, force: true }));
    const first = new ImportHistoryStore(home);
    const older = await first.record({ providerId: 'a', itemTypeResults: [] });
    // A later millisecond, so that newest-first is the only order that fits.
    const recordedAt = Date.now();
    while (Date.now() === recordedAt) await new Promise((resolve) => setImmediate(resolve));
    const newer = await first.record({
      providerId: 'b',
      itemTypeResults: [{ itemType: 'HOOKS', successes: [{ itemType: 'HOOKS', title: null }], failures: [] }],
    });
    const read = await new ImportHistoryStore(home).read();
    assert.deepEqual(
      read.map((history) => [history.importId, history.providerId, history.successes]),
      [
        [newer, 'b', [{ itemType: 'HOOKS', cwd: null, source: null, target: null, title: null }]],
        [older, 'a', []],
      ],
    );
  });
});
