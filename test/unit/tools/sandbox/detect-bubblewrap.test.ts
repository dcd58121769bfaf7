import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectBubblewrap } from '../../../../src/tools/sandbox/detect-bubblewrap.js';
import { requireProgram } from '../../../helpers/prerequisites.js';

let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'detect-bwrap-test-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * A stand-in `bwrap` that answers `--version`/`--help` like bubblewrap 0.8.0 and runs `onRun` (shell code seeing
 * the arguments as "$@") for anything else.
 */
async function fakeBwrap(name: string, onRun: string): Promise<string> {
  const path = join(root, name);
  await writeFile(
    path,
    [
      '#!/bin/sh',
      'if [ "$1" = "--version" ]; then echo "bubblewrap 0.8.0"; exit 0; fi',
      'if [ "$1" = "--help" ]; then printf "usage: bwrap\\n    --perms OCTAL   Set permissions\\n    --proc DEST  Mount procfs\\n"; exit 0; fi',
      onRun,
      '',
    ].join('\n'),
  );
  await chmod(path, 0o755);
  return path;
}


describe('detectBubblewrap', () => {
  it('finds bwrap on PATH, reads its version and options, and proves it works', async (t) => {
    // .ci/run installs bubblewrap: its absence is a broken setup, not a reason to skip.
    requireProgram('bwrap');
    const support = await detectBubblewrap();
    assert.ok(support.available, `bwrap cannot sandbox here: ${support.available ? '' : support.reason}`);
    assert.match(support.path, /\/bwrap$/);
    assert.match(support.version ?? '', /^\d+\.\d+/);
    assert.equal(support.features.perms, true);
    // `--argv0` arrived in bubblewrap 0.9; the detection must not assume it.
    const [major, minor] = (support.version ?? '0.0').split('.').map(Number) as [number, number];
    assert.equal(support.features.argv0, major > 0 || minor >= 9);
  });

  it('says how to install bubblewrap or point at one when it is not on PATH', async () => {
    const support = await detectBubblewrap({ env: { PATH: join(root, 'nowhere') } });
    assert.equal(support.available, false);
    assert.equal(
      support.available ? '' : support.reason,
      'bubblewrap (bwrap) was not found on PATH; to sandbox commands, install bubblewrap (e.g. `apt-get install ' +
        'bubblewrap`), or point `bwrap_path` in config.toml or the CODEX_BWRAP_PATH environment variable at a bwrap executable',
    );
  });

  it('uses a configured bwrap instead of looking on PATH', async () => {
    requireProgram('bwrap');
    const system = spawnSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).stdout.trim();
    const configured = { path: system, source: 'the test' };
    const support = await detectBubblewrap({ env: { PATH: join(root, 'nowhere') }, configured });
    assert.ok(support.available, support.available ? '' : support.reason);
    assert.equal(support.path, system);
    // A configured path that does not work is reported as such, not replaced by the one on PATH.
    const missing = await detectBubblewrap({ configured: { path: join(root, 'missing-bwrap'), source: 'the test' } });
    assert.equal(missing.available, false);
    assert.match(missing.available ? '' : missing.reason, /missing-bwrap\) is not an absolute path to an executable file/);
  });

  it('rejects a configured path that is not an absolute path to an executable file', async () => {
    const path = join(root, 'not-executable');
    await writeFile(path, '');
    for (const candidate of [path, 'bwrap']) {
      const support = await detectBubblewrap({ configured: { path: candidate, source: '`bwrap_path` in config.toml' } });
      assert.equal(support.available, false);
      assert.match(
        support.available ? '' : support.reason,
        new RegExp(`^the bubblewrap set by \`bwrap_path\` in config.toml \\(${candidate}\\) is not an absolute path to an executable file; to sandbox commands, install bubblewrap`),
      );
    }
  });

  it('reports bwrap’s own complaint when it cannot create namespaces', async () => {
    const path = await fakeBwrap(
      'no-userns',
      'echo "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces" >&2; exit 1',
    );
    const support = await detectBubblewrap({ configured: { path, source: 'the test' } });
    assert.equal(support.available, false);
    assert.equal(
      support.available ? '' : support.reason,
      `bubblewrap at ${path} cannot create the sandbox here: bwrap: No permissions to creating new namespace, likely ` +
        'because the kernel does not allow non-privileged user namespaces; this host (and container) must allow ' +
        'unprivileged user namespaces: in a container, run it with `--security-opt seccomp=unconfined ' +
        '--security-opt apparmor=unconfined` (compose: `-f deploy/compose.bubblewrap.yaml`), allow them on the host ' +
        '(`sysctl kernel.unprivileged_userns_clone=1`; Ubuntu 24.04+: `kernel.apparmor_restrict_unprivileged_userns=0`), ' +
        'or let the container be the sandbox with `sandbox_mode = "danger-full-access"` (docs/deployment.md)',
    );
  });

  it('drops --proc when the container refuses a fresh procfs', async () => {
    const path = await fakeBwrap(
      'no-proc',
      [
        'for arg in "$@"; do',
        '  if [ "$arg" = "--proc" ]; then echo "bwrap: Can\'t mount proc on /newroot/proc: Invalid argument" >&2; exit 1; fi',
        'done',
        'exit 0',
      ].join('\n'),
    );
    const support = await detectBubblewrap({ configured: { path, source: 'the test' } });
    assert.equal(support.available, true);
    assert.deepEqual(support.available ? support.features : null, { perms: true, argv0: false, mountProc: false });
    assert.equal(support.available ? support.version : null, '0.8.0');
  });

  it('probes with the flags real commands use', async () => {
    const log = join(root, 'probe-args');
    const path = await fakeBwrap('logging', `printf '%s\\n' "$@" > ${log}; exit 0`);
    const support = await detectBubblewrap({ configured: { path, source: 'the test' } });
    assert.equal(support.available, true);
    const args = (await readFile(log, 'utf8')).trim().split('\n');
    for (const flag of ['--ro-bind', '--dev', '--unshare-user', '--unshare-pid', '--unshare-net', '--proc', '--cap-drop']) {
      assert.ok(args.includes(flag), `probe lacks ${flag}: ${args.join(' ')}`);
    }
    assert.match(args.at(-1) ?? '', /\/true$/);
  });
});
