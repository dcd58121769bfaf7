import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FULL_ACCESS,
  call,
  errorOf,
  resultOf,
  responseTo,
  startExec,
  startExecRig,
  waitForOutput,
  waitUntilGone,
} from './exec-rig.js';

/** A shell that reports its pid and its background child's, then waits: the process tree of the tests below. */
const SHELL_WITH_CHILD = ['sh', '-c', 'sleep 60 & echo "$$ $!"; wait'];

async function pidsOf(client: Parameters<typeof waitForOutput>[0], processId: string): Promise<number[]> {
  const match = await waitForOutput(client, processId, /^(\d+) (\d+)\n/);
  return [Number(match[1]), Number(match[2])];
}

/** Ending `command/exec` processes: terminate, timeout, the connection's end (docs/protocol.md#standalone-commands). */
describe('command/exec, lifecycle', () => {
  it('terminate kills the whole process group and the command reports 137', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'tree', { command: SHELL_WITH_CHILD, processId: 'tree', streamStdoutStderr: true, sandboxPolicy: FULL_ACCESS });
    const pids = await pidsOf(client, 'tree');
    assert.deepEqual(resultOf(await call(client, 'command/exec/terminate', { processId: 'tree' })), {});
    assert.deepEqual(resultOf(await responseTo(client, 'tree')), { exitCode: 137, stdout: '', stderr: '' });
    await waitUntilGone(pids);
    const again = errorOf(await call(client, 'command/exec/terminate', { processId: 'tree' }));
    assert.deepEqual(again, { code: -32600, message: 'no active command/exec for process id "tree"' });
  });

  it('a streaming command that times out reports 124 after its output, its children killed too', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'slow', {
      command: SHELL_WITH_CHILD,
      processId: 'slow',
      streamStdoutStderr: true,
      timeoutMs: 500,
      sandboxPolicy: FULL_ACCESS,
    });
    const pids = await pidsOf(client, 'slow');
    assert.deepEqual(resultOf(await responseTo(client, 'slow')), { exitCode: 124, stdout: '', stderr: '' });
    await waitUntilGone(pids);
  });

  it('a background process does not outlive its command', async (t) => {
    const { client } = await startExecRig(t);
    const response = await call(client, 'command/exec', {
      command: ['sh', '-c', 'sleep 60 >/dev/null 2>&1 & echo $!'],
      sandboxPolicy: FULL_ACCESS,
    });
    const { exitCode, stdout } = resultOf(response);
    assert.equal(exitCode, 0);
    await waitUntilGone([Number(String(stdout).trim())]);
  });

  it('closing the connection kills its processes, process group and all', async (t) => {
    const { client, connect } = await startExecRig(t);
    startExec(client, 'tree', { command: SHELL_WITH_CHILD, processId: 'tree', streamStdoutStderr: true, sandboxPolicy: FULL_ACCESS });
    startExec(client, 'term', { command: ['sh', '-c', 'echo "$$ $$"; exec sleep 60'], processId: 'term', tty: true, sandboxPolicy: FULL_ACCESS });
    const pids = [...(await pidsOf(client, 'tree')), ...(await waitForOutput(client, 'term', /^(\d+)/)).slice(1).map(Number)];
    // Another connection's processes are its own: it cannot see these.
    const other = await connect();
    const foreign = errorOf(await call(other, 'command/exec/terminate', { processId: 'tree' }));
    assert.deepEqual(foreign, { code: -32600, message: 'no active command/exec for process id "tree"' });
    await client.close();
    await waitUntilGone(pids);
  });

  it('answers controls of unknown processes with the reference error', async (t) => {
    const { client } = await startExecRig(t);
    const unknown = { code: -32600, message: 'no active command/exec for process id "nope"' };
    assert.deepEqual(errorOf(await call(client, 'command/exec/write', { processId: 'nope', deltaBase64: 'aGkK' })), unknown);
    assert.deepEqual(errorOf(await call(client, 'command/exec/resize', { processId: 'nope', size: { rows: 1, cols: 1 } })), unknown);
    assert.deepEqual(errorOf(await call(client, 'command/exec/terminate', { processId: 'nope' })), unknown);
  });
});
