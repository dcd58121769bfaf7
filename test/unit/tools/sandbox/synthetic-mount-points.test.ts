import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  acquireSyntheticMountPoint,
  isSyntheticMountPoint,
  markerDir,
  releaseSyntheticMountPoint,
} from '../../../../src/tools/sandbox/synthetic-mount-points.js';

let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'synthetic-mount-points-test-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('synthetic mount points', () => {
  it('removes an empty placeholder when its last user releases it', async () => {
    const path = join(root, 'a', '.codex');
    await mkdir(path, { recursive: true });
    acquireSyntheticMountPoint(path);
    acquireSyntheticMountPoint(path);
    assert.equal(isSyntheticMountPoint(path), true);
    releaseSyntheticMountPoint(path);
    assert.equal(existsSync(path), true);
    releaseSyntheticMountPoint(path);
    assert.equal(existsSync(path), false);
    assert.equal(isSyntheticMountPoint(path), false);
    assert.equal(existsSync(markerDir(path)), false);
  });

  it('keeps a placeholder that is no longer empty', async () => {
    const path = join(root, 'b', '.git');
    await mkdir(path, { recursive: true });
    acquireSyntheticMountPoint(path);
    await writeFile(join(path, 'HEAD'), 'ref: refs/heads/main\n');
    releaseSyntheticMountPoint(path);
    assert.equal(existsSync(join(path, 'HEAD')), true);
  });

  it('keeps a placeholder another live process still uses, and ignores markers of dead ones', async (t) => {
    const path = join(root, 'c', '.agents');
    await mkdir(path, { recursive: true });
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    t.after(() => other.kill('SIGKILL'));
    await mkdir(markerDir(path), { recursive: true });
    await writeFile(join(markerDir(path), String(other.pid)), path);
    assert.equal(isSyntheticMountPoint(path), true);
    acquireSyntheticMountPoint(path);
    releaseSyntheticMountPoint(path);
    assert.equal(existsSync(path), true, 'removed while another process used it');

    const exited = new Promise((resolve) => other.once('exit', resolve));
    other.kill('SIGKILL');
    await exited;
    assert.equal(isSyntheticMountPoint(path), false);
    acquireSyntheticMountPoint(path);
    releaseSyntheticMountPoint(path);
    assert.equal(existsSync(path), false);
  });
});
