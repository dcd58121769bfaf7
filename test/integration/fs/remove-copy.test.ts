import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, readlink, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OS_ERRORS, RELATIVE_PATH_ERROR, errorOf, resultOf, startFsRig } from './fs-rig.js';

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** `fs/remove` and `fs/copy` (docs/protocol.md#filesystem). */
describe('fs/remove', () => {
  it('removes files and whole trees by default, and ignores missing paths', async (t) => {
    const { client, dir } = await startFsRig(t);
    await mkdir(join(dir, 'tree', 'deep'), { recursive: true });
    await writeFile(join(dir, 'tree', 'deep', 'f'), 'x');
    await writeFile(join(dir, 'file'), 'x');
    assert.deepEqual(await client.call('fs/remove', { path: join(dir, 'tree') }), {});
    assert.deepEqual(await client.call('fs/remove', { path: join(dir, 'file'), recursive: null, force: null }), {});
    assert.deepEqual(await client.call('fs/remove', { path: join(dir, 'missing') }), {});
    assert.deepEqual(await client.call('fs/remove', { path: join(dir, 'missing', 'below') }), {});
    assert.deepEqual(await readdir(dir), []);
  });

  it('removes a symlink itself, never its target', async (t) => {
    const { client, dir } = await startFsRig(t);
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'kept'), 'x');
    await symlink('sub', join(dir, 'link'));
    await symlink('nowhere', join(dir, 'dangling'));
    await client.call('fs/remove', { path: join(dir, 'link') });
    await client.call('fs/remove', { path: join(dir, 'dangling'), force: false });
    assert.deepEqual((await readdir(dir)).sort(), ['sub']);
    assert.deepEqual(await readdir(join(dir, 'sub')), ['kept']);
  });

  it('honours recursive: false and force: false with the reference errors', async (t) => {
    const { client, dir } = await startFsRig(t);
    await mkdir(join(dir, 'full'));
    await writeFile(join(dir, 'full', 'f'), 'x');
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'file'), 'x');
    const remove = (params: Record<string, unknown>) => client.request('fs/remove', params);
    assert.deepEqual(errorOf(await remove({ path: join(dir, 'full'), recursive: false })), OS_ERRORS.notEmpty);
    assert.deepEqual(resultOf(await remove({ path: join(dir, 'empty'), recursive: false })), {});
    assert.deepEqual(errorOf(await remove({ path: join(dir, 'missing'), force: false })), OS_ERRORS.notFound);
    // force forgives only a missing path.
    assert.deepEqual(errorOf(await remove({ path: join(dir, 'file', 'below'), force: true })), OS_ERRORS.notADirectory);
    assert.deepEqual(errorOf(await remove({ path: 'file' })), RELATIVE_PATH_ERROR);
    assert.deepEqual((await readdir(dir)).sort(), ['file', 'full']);
  });
});

describe('fs/copy', () => {
  it('copies a file with its permissions, over an existing file', async (t) => {
    const { client, dir } = await startFsRig(t);
    await writeFile(join(dir, 'script'), '#!/bin/sh\n', { mode: 0o750 });
    await writeFile(join(dir, 'existing'), 'old and longer');
    const copy = (destinationPath: string) =>
      client.request('fs/copy', { sourcePath: join(dir, 'script'), destinationPath });
    assert.deepEqual(resultOf(await copy(join(dir, 'copy'))), {});
    assert.equal(await readFile(join(dir, 'copy'), 'utf8'), '#!/bin/sh\n');
    assert.equal((await stat(join(dir, 'copy'))).mode & 0o777, 0o750);
    assert.deepEqual(resultOf(await copy(join(dir, 'existing'))), {});
    assert.equal(await readFile(join(dir, 'existing'), 'utf8'), '#!/bin/sh\n');
    // Copying a file onto itself leaves it intact.
    assert.deepEqual(resultOf(await copy(join(dir, 'script'))), {});
    assert.equal(await readFile(join(dir, 'script'), 'utf8'), '#!/bin/sh\n');
  });

  it('needs recursive: true for a directory', async (t) => {
    const { client, dir } = await startFsRig(t);
    await mkdir(join(dir, 'src'));
    const response = await client.request('fs/copy', { sourcePath: join(dir, 'src'), destinationPath: join(dir, 'dst') });
    assert.deepEqual(errorOf(response), {
      code: -32600,
      message: 'fs/copy requires recursive: true when sourcePath is a directory',
    });
    assert.equal(await exists(join(dir, 'dst')), false);
  });

  it('copies a tree with files, directories and symlinks, skipping special files, merging into a directory', async (t) => {
    const { client, dir } = await startFsRig(t);
    const src = join(dir, 'src');
    await mkdir(join(src, 'inner'), { recursive: true });
    await writeFile(join(src, 'a.txt'), 'a');
    await writeFile(join(src, 'inner', 'b.txt'), 'b');
    await symlink('a.txt', join(src, 'link'));
    await symlink('nowhere', join(src, 'dangling'));
    execFileSync('mkfifo', [join(src, 'pipe')]);
    const dst = join(dir, 'parent', 'dst');
    await mkdir(dst, { recursive: true });
    await writeFile(join(dst, 'kept.txt'), 'kept');
    await writeFile(join(dst, 'a.txt'), 'overwritten');

    const response = await client.request('fs/copy', { sourcePath: src, destinationPath: dst, recursive: true });
    assert.deepEqual(resultOf(response), {});
    assert.deepEqual((await readdir(dst)).sort(), ['a.txt', 'dangling', 'inner', 'kept.txt', 'link']);
    assert.equal(await readFile(join(dst, 'a.txt'), 'utf8'), 'a');
    assert.equal(await readFile(join(dst, 'inner', 'b.txt'), 'utf8'), 'b');
    assert.equal(await readlink(join(dst, 'link')), 'a.txt');
    assert.equal(await readlink(join(dst, 'dangling')), 'nowhere');

    // Missing parents of the destination are created for a directory copy.
    const nested = join(dir, 'new', 'deeper', 'copy');
    await client.call('fs/copy', { sourcePath: src, destinationPath: nested, recursive: true });
    assert.equal(await readFile(join(nested, 'inner', 'b.txt'), 'utf8'), 'b');
  });

  it('copies a symlink as a symlink, but refuses a dangling one', async (t) => {
    const { client, dir } = await startFsRig(t);
    await mkdir(join(dir, 'sub'));
    await symlink('sub', join(dir, 'dirlink'));
    await symlink('nowhere', join(dir, 'dangling'));
    const copy = (sourcePath: string, destinationPath: string) => client.request('fs/copy', { sourcePath, destinationPath });
    assert.deepEqual(resultOf(await copy(join(dir, 'dirlink'), join(dir, 'dirlink2'))), {});
    assert.equal(await readlink(join(dir, 'dirlink2')), 'sub');
    assert.deepEqual(errorOf(await copy(join(dir, 'dirlink'), join(dir, 'dirlink2'))), OS_ERRORS.exists);
    assert.deepEqual(errorOf(await copy(join(dir, 'dangling'), join(dir, 'dangling2'))), OS_ERRORS.notFound);
  });

  it('refuses to copy a directory into itself, through symlinks too', async (t) => {
    const { client, dir } = await startFsRig(t);
    await mkdir(join(dir, 'src', 'inner'), { recursive: true });
    await symlink(join(dir, 'src'), join(dir, 'alias'));
    const expected = { code: -32600, message: 'fs/copy cannot copy a directory to itself or one of its descendants' };
    for (const destinationPath of [join(dir, 'src'), join(dir, 'src', 'inner', 'x'), join(dir, 'alias', 'deeper')]) {
      const response = await client.request('fs/copy', { sourcePath: join(dir, 'src'), destinationPath, recursive: true });
      assert.deepEqual(errorOf(response), expected);
    }
    // A sibling whose name merely starts with the source's is fine.
    const sibling = await client.request('fs/copy', { sourcePath: join(dir, 'src'), destinationPath: join(dir, 'src2'), recursive: true });
    assert.deepEqual(resultOf(sibling), {});
  });

  it('refuses special files and reports OS errors as the reference does', async (t) => {
    const { client, dir } = await startFsRig(t);
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    await writeFile(join(dir, 'file'), 'x');
    await mkdir(join(dir, 'sub'));
    const copy = (sourcePath: string, destinationPath: string) => client.request('fs/copy', { sourcePath, destinationPath });
    assert.deepEqual(errorOf(await copy(join(dir, 'fifo'), join(dir, 'fifo2'))), {
      code: -32600,
      message: 'fs/copy only supports regular files, directories, and symlinks',
    });
    assert.deepEqual(errorOf(await copy(join(dir, 'missing'), join(dir, 'x'))), OS_ERRORS.notFound);
    assert.deepEqual(errorOf(await copy(join(dir, 'file'), join(dir, 'missing', 'x'))), OS_ERRORS.notFound);
    assert.deepEqual(errorOf(await copy(join(dir, 'file'), join(dir, 'sub'))), OS_ERRORS.isADirectory);
    assert.deepEqual(errorOf(await copy('file', join(dir, 'x'))), RELATIVE_PATH_ERROR);
    assert.deepEqual(errorOf(await copy(join(dir, 'file'), 'x')), RELATIVE_PATH_ERROR);
    const nullRecursive = await client.request('fs/copy', { sourcePath: join(dir, 'file'), destinationPath: join(dir, 'y'), recursive: null });
    assert.deepEqual(errorOf(nullRecursive), { code: -32600, message: 'Invalid request: invalid type: null, expected a boolean' });
  });
});
