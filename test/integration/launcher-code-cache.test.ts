import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { spawnCli, waitForListening } from '../helpers/server.js';
import { makeTempHome } from '../helpers/temp-home.js';

/**
 * The launcher keeps V8's code cache of the bundle in $TMPDIR, next to the caches other installations of the
 * server wrote there; it must not evict them all (each would then start cold after the other), only the least
 * recently written beyond the few it keeps.
 */
describe('the launcher code cache', () => {
  it('writes its own cache and keeps the three most recent caches of other builds', async (t) => {
    const temp = await mkdtemp(join(tmpdir(), 'app-server-code-cache-'));
    t.after(() => rm(temp, { recursive: true, force: true }));
    const cacheDir = join(temp, `codex-app-server-code-cache-${process.getuid?.() ?? 'user'}`);
    await mkdir(cacheDir, { mode: 0o700 });
    const others = ['oldest', 'older', 'newer', 'newest'];
    for (const [index, name] of others.entries()) {
      const path = join(cacheDir, `${name}.bin`);
      await writeFile(path, 'another build');
      const written = new Date(Date.UTC(2026, 0, 1 + index));
      await utimes(path, written, written);
    }

    const cli = spawnCli(t, ['--listen', 'ws://127.0.0.1:0'], { CODEX_HOME: await makeTempHome(t), TMPDIR: temp });
    const client = await RpcTestClient.connect(await waitForListening(cli));
    t.after(() => client.close());
    // The cache is written right after start-up, before the server handles its first connection.
    await client.initialize();

    const names = (await readdir(cacheDir)).sort();
    const own = names.filter((name) => !others.some((other) => name === `${other}.bin`));
    assert.equal(own.length, 1, `one cache of this build: ${names.join(', ')}`);
    assert.match(own[0] ?? '', /^[0-9a-f]{32}\.bin$/);
    assert.deepEqual(
      names.filter((name) => name !== own[0]),
      ['newer.bin', 'newest.bin', 'older.bin'],
    );
  });
});
