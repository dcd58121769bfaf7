import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import {
  FULL_ACCESS,
  call,
  deltasOf,
  errorOf,
  resultOf,
  responseTo,
  startExec,
  startExecRig,
  workdir,
} from './exec-rig.js';

/**
 * `command/exec` without streaming (docs/protocol.md#standalone-commands): one deferred response with the whole output.
 */
describe('command/exec, buffered', () => {
  it('answers with the exit code and both outputs once the process exited', async (t) => {
    const { client } = await startExecRig(t);
    const response = await call(client, 'command/exec', {
      command: ['sh', '-c', 'echo out; echo err >&2; exit 3'],
      sandboxPolicy: FULL_ACCESS,
    });
    assert.deepEqual(resultOf(response), { exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    assert.equal(client.received.filter((m) => m.method === 'command/exec/outputDelta').length, 0);
  });

  it('runs in the requested cwd with the server environment plus overrides, null unsetting a variable', async (t) => {
    const { client } = await startExecRig(t);
    const cwd = await workdir(t);
    const response = await call(client, 'command/exec', {
      command: ['sh', '-c', 'pwd; echo "$FOO"; echo "${HOME-unset}"; echo "$CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS"'],
      cwd,
      env: { FOO: 'bar', HOME: null },
      sandboxPolicy: FULL_ACCESS,
    });
    assert.deepEqual(resultOf(response), { exitCode: 0, stdout: `${cwd}\nbar\nunset\n1\n`, stderr: '' });
  });

  it('keeps at most outputBytesCap bytes of each stream', async (t) => {
    const { client } = await startExecRig(t);
    const response = await call(client, 'command/exec', {
      command: ['sh', '-c', 'printf %0100d 0; printf %050d 0 >&2'],
      outputBytesCap: 10,
      sandboxPolicy: FULL_ACCESS,
    });
    assert.deepEqual(resultOf(response), { exitCode: 0, stdout: '0'.repeat(10), stderr: '0'.repeat(10) });
  });

  it('kills a command at its timeout and reports exit code 124 with the output so far', async (t) => {
    const { client } = await startExecRig(t);
    const started = Date.now();
    const response = await call(client, 'command/exec', {
      command: ['sh', '-c', 'echo started; exec sleep 30'],
      timeoutMs: 300,
      sandboxPolicy: FULL_ACCESS,
    });
    assert.deepEqual(resultOf(response), { exitCode: 124, stdout: 'started\n', stderr: '' });
    assert.ok(Date.now() - started < 10_000, 'the timeout, not the command, ended it');
  });

  it('does not hold the connection: other requests are answered while a command runs', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'slow', { command: ['sleep', '30'], processId: 'slow', sandboxPolicy: FULL_ACCESS });
    const listed = await call(client, 'thread/loaded/list', {});
    assert.deepEqual(resultOf(listed), { data: [], nextCursor: null });
    assert.deepEqual(resultOf(await call(client, 'command/exec/terminate', { processId: 'slow' })), {});
    assert.equal(resultOf(await responseTo(client, 'slow')).exitCode, 137);
  });

  it('refuses bad requests with the reference texts and codes', async (t) => {
    const { client } = await startExecRig(t);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ command: [] }, -32600, 'command must not be empty'],
      [
        { command: ['true'], sandboxPolicy: FULL_ACCESS, permissionProfile: ':read-only' },
        -32600,
        '`permissionProfile` cannot be combined with `sandboxPolicy`',
      ],
      [{ command: ['true'], size: { rows: 5, cols: 5 } }, -32602, 'command/exec size requires tty: true'],
      [
        { command: ['true'], outputBytesCap: 1, disableOutputCap: true },
        -32602,
        'command/exec cannot set both outputBytesCap and disableOutputCap',
      ],
      [
        { command: ['true'], timeoutMs: 1, disableTimeout: true },
        -32602,
        'command/exec cannot set both timeoutMs and disableTimeout',
      ],
      [{ command: ['true'], timeoutMs: -5 }, -32602, 'command/exec timeoutMs must be non-negative, got -5'],
      [
        { command: ['true'], tty: true, processId: 'p', size: { rows: 0, cols: 5 } },
        -32602,
        'command/exec size rows and cols must be greater than 0',
      ],
      [
        { command: ['cat'], streamStdin: true, sandboxPolicy: FULL_ACCESS },
        -32600,
        'command/exec tty or streaming requires a client-supplied processId',
      ],
      [
        { command: ['no-such-program-here'], sandboxPolicy: FULL_ACCESS },
        -32603,
        'failed to spawn command: No such file or directory (os error 2)',
      ],
      [
        { command: ['true'], cwd: '/no/such/dir', sandboxPolicy: FULL_ACCESS },
        -32603,
        'failed to spawn command: No such file or directory (os error 2)',
      ],
      [
        { command: ['true'], permissionProfile: ':nope' },
        -32600,
        'invalid permission profile: default_permissions refers to unknown built-in profile `:nope`',
      ],
      [
        { command: ['true'], permissionProfile: 'dev' },
        -32600,
        'invalid permission profile: default_permissions requires a `[permissions]` table',
      ],
      [{ command: 'true' }, -32600, 'Invalid request: invalid type: string "true", expected a sequence'],
    ];
    for (const [params, code, message] of cases) {
      const error = errorOf(await call(client, 'command/exec', params));
      assert.deepEqual({ code: error.code, message: error.message }, { code, message }, JSON.stringify(params));
    }
  });

  it('refuses a second running process with the same id, and frees the id once it exited', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'first', { command: ['sleep', '30'], processId: 'dup', sandboxPolicy: FULL_ACCESS });
    const duplicate = errorOf(await call(client, 'command/exec', { command: ['true'], processId: 'dup', sandboxPolicy: FULL_ACCESS }));
    assert.deepEqual(duplicate, { code: -32600, message: 'duplicate active command/exec process id: "dup"' });
    await call(client, 'command/exec/terminate', { processId: 'dup' });
    await responseTo(client, 'first');
    const again = await call(client, 'command/exec', { command: ['true'], processId: 'dup', sandboxPolicy: FULL_ACCESS });
    assert.deepEqual(resultOf(again), { exitCode: 0, stdout: '', stderr: '' });
    assert.deepEqual(deltasOf(client, 'dup'), []);
  });

  it('gates permissionProfile behind the experimental API', async (t) => {
    const { server } = await startExecRig(t);
    const plain = await RpcTestClient.connect(server.url);
    t.after(() => plain.close());
    await plain.initialize(null);
    const error = errorOf(await call(plain, 'command/exec', { command: ['true'], permissionProfile: ':read-only' }));
    assert.deepEqual(error, { code: -32600, message: 'command/exec.permissionProfile requires experimentalApi capability' });
  });
});
