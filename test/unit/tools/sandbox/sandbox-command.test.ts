import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { SandboxPolicy } from '../../../../src/protocol/v2/policies.js';
import { detectBubblewrap, type SandboxSupport } from '../../../../src/tools/sandbox/detect-bubblewrap.js';
import { SandboxSetupError, SandboxUnavailableError } from '../../../../src/tools/sandbox/errors.js';
import { sandboxCommand, type SandboxCommandOptions } from '../../../../src/tools/sandbox/sandbox-command.js';
import { markerRoot } from '../../../../src/tools/sandbox/synthetic-mount-points.js';
import { installHint } from '../../../helpers/prerequisites.js';

interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `argv` under the options' sandbox and waits (bounded) for it to exit; always releases the sandbox. */
async function runSandboxed(argv: readonly string[], options: SandboxCommandOptions): Promise<RunResult> {
  const command = sandboxCommand(argv, options);
  try {
    const child = spawn(command.file, command.args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return await new Promise<RunResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`sandboxed command did not exit: ${argv.join(' ')}\n${stderr}`));
      }, 15_000);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
  } finally {
    command.release();
  }
}

const sh = (script: string) => ['/bin/sh', '-c', script];

const READ_ONLY: SandboxPolicy = { type: 'readOnly', networkAccess: false };

function workspaceWrite(overrides: Partial<Extract<SandboxPolicy, { type: 'workspaceWrite' }>> = {}): SandboxPolicy {
  return {
    type: 'workspaceWrite',
    writableRoots: [],
    networkAccess: false,
    // Test directories live under /tmp: keep /tmp and $TMPDIR out unless a test is about them.
    excludeSlashTmp: true,
    excludeTmpdirEnvVar: true,
    ...overrides,
  };
}

/** Whether some process on the machine has exactly this argv (read from /proc, so no procps is needed). */
function processesRunning(argv: readonly string[]): boolean {
  const wanted = `${argv.join('\0')}\0`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === wanted) return true;
    } catch {
      // The process exited while we looked.
    }
  }
  return false;
}

/** Whether this machine can run bwrap at all, checked without our code so a detection bug cannot hide behind it. */
function bwrapWorksHere(): boolean {
  const result = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-user', '--unshare-net', '--', '/bin/true'], {
    timeout: 10_000,
  });
  return result.status === 0;
}

let root: string;
let support: SandboxSupport;
let bwrapProblem: string | false = false;

before(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'sandbox-test-')));
  support = await detectBubblewrap();
  if (!support.available) bwrapProblem = `no usable bubblewrap here: ${support.reason}; ${installHint('bwrap')}`;
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh directory under the test root. */
async function freshDir(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** The sandbox tests need a working bubblewrap (.ci/run installs it): without one they fail, never skip. */
function requireBwrap(): void {
  if (bwrapProblem !== false) assert.fail(bwrapProblem);
}

describe('sandboxCommand', () => {
  it('detects a working bubblewrap wherever bwrap itself works', (t) => {
    if (!bwrapWorksHere()) {
      t.skip('bwrap cannot create namespaces on this machine');
      return;
    }
    assert.equal(support.available, true, support.available ? '' : support.reason);
  });

  it('leaves the command unchanged under danger-full-access and an external sandbox', () => {
    const unavailable: SandboxSupport = { available: false, reason: 'not installed' };
    for (const policy of [
      { type: 'dangerFullAccess' },
      { type: 'externalSandbox', networkAccess: 'restricted' },
    ] satisfies SandboxPolicy[]) {
      const command = sandboxCommand(['/bin/echo', 'a b', 'c'], { policy, cwd: root, support: unavailable });
      assert.equal(command.file, '/bin/echo');
      assert.deepEqual(command.args, ['a b', 'c']);
      assert.equal(command.sandboxed, false);
      command.release();
    }
  });

  it('refuses to run a read-only or workspace-write command without a usable sandbox', () => {
    const unavailable: SandboxSupport = { available: false, reason: 'bubblewrap (bwrap) was not found on PATH' };
    for (const policy of [READ_ONLY, workspaceWrite()]) {
      assert.throws(
        () => sandboxCommand(sh('echo x > file'), { policy, cwd: root, support: unavailable }),
        (error: unknown) =>
          error instanceof SandboxUnavailableError && error.message.includes('bubblewrap (bwrap) was not found on PATH'),
      );
    }
  });

  it('wraps restrictive policies in bwrap', (t) => {
    requireBwrap();
    assert.ok(support.available);
    const command = sandboxCommand(['/bin/true'], { policy: READ_ONLY, cwd: root, support });
    command.release();
    assert.equal(command.file, support.path);
    assert.equal(command.sandboxed, true);
    assert.deepEqual(command.args.slice(-2), ['--', '/bin/true']);
  });

  describe('read-only', () => {
    it('fails a write and leaves the file unchanged, while reading works', async (t) => {
      requireBwrap();
      const dir = await freshDir('read-only');
      const file = join(dir, 'file.txt');
      await writeFile(file, 'original\n');
      const write = await runSandboxed(sh('echo changed > file.txt'), { policy: READ_ONLY, cwd: dir, support });
      assert.notEqual(write.code, 0);
      assert.match(write.stderr, /Read-only file system/);
      assert.equal(await readFile(file, 'utf8'), 'original\n');

      const created = await runSandboxed(sh('touch new.txt'), { policy: READ_ONLY, cwd: dir, support });
      assert.notEqual(created.code, 0);
      assert.equal(existsSync(join(dir, 'new.txt')), false);

      const read = await runSandboxed(['/bin/cat', 'file.txt'], { policy: READ_ONLY, cwd: dir, support });
      assert.equal(read.code, 0, read.stderr);
      assert.equal(read.stdout, 'original\n');
    });

    it('keeps /tmp read-only too', async (t) => {
      requireBwrap();
      const marker = join(tmpdir(), `sandbox-ro-tmp-${process.pid}`);
      const result = await runSandboxed(sh(`touch ${marker}`), { policy: READ_ONLY, cwd: root, support });
      assert.notEqual(result.code, 0);
      assert.equal(existsSync(marker), false);
    });
  });

  describe('workspace-write', () => {
    it('allows writes inside the workspace and fails them outside', async (t) => {
      requireBwrap();
      const workspace = await freshDir('ws-basic/workspace');
      const outside = await freshDir('ws-basic/outside');
      const policy = workspaceWrite();
      const inside = await runSandboxed(sh('echo inside > made.txt'), { policy, cwd: workspace, support });
      assert.equal(inside.code, 0, inside.stderr);
      assert.equal(await readFile(join(workspace, 'made.txt'), 'utf8'), 'inside\n');

      const escape = await runSandboxed(sh(`echo outside > ${join(outside, 'made.txt')}`), { policy, cwd: workspace, support });
      assert.notEqual(escape.code, 0);
      assert.equal(existsSync(join(outside, 'made.txt')), false);
    });

    it('anchors the workspace at the policy cwd when the command runs in another directory', async (t) => {
      requireBwrap();
      const workspace = await freshDir('ws-anchor/workspace');
      const sub = await freshDir('ws-anchor/workspace/sub');
      const result = await runSandboxed(sh('echo up > ../up.txt && pwd'), {
        policy: workspaceWrite(),
        cwd: sub,
        policyCwd: workspace,
        support,
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), sub);
      assert.equal(await readFile(join(workspace, 'up.txt'), 'utf8'), 'up\n');
    });

    it('makes extra writable roots writable', async (t) => {
      requireBwrap();
      const workspace = await freshDir('ws-roots/workspace');
      const extra = await freshDir('ws-roots/extra');
      const policy = workspaceWrite({ writableRoots: [extra] });
      const result = await runSandboxed(sh(`echo extra > ${join(extra, 'x.txt')}`), { policy, cwd: workspace, support });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(await readFile(join(extra, 'x.txt'), 'utf8'), 'extra\n');
    });

    it('makes /tmp writable unless excludeSlashTmp', async (t) => {
      requireBwrap();
      const workspace = await freshDir('ws-tmp/workspace');
      const target = join(await freshDir('ws-tmp/elsewhere'), 'in-tmp.txt');
      const allowed = await runSandboxed(sh(`touch ${target}`), {
        policy: workspaceWrite({ excludeSlashTmp: false }),
        cwd: workspace,
        support,
      });
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.equal(existsSync(target), true);
    });

    it('keeps the placeholder bookkeeping read-only even when /tmp is writable', async (t) => {
      requireBwrap();
      const workspace = await freshDir('ws-markers/workspace');
      const forged = join(markerRoot(), 'forged');
      const result = await runSandboxed(sh(`touch ${forged}`), {
        policy: workspaceWrite({ excludeSlashTmp: false }),
        cwd: workspace,
        support,
      });
      assert.notEqual(result.code, 0);
      assert.equal(existsSync(forged), false);
    });

    it('makes $TMPDIR writable unless excludeTmpdirEnvVar', async (t) => {
      requireBwrap();
      const workspace = await freshDir('ws-tmpdir/workspace');
      const tmp = await freshDir('ws-tmpdir/tmpdir');
      const env = { ...process.env, TMPDIR: tmp };
      const allowed = await runSandboxed(sh(`touch ${join(tmp, 'a')}`), {
        policy: workspaceWrite({ excludeTmpdirEnvVar: false }),
        cwd: workspace,
        support,
        env,
      });
      assert.equal(allowed.code, 0, allowed.stderr);
      const refused = await runSandboxed(sh(`touch ${join(tmp, 'b')}`), {
        policy: workspaceWrite(),
        cwd: workspace,
        support,
        env,
      });
      assert.notEqual(refused.code, 0);
      assert.equal(existsSync(join(tmp, 'b')), false);
    });

    it('keeps .git read-only inside the workspace', async (t) => {
      requireBwrap();
      const workspace = await freshDir('ws-git/workspace');
      await mkdir(join(workspace, '.git', 'hooks'), { recursive: true });
      await writeFile(join(workspace, '.git', 'config'), '[core]\n');
      const policy = workspaceWrite();
      const hook = await runSandboxed(sh('echo evil > .git/hooks/pre-commit'), { policy, cwd: workspace, support });
      assert.notEqual(hook.code, 0);
      assert.equal(existsSync(join(workspace, '.git', 'hooks', 'pre-commit')), false);
      const config = await runSandboxed(sh('echo evil >> .git/config'), { policy, cwd: workspace, support });
      assert.notEqual(config.code, 0);
      assert.equal(await readFile(join(workspace, '.git', 'config'), 'utf8'), '[core]\n');
      const read = await runSandboxed(['/bin/cat', '.git/config'], { policy, cwd: workspace, support });
      assert.equal(read.stdout, '[core]\n');
    });

    it('prevents creating a missing .codex and removes the placeholder afterwards', async (t) => {
      requireBwrap();
      const workspace = await freshDir('ws-codex/workspace');
      const result = await runSandboxed(sh('mkdir -p .codex && echo x > .codex/config.toml'), {
        policy: workspaceWrite(),
        cwd: workspace,
        support,
      });
      assert.notEqual(result.code, 0);
      for (const name of ['.codex', '.git', '.agents', '.aws']) {
        assert.equal(existsSync(join(workspace, name)), false, `${name} placeholder left behind`);
      }
    });

    it('keeps a placeholder while another sandbox still uses it', async (t) => {
      requireBwrap();
      assert.ok(support.available);
      const workspace = await freshDir('ws-shared/workspace');
      const first = sandboxCommand(['/bin/true'], { policy: workspaceWrite(), cwd: workspace, support });
      // bwrap creates the mount point when it runs; simulate that for the first sandbox.
      await mkdir(join(workspace, '.codex'));
      const second = sandboxCommand(['/bin/true'], { policy: workspaceWrite(), cwd: workspace, support });
      assert.ok(second.args.includes('--tmpfs'), 'the second sandbox must treat the placeholder as missing');
      first.release();
      assert.equal(existsSync(join(workspace, '.codex')), true);
      second.release();
      assert.equal(existsSync(join(workspace, '.codex')), false);
    });

    it('refuses a protected path that is a symlink the command could re-point', async (t) => {
      requireBwrap();
      assert.ok(support.available);
      const workspace = await freshDir('ws-symlink/workspace');
      const decoy = await freshDir('ws-symlink/decoy');
      await symlink(decoy, join(workspace, '.codex'));
      assert.throws(
        () => sandboxCommand(['/bin/true'], { policy: workspaceWrite(), cwd: workspace, support }),
        (error: unknown) => error instanceof SandboxSetupError && /crosses writable symlink/.test(error.message),
      );
    });
  });

  describe('network', () => {
    let server: Server;
    let port: number;

    before(async () => {
      server = createServer((socket) => {
        // The client closes as soon as it connected; a reset is expected, not an error.
        socket.on('error', () => {});
        socket.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      port = typeof address === 'object' && address !== null ? address.port : 0;
    });

    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    // bash's /dev/tcp opens a TCP connection without needing any network tool in the image.
    const connect = () => ['/bin/bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected`];

    it('cuts the network off unless networkAccess', async (t) => {
      requireBwrap();
      for (const policy of [READ_ONLY, workspaceWrite()]) {
        const result = await runSandboxed(connect(), { policy, cwd: root, support });
        assert.notEqual(result.code, 0, `${policy.type}: ${result.stdout}`);
        assert.doesNotMatch(result.stdout, /connected/);
      }
    });

    it('keeps the network with networkAccess', async (t) => {
      requireBwrap();
      for (const policy of [{ type: 'readOnly', networkAccess: true }, workspaceWrite({ networkAccess: true })] satisfies SandboxPolicy[]) {
        const result = await runSandboxed(connect(), { policy, cwd: root, support });
        assert.equal(result.code, 0, `${policy.type}: ${result.stderr}`);
        assert.match(result.stdout, /connected/);
      }
    });
  });

  it('dies with its process group: killing the group ends the sandboxed command', async (t) => {
    requireBwrap();
    assert.ok(support.available);
    const marker = `${900_000 + (process.pid % 99_999)}`;
    const command = sandboxCommand(['/bin/sleep', marker], { policy: READ_ONLY, cwd: root, support });
    const child = spawn(command.file, command.args, { detached: true, stdio: 'ignore' });
    t.after(() => command.release());
    const running = () => processesRunning(['/bin/sleep', marker]);
    for (let waited = 0; !running() && waited < 5_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.equal(running(), true, 'the sandboxed sleep never started');
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited;
    for (let waited = 0; running() && waited < 5_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.equal(running(), false, 'the sandboxed sleep outlived its process group');
  });
});
