import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OS_ERRORS, RELATIVE_PATH_ERROR, errorOf, resultOf, startFsRig } from './fs-rig.js';

/** `fs/createDirectory`, `fs/getMetadata` and `fs/readDirectory` (docs/protocol.md#filesystem). */
describe('fs/createDirectory', () => {
  it('creates missing parents by default and accepts an existing directory', async (t) => {
    const { client, dir } = await startFsRig(t);
    const deep = join(dir, 'a', 'b', 'c');
    assert.deepEqual(await client.call('fs/createDirectory', { path: deep }), {});
    assert.ok((await stat(deep)).isDirectory());
    assert.deepEqual(await client.call('fs/createDirectory', { path: deep, recursive: null }), {});
    await symlink('a', join(dir, 'link-to-dir'));
    assert.deepEqual(await client.call('fs/createDirectory', { path: join(dir, 'link-to-dir') }), {});
  });

  it('without recursive, needs the parent and refuses an existing directory', async (t) => {
    const { client, dir } = await startFsRig(t);
    const request = (path: string) => client.request('fs/createDirectory', { path, recursive: false });
    assert.deepEqual(resultOf(await request(join(dir, 'one'))), {});
    assert.deepEqual(errorOf(await request(join(dir, 'one'))), OS_ERRORS.exists);
    assert.deepEqual(errorOf(await request(join(dir, 'missing', 'two'))), OS_ERRORS.notFound);
  });

  it('reports files in the way as the reference does', async (t) => {
    const { client, dir } = await startFsRig(t);
    await writeFile(join(dir, 'file'), 'x');
    await symlink('nowhere', join(dir, 'dangling'));
    const request = (path: string) => client.request('fs/createDirectory', { path });
    assert.deepEqual(errorOf(await request(join(dir, 'file'))), OS_ERRORS.exists);
    assert.deepEqual(errorOf(await request(join(dir, 'dangling'))), OS_ERRORS.exists);
    assert.deepEqual(errorOf(await request(join(dir, 'file', 'below'))), OS_ERRORS.notADirectory);
    assert.deepEqual(errorOf(await request('relative/dir')), RELATIVE_PATH_ERROR);
    assert.deepEqual(errorOf(await client.request('fs/createDirectory', { path: dir, recursive: 'yes' })), {
      code: -32600,
      message: 'Invalid request: invalid type: string "yes", expected a boolean',
    });
  });
});

describe('fs/getMetadata', () => {
  it('describes files, directories and symlinks, following links for the kind and times', async (t) => {
    const { client, dir } = await startFsRig(t);
    const file = join(dir, 'file');
    await writeFile(file, 'x');
    // Half a second is exact in binary, so the stored nanoseconds are exactly what we set.
    await utimes(file, 1714979289.5, 1714979289.5);
    const modifiedAtMs = 1714979289500;
    await mkdir(join(dir, 'sub'));
    await symlink('file', join(dir, 'link'));
    await symlink('sub', join(dir, 'dirlink'));
    const metadata = async (path: string) => await client.call('fs/getMetadata', { path });

    // Linux: the reference's build reports no creation time [observed].
    assert.deepEqual(await metadata(file), {
      isDirectory: false,
      isFile: true,
      isSymlink: false,
      createdAtMs: 0,
      modifiedAtMs,
    });
    assert.deepEqual(await metadata(join(dir, 'link')), {
      isDirectory: false,
      isFile: true,
      isSymlink: true,
      createdAtMs: 0,
      modifiedAtMs,
    });
    assert.deepEqual(await metadata(join(dir, 'dirlink')), {
      isDirectory: true,
      isFile: false,
      isSymlink: true,
      createdAtMs: 0,
      modifiedAtMs: Number((await stat(join(dir, 'sub'), { bigint: true })).mtimeNs / 1_000_000n),
    });
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const fifo = await metadata(join(dir, 'fifo'));
    assert.deepEqual([fifo.isDirectory, fifo.isFile, fifo.isSymlink], [false, false, false]);
  });

  it('fails for missing paths and dangling or looping symlinks', async (t) => {
    const { client, dir } = await startFsRig(t);
    await symlink('nowhere', join(dir, 'dangling'));
    await symlink('loop2', join(dir, 'loop1'));
    await symlink('loop1', join(dir, 'loop2'));
    const metadata = async (path: string) => errorOf(await client.request('fs/getMetadata', { path }));
    assert.deepEqual(await metadata(join(dir, 'missing')), OS_ERRORS.notFound);
    assert.deepEqual(await metadata(join(dir, 'dangling')), OS_ERRORS.notFound);
    assert.deepEqual(await metadata(join(dir, 'loop1')), OS_ERRORS.loop);
    assert.deepEqual(await metadata('.'), RELATIVE_PATH_ERROR);
  });
});

describe('fs/readDirectory', () => {
  it('lists direct children with their resolved kind, leaving out entries that cannot be resolved', async (t) => {
    const { client, dir } = await startFsRig(t);
    await writeFile(join(dir, 'file'), 'x');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'nested'), 'not listed');
    await symlink('file', join(dir, 'link'));
    await symlink('sub', join(dir, 'dirlink'));
    await symlink('nowhere', join(dir, 'dangling'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);

    const { entries } = await client.call('fs/readDirectory', { path: dir }) as {
      entries: { fileName: string; isDirectory: boolean; isFile: boolean }[];
    };
    const byName = [...entries].sort((a, b) => a.fileName.localeCompare(b.fileName));
    assert.deepEqual(byName, [
      { fileName: 'dirlink', isDirectory: true, isFile: false },
      { fileName: 'fifo', isDirectory: false, isFile: false },
      { fileName: 'file', isDirectory: false, isFile: true },
      { fileName: 'link', isDirectory: false, isFile: true },
      { fileName: 'sub', isDirectory: true, isFile: false },
    ]);
  });

  it('answers an empty list for an empty directory and OS errors otherwise', async (t) => {
    const { client, dir } = await startFsRig(t);
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'file'), 'x');
    assert.deepEqual(await client.call('fs/readDirectory', { path: join(dir, 'empty') }), { entries: [] });
    assert.deepEqual(errorOf(await client.request('fs/readDirectory', { path: join(dir, 'file') })), OS_ERRORS.notADirectory);
    assert.deepEqual(errorOf(await client.request('fs/readDirectory', { path: join(dir, 'missing') })), OS_ERRORS.notFound);
    assert.deepEqual(errorOf(await client.request('fs/readDirectory', { path: 'sub' })), RELATIVE_PATH_ERROR);
  });
});
