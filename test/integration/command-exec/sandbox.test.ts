import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { detectBubblewrap } from '../../../src/tools/sandbox/detect-bubblewrap.js';
import { call, resultOf, startExecRig, workdir } from './exec-rig.js';
import { requireWorkingBubblewrap } from '../../helpers/prerequisites.js';

/** `command/exec` under a sandbox policy (enforced with bubblewrap, like the model's commands). */
describe('command/exec, sandbox', () => {
  let skip: string | false = false;
  before(async () => {
    const support = await detectBubblewrap();
    skip = support.available ? false : support.reason;
  });

  it('refuses a write under readOnly and marks the network as disabled', async (t) => {
    await requireWorkingBubblewrap();
    if (skip) assert.fail(`bubblewrap must work here (.ci/run installs it): ${skip}`);
    const { client } = await startExecRig(t);
    const cwd = await workdir(t);
    const response = await call(client, 'command/exec', {
      command: ['sh', '-c', 'echo "net=$CODEX_SANDBOX_NETWORK_DISABLED"; echo data > written.txt'],
      cwd,
      sandboxPolicy: { type: 'readOnly' },
    });
    const result = resultOf(response);
    assert.notEqual(result.exitCode, 0);
    assert.equal(result.stdout, 'net=1\n');
    assert.match(String(result.stderr), /Read-only file system/);
    assert.equal(existsSync(join(cwd, 'written.txt')), false);
  });

  it('allows writes in a writable root under workspaceWrite', async (t) => {
    await requireWorkingBubblewrap();
    if (skip) assert.fail(`bubblewrap must work here (.ci/run installs it): ${skip}`);
    const { client } = await startExecRig(t);
    const cwd = await workdir(t);
    const response = await call(client, 'command/exec', {
      command: ['sh', '-c', 'echo data > written.txt && cat written.txt'],
      cwd,
      sandboxPolicy: { type: 'workspaceWrite', writableRoots: [cwd] },
    });
    assert.deepEqual(resultOf(response), { exitCode: 0, stdout: 'data\n', stderr: '' });
  });

  it('uses the configured sandbox when the request names none: read-only by default', async (t) => {
    await requireWorkingBubblewrap();
    if (skip) assert.fail(`bubblewrap must work here (.ci/run installs it): ${skip}`);
    const { client } = await startExecRig(t);
    const cwd = await workdir(t);
    const result = resultOf(await call(client, 'command/exec', { command: ['sh', '-c', 'echo data > written.txt'], cwd }));
    assert.notEqual(result.exitCode, 0);
    assert.equal(existsSync(join(cwd, 'written.txt')), false);
  });

  it('runs unsandboxed when config.toml says danger-full-access', async (t) => {
    const { client } = await startExecRig(t, 'sandbox_mode = "danger-full-access"\n');
    const cwd = await workdir(t);
    const result = resultOf(
      await call(client, 'command/exec', { command: ['sh', '-c', 'echo "${CODEX_SANDBOX_NETWORK_DISABLED-unset}" > written.txt; cat written.txt'], cwd }),
    );
    assert.deepEqual(result, { exitCode: 0, stdout: 'unset\n', stderr: '' });
  });
});
