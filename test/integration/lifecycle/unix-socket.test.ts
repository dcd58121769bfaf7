import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { ServeOptions } from '../../../src/cli.js';
import { startServer } from '../../../src/main.js';
import type { RunningServer } from '../../../src/main.js';
import { createSilentLogger } from '../../../src/util/logger.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { exitCodeOf, spawnCli, waitForStderr } from '../../helpers/server.js';
import { makeTempHome } from '../../helpers/temp-home.js';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'unix-listen-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function startUnixServer(t: TestContext, codexHome: string, path: string | null): Promise<RunningServer> {
  const options = { config: [], enable: [], disable: [], listen: { kind: 'unix', path } } as ServeOptions;
  const server = await startServer(options, {
    env: { ...process.env, CODEX_HOME: codexHome },
    log: createSilentLogger(),
  });
  t.after(() => server.close());
  return server;
}

/** An initialized client over the websocket the server speaks on the socket at `path`. */
async function connectUnix(t: TestContext, path: string): Promise<RpcTestClient> {
  const client = await RpcTestClient.connect(`ws+unix://${path}:/`);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true }, 'unix-client');
  return client;
}

function privateSocketOf(path: string): string {
  return join('/tmp', `codex-daemon-${process.getuid?.() ?? 0}`, createHash('sha256').update(path).digest('hex'));
}

describe('--listen unix://PATH', () => {
  it('speaks JSON-RPC over a websocket on an owner-only socket, and removes it on shutdown', async (t) => {
    const home = await makeTempHome(t);
    const path = join(await tempDir(t), 'app.sock');
    const server = await startUnixServer(t, home, path);
    assert.equal(server.unixSocket?.path, path);
    const target = privateSocketOf(path);
    assert.equal(readlinkSync(path), target, 'the path is a symlink to the socket in the private directory');
    assert.ok(statSync(target).isSocket());
    assert.equal(statSync(target).mode & 0o777, 0o600);
    assert.equal(statSync(join(target, '..')).mode & 0o777, 0o700);

    const client = await connectUnix(t, path);
    const started = await client.request('thread/start', {});
    assert.ok('result' in started, JSON.stringify(started));

    await client.close();
    await server.close();
    assert.ok(!existsSync(path) && !existsSync(target), 'socket and link are gone');
  });

  it('listens on $CODEX_HOME/app-server-control/app-server-control.sock when no path is given', async (t) => {
    const home = await makeTempHome(t);
    const server = await startUnixServer(t, home, null);
    const path = join(home, 'app-server-control', 'app-server-control.sock');
    assert.equal(server.unixSocket?.path, path);
    assert.equal(statSync(join(home, 'app-server-control')).mode & 0o777, 0o700);
    await connectUnix(t, path);
  });

  it('replaces a stale socket left by a dead server, and refuses one a live server answers on', async (t) => {
    const home = await makeTempHome(t);
    const path = join(await tempDir(t), 'stale.sock');
    await symlink(join(await tempDir(t), 'gone'), path);
    assert.ok(lstatSync(path).isSymbolicLink());
    await startUnixServer(t, home, path);
    await connectUnix(t, path);

    const second = startServer({ config: [], enable: [], disable: [], listen: { kind: 'unix', path } } as ServeOptions, {
      env: { ...process.env, CODEX_HOME: await makeTempHome(t) },
      log: createSilentLogger(),
    });
    await assert.rejects(second, { message: `app-server control socket is already in use at ${path}` });
    await connectUnix(t, path);
  });

  it('is what the built binary serves, until SIGTERM removes it', async (t) => {
    const home = await makeTempHome(t);
    const path = join(await tempDir(t), 'cli.sock');
    const cli = spawnCli(t, ['--listen', `unix://${path}`], { CODEX_HOME: home, LOG_LEVEL: 'info' });
    await waitForStderr(cli, /listening on a unix socket/);
    const client = await connectUnix(t, path);
    assert.ok('result' in (await client.request('thread/loaded/list', {})));
    await client.close();
    cli.child.kill('SIGTERM');
    assert.equal(await exitCodeOf(cli), 0);
    assert.ok(!existsSync(path));
  });
});
