import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { exitCodeOf, spawnCli, waitForListening } from '../helpers/server.js';
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

  it('is written by a server that never served a client, before it stops', async (t) => {
    const temp = await mkdtemp(join(tmpdir(), 'app-server-code-cache-'));
    t.after(() => rm(temp, { recursive: true, force: true }));
    const cacheDir = join(temp, `codex-app-server-code-cache-${process.getuid?.() ?? 'user'}`);

    const cli = spawnCli(t, ['--listen', 'ws://127.0.0.1:0'], { CODEX_HOME: await makeTempHome(t), TMPDIR: temp });
    await waitForListening(cli);
    cli.child.kill('SIGTERM');
    assert.equal(await exitCodeOf(cli), 0);

    const names = await readdir(cacheDir);
    assert.equal(names.length, 1, `one cache: ${names.join(', ')}`);
    assert.match(names[0] ?? '', /^[0-9a-f]{32}\.bin$/);
  });

  it('made by one start is used by the next, which leaves it as it is', async (t) => {
    const temp = await mkdtemp(join(tmpdir(), 'app-server-code-cache-'));
    t.after(() => rm(temp, { recursive: true, force: true }));
    const cacheDir = join(temp, `codex-app-server-code-cache-${process.getuid?.() ?? 'user'}`);
    const home = await makeTempHome(t);
    const serveOneClient = async () => {
      const cli = spawnCli(t, ['--listen', 'ws://127.0.0.1:0'], { CODEX_HOME: home, TMPDIR: temp });
      const client = await RpcTestClient.connect(await waitForListening(cli));
      await client.initialize();
      await client.request('thread/loaded/list', {});
      await client.close();
      cli.child.kill('SIGTERM');
      assert.equal(await exitCodeOf(cli), 0);
    };

    await serveOneClient();
    const [name] = await readdir(cacheDir);
    const written = await stat(join(cacheDir, name ?? ''));
    await serveOneClient();
    // A rejected cache (say, one made under other V8 flags than it is read under) would be written again.
    const after = await stat(join(cacheDir, name ?? ''));
    assert.deepEqual(await readdir(cacheDir), [name]);
    assert.equal(after.mtimeMs, written.mtimeMs);
    assert.equal(after.ino, written.ino);
  });
});
