import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { workspaceState } from '../../../../src/runtime/context/turn-metadata.js';

describe('the workspace a turn describes to the model', () => {
  it('is the nearest directory holding .git, clean until a file appears, and absent outside a repository', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'workspace-state-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const repo = join(root, 'repo');
    const cwd = join(repo, 'pkg', 'app');
    await mkdir(cwd, { recursive: true });

    assert.equal(await workspaceState(cwd), null);

    execFileSync('git', ['init', '-q'], { cwd: repo });
    assert.deepEqual(await workspaceState(cwd), { root: repo, hasChanges: false });

    await writeFile(join(cwd, 'new.txt'), 'x');
    assert.deepEqual(await workspaceState(cwd), { root: repo, hasChanges: true });
  });

  it('takes a linked work tree’s .git file for a root as well', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'workspace-state-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const main = join(root, 'main');
    const linked = join(root, 'linked');
    await mkdir(main);
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
    git(main, 'init', '-q');
    git(main, 'commit', '-q', '--allow-empty', '-m', 'first');
    git(main, 'worktree', 'add', '-q', linked);
    assert.deepEqual(await workspaceState(linked), { root: linked, hasChanges: false });
  });
});
