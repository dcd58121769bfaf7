import assert from 'node:assert/strict';
import { appendFile, mkdir, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  RELATIVE_PATH_ERROR,
  changeNaming,
  changesOf,
  errorOf,
  eventually,
  inotifyWatchCount,
  resultOf,
  startFsRig,
} from './fs-rig.js';

/** `fs/watch`, `fs/unwatch` and `fs/changed` (docs/protocol.md#filesystem). */
describe('fs/watch', () => {
  it('reports a file being modified, deleted and created again', async (t) => {
    const { client, dir } = await startFsRig(t);
    const file = join(dir, 'a.txt');
    await writeFile(file, 'one\n');
    assert.deepEqual(await client.call('fs/watch', { watchId: 'file', path: file }), { path: file });

    let mark = client.received.length;
    await appendFile(file, 'two\n');
    assert.deepEqual((await changeNaming(client, 'file', file, mark)).changedPaths, [file]);

    mark = client.received.length;
    await unlink(file);
    assert.deepEqual((await changeNaming(client, 'file', file, mark)).changedPaths, [file]);

    mark = client.received.length;
    await writeFile(file, 'three\n');
    assert.deepEqual((await changeNaming(client, 'file', file, mark)).changedPaths, [file]);
  });

  it('keeps reporting a file after it was replaced by a rename (an atomic save)', async (t) => {
    const { client, dir } = await startFsRig(t);
    const file = join(dir, 'config.json');
    await writeFile(file, '{}');
    await client.call('fs/watch', { watchId: 'atomic', path: file });

    let mark = client.received.length;
    await writeFile(join(dir, 'config.json.tmp'), '{"a":1}');
    await rename(join(dir, 'config.json.tmp'), file);
    // The temporary file is not the watched path: only the watched path is reported.
    assert.deepEqual((await changeNaming(client, 'atomic', file, mark)).changedPaths, [file]);

    mark = client.received.length;
    await appendFile(file, '\n');
    assert.deepEqual((await changeNaming(client, 'atomic', file, mark)).changedPaths, [file]);
  });

  it('reports the direct children of a watched directory, not deeper ones, and its own deletion', async (t) => {
    const { client, dir } = await startFsRig(t);
    const watched = join(dir, 'watched');
    await mkdir(join(watched, 'sub'), { recursive: true });
    await client.call('fs/watch', { watchId: 'dir', path: watched });

    let mark = client.received.length;
    await writeFile(join(watched, 'sub', 'deep.txt'), 'not reported');
    await writeFile(join(watched, 'new.txt'), 'reported');
    const created = await changeNaming(client, 'dir', join(watched, 'new.txt'), mark);
    assert.deepEqual(
      changesOf(client, 'dir', mark).flatMap((change) => change.changedPaths).filter((path) => path.includes('deep')),
      [],
    );
    assert.ok(created.changedPaths.every((path) => path.startsWith(`${watched}/`)));

    mark = client.received.length;
    await rm(watched, { recursive: true });
    await changeNaming(client, 'dir', watched, mark);
    const removed = new Set(changesOf(client, 'dir', mark).flatMap((change) => change.changedPaths));
    for (const path of [watched, join(watched, 'new.txt'), join(watched, 'sub')]) assert.ok(removed.has(path), path);
  });

  it('sorts the paths of one notification as Rust orders paths', async (t) => {
    const { client, dir } = await startFsRig(t);
    const watched = join(dir, 'w');
    await mkdir(watched);
    await client.call('fs/watch', { watchId: 'sorted', path: watched });
    const mark = client.received.length;
    // Written together, well inside one 200 ms batch.
    await Promise.all(['b', 'a-b', 'a', 'B'].map((name) => writeFile(join(watched, name), name)));
    await changeNaming(client, 'sorted', join(watched, 'b'), mark);
    for (const change of changesOf(client, 'sorted', mark)) {
      assert.deepEqual(change.changedPaths, [...change.changedPaths].sort());
    }
  });

  it('reports a path that does not exist yet once it is created, even below a missing directory', async (t) => {
    const { client, dir } = await startFsRig(t);
    const later = join(dir, 'later', 'file.txt');
    await client.call('fs/watch', { watchId: 'later', path: later });
    const mark = client.received.length;
    await mkdir(join(dir, 'later'));
    await writeFile(later, 'here');
    assert.deepEqual((await changeNaming(client, 'later', later, mark)).changedPaths, [later]);
  });

  it('answers with the normalized path, not resolving symlinks, and reports through a symlink', async (t) => {
    const { client, dir } = await startFsRig(t);
    await writeFile(join(dir, 'target.txt'), 'x');
    await symlink('target.txt', join(dir, 'link'));
    const response = await client.request('fs/watch', { watchId: 'link', path: `${dir}/sub/../link` });
    assert.deepEqual(resultOf(response), { path: join(dir, 'link') });
    const mark = client.received.length;
    await appendFile(join(dir, 'target.txt'), 'y');
    assert.deepEqual((await changeNaming(client, 'link', join(dir, 'link'), mark)).changedPaths, [join(dir, 'link')]);
  });

  it('refuses a duplicate watchId on the same connection, and relative paths', async (t) => {
    const { client, dir } = await startFsRig(t);
    await client.call('fs/watch', { watchId: 'w1', path: dir });
    assert.deepEqual(errorOf(await client.request('fs/watch', { watchId: 'w1', path: join(dir, 'other') })), {
      code: -32600,
      message: 'watchId already exists: w1',
    });
    assert.deepEqual(errorOf(await client.request('fs/watch', { watchId: 'w2', path: 'relative' })), RELATIVE_PATH_ERROR);
  });

  it('stops notifications at fs/unwatch, and accepts unknown ids', async (t) => {
    const { client, dir } = await startFsRig(t);
    const file = join(dir, 'a.txt');
    await writeFile(file, 'x');
    await client.call('fs/watch', { watchId: 'stopped', path: file });
    await client.call('fs/watch', { watchId: 'control', path: file });
    assert.deepEqual(await client.call('fs/unwatch', { watchId: 'stopped' }), {});
    assert.deepEqual(await client.call('fs/unwatch', { watchId: 'never-existed' }), {});

    const mark = client.received.length;
    await appendFile(file, 'y');
    // Both watches see the same events and batch them over the same 200 ms: once the control watch has
    // reported, a notification for the stopped one would have been sent before it.
    await changeNaming(client, 'control', file, mark);
    assert.deepEqual(changesOf(client, 'stopped', mark), []);

    // The id is free again.
    await client.call('fs/watch', { watchId: 'stopped', path: file });
  });

  it('scopes watch ids to their connection', async (t) => {
    const { client, dir, connect } = await startFsRig(t);
    const other = await connect();
    const file = join(dir, 'a.txt');
    await writeFile(file, 'x');
    await client.call('fs/watch', { watchId: 'same', path: file });
    await other.call('fs/watch', { watchId: 'same', path: file });
    // Unwatching on one connection leaves the other's watch of the same id alone.
    await client.call('fs/unwatch', { watchId: 'same' });

    const mark = other.received.length;
    const clientMark = client.received.length;
    await appendFile(file, 'y');
    await changeNaming(other, 'same', file, mark);
    assert.deepEqual(changesOf(client, 'same', clientMark), []);
  });

  it('ends the watches of a connection when it closes', async (t) => {
    const { dir, connect } = await startFsRig(t);
    const before = await inotifyWatchCount();
    const client = await connect();
    await mkdir(join(dir, 'sub'));
    await client.call('fs/watch', { watchId: 'a', path: join(dir, 'sub') });
    await client.call('fs/watch', { watchId: 'b', path: join(dir, 'missing', 'file') });
    assert.ok((await inotifyWatchCount()) > before, 'fs/watch opened no inotify watch');

    await client.close();
    await eventually(async () => (await inotifyWatchCount()) === before, 'the inotify watches to be released');
  });
});
