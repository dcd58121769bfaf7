import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_READ_FILE_BYTES, readFileBase64 } from '../../../src/runtime/fs/read-file.js';

describe('readFileBase64 and its signal', () => {
  it('stops reading once the signal aborted, and reads the whole file otherwise', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'read-abort-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'data.bin');
    const bytes = Buffer.alloc(1024 * 1024, 7);
    await writeFile(path, bytes);
    const live = new AbortController();
    assert.equal(await readFileBase64(path, MAX_READ_FILE_BYTES, live.signal), bytes.toString('base64'));
    await assert.rejects(
      readFileBase64(path, MAX_READ_FILE_BYTES, AbortSignal.abort(new Error('connection closed'))),
      /connection closed/,
    );
  });
});
