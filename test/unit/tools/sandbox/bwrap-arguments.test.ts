import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bwrapArguments, type BwrapFeatures } from '../../../../src/tools/sandbox/bwrap-arguments.js';
import { markerRoot } from '../../../../src/tools/sandbox/synthetic-mount-points.js';

const FEATURES: BwrapFeatures = { perms: true, argv0: false, mountProc: true };

let root: string;

before(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'bwrap-args-test-')));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('bwrapArguments', () => {
  it('builds the reference’s read-only invocation', () => {
    const plan = bwrapArguments(['/bin/true'], {
      policy: { type: 'readOnly', networkAccess: false },
      cwd: '/work',
      env: {},
      features: FEATURES,
    });
    assert.deepEqual(plan.args, [
      '--new-session', '--die-with-parent',
      '--ro-bind', '/', '/',
      '--dev', '/dev',
      '--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-net',
      '--proc', '/proc',
      '--cap-drop', 'ALL',
      '--chdir', '/work',
      '--', '/bin/true',
    ]);
    assert.deepEqual(plan.syntheticMountPoints, []);
  });

  it('keeps the network namespace with networkAccess and drops --proc where it cannot be mounted', () => {
    const plan = bwrapArguments(['/bin/true'], {
      policy: { type: 'readOnly', networkAccess: true },
      cwd: '/',
      env: {},
      features: { ...FEATURES, mountProc: false },
    });
    assert.equal(plan.args.includes('--unshare-net'), false);
    assert.equal(plan.args.includes('--proc'), false);
  });

  it('binds writable roots parents first, then protects their metadata directories', async () => {
    const workspace = join(root, 'ws');
    const tmp = join(root, 'tmp');
    await mkdir(join(workspace, '.git'), { recursive: true });
    await writeFile(join(workspace, '.codex'), '');
    await mkdir(tmp, { recursive: true });
    const plan = bwrapArguments(['make'], {
      policy: {
        type: 'workspaceWrite',
        writableRoots: [join(root, 'missing-root')],
        networkAccess: true,
        excludeSlashTmp: false,
        excludeTmpdirEnvVar: false,
      },
      cwd: workspace,
      env: { TMPDIR: tmp },
      features: FEATURES,
    });
    const protect = (dir: string, name: string) => ['--perms', '555', '--tmpfs', join(dir, name), '--remount-ro', join(dir, name)];
    assert.deepEqual(plan.args, [
      '--new-session', '--die-with-parent',
      '--ro-bind', '/', '/',
      '--dev', '/dev',
      // /tmp first (shallowest); a root that does not exist is skipped.
      '--bind', '/tmp', '/tmp',
      ...protect('/tmp', '.git'), ...protect('/tmp', '.agents'), ...protect('/tmp', '.codex'), ...protect('/tmp', '.aws'),
      '--bind', workspace, workspace,
      '--ro-bind', join(workspace, '.git'), join(workspace, '.git'),
      ...protect(workspace, '.agents'),
      '--ro-bind', join(workspace, '.codex'), join(workspace, '.codex'),
      ...protect(workspace, '.aws'),
      '--bind', tmp, tmp,
      ...protect(tmp, '.git'), ...protect(tmp, '.agents'), ...protect(tmp, '.codex'), ...protect(tmp, '.aws'),
      // The placeholder bookkeeping (under the server's temp dir, here inside the writable /tmp) stays read-only.
      '--ro-bind', realpathSync(markerRoot()), realpathSync(markerRoot()),
      '--unshare-user', '--unshare-pid', '--unshare-ipc',
      '--proc', '/proc',
      '--cap-drop', 'ALL',
      '--chdir', workspace,
      '--', 'make',
    ]);
    assert.deepEqual(plan.syntheticMountPoints, [
      '/tmp/.git', '/tmp/.agents', '/tmp/.codex', '/tmp/.aws',
      join(workspace, '.agents'), join(workspace, '.aws'),
      join(tmp, '.git'), join(tmp, '.agents'), join(tmp, '.codex'), join(tmp, '.aws'),
    ]);
  });

  it('still makes placeholders read-only when bwrap lacks --perms', async () => {
    const workspace = join(root, 'no-perms');
    await mkdir(workspace, { recursive: true });
    const plan = bwrapArguments(['make'], {
      policy: { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeSlashTmp: true, excludeTmpdirEnvVar: true },
      cwd: workspace,
      env: {},
      features: { ...FEATURES, perms: false },
    });
    assert.equal(plan.args.includes('--perms'), false);
    const git = join(workspace, '.git');
    const index = plan.args.indexOf(git);
    assert.deepEqual(plan.args.slice(index - 1, index + 3), ['--tmpfs', git, '--remount-ro', git]);
  });
});
