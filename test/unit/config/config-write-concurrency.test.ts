import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { writeUserConfig } from '../../../src/config/config-write.js';
import { loadConfig } from '../../../src/config/load.js';

describe('writeUserConfig under concurrency', () => {
  it('lands every one of many writes started at once on the same file, leaving no temporary behind', async (t) => {
    const codexHome = await mkdtemp(join(tmpdir(), 'config-write-'));
    t.after(() => rm(codexHome, { recursive: true, force: true }));
    await writeFile(join(codexHome, 'config.toml'), 'model = "start"\n');
    const loaded = await loadConfig({ codexHome, overrides: [] });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    // Each write reads the file, edits it and renames a new one over it: unserialized, later reads miss earlier
    // renames and all but one edit is lost.
    await Promise.all(
      keys.map((key, index) =>
        writeUserConfig(loaded, { edits: [{ keyPath: `tui.${key}`, value: index, mergeStrategy: 'replace' }] }),
      ),
    );
    const written: unknown = JSON.parse(JSON.stringify(parse(await readFile(join(codexHome, 'config.toml'), 'utf8'))));
    assert.deepEqual(written, { model: 'start', tui: { a: 0, b: 1, c: 2, d: 3, e: 4, f: 5 } });
    assert.deepEqual(await readdir(codexHome), ['config.toml']);
  });

  it('checks expectedVersion against the file the previous write left', async (t) => {
    const codexHome = await mkdtemp(join(tmpdir(), 'config-write-'));
    t.after(() => rm(codexHome, { recursive: true, force: true }));
    const loaded = await loadConfig({ codexHome, overrides: [] });
    const first = await writeUserConfig(loaded, { edits: [{ keyPath: 'model', value: 'one', mergeStrategy: 'replace' }] });
    const racing = [
      writeUserConfig(loaded, {
        edits: [{ keyPath: 'model', value: 'two', mergeStrategy: 'replace' }],
        expectedVersion: first.version,
      }),
      writeUserConfig(loaded, {
        edits: [{ keyPath: 'model', value: 'three', mergeStrategy: 'replace' }],
        expectedVersion: first.version,
      }),
    ];
    const [won, lost] = await Promise.allSettled(racing);
    assert.equal(won?.status, 'fulfilled');
    assert.equal(lost?.status, 'rejected');
    assert.match(String((lost as PromiseRejectedResult).reason), /Configuration was modified since last read/);
    assert.equal(parse(await readFile(join(codexHome, 'config.toml'), 'utf8')).model, 'two');
  });
});
