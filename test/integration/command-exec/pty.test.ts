import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FULL_ACCESS,
  b64,
  call,
  deltasOf,
  errorOf,
  resultOf,
  responseTo,
  startExec,
  startExecRig,
  streamedText,
  waitForOutput,
} from './exec-rig.js';

/**
 * `command/exec` with `tty` (docs/protocol.md#standalone-commands): a pseudo-terminal that streams, takes input and can
 * be resized.
 */
describe('command/exec, tty', () => {
  it('runs an interactive session on a terminal of the requested size, and follows a resize', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'term', {
      command: ['sh', '-c', 'stty size; test -t 0 && echo tty; read line; stty size; echo "got $line"'],
      processId: 'term',
      tty: true,
      size: { rows: 10, cols: 40 },
      sandboxPolicy: FULL_ACCESS,
    });
    await waitForOutput(client, 'term', /10 40\r\ntty\r\n/);
    assert.deepEqual(resultOf(await call(client, 'command/exec/resize', { processId: 'term', size: { rows: 33, cols: 77 } })), {});
    assert.deepEqual(resultOf(await call(client, 'command/exec/write', { processId: 'term', deltaBase64: b64('hello\n') })), {});
    assert.deepEqual(resultOf(await responseTo(client, 'term')), { exitCode: 0, stdout: '', stderr: '' });
    // The terminal echoes the input; its output has CRLF line ends and is all on stdout.
    assert.match(streamedText(client, 'term'), /hello\r\n33 77\r\ngot hello\r\n$/);
    assert.ok(deltasOf(client, 'term').every((delta) => delta.stream === 'stdout'));
  });

  it('starts at 24x80 when no size is given', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'size', { command: ['stty', 'size'], processId: 'size', tty: true, sandboxPolicy: FULL_ACCESS });
    assert.equal(resultOf(await responseTo(client, 'size')).exitCode, 0);
    assert.equal(streamedText(client, 'size'), '24 80\r\n');
  });

  it('ends the input of a terminal program on closeStdin', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'cat', { command: ['cat'], processId: 'cat', tty: true, sandboxPolicy: FULL_ACCESS });
    await call(client, 'command/exec/write', { processId: 'cat', deltaBase64: b64('abc\n'), closeStdin: true });
    assert.deepEqual(resultOf(await responseTo(client, 'cat')), { exitCode: 0, stdout: '', stderr: '' });
    assert.match(streamedText(client, 'cat'), /abc\r\n/);
  });

  it('reports a signal death as 1, as the reference does for terminal processes', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'sleep', { command: ['sleep', '30'], processId: 'sleep', tty: true, sandboxPolicy: FULL_ACCESS });
    assert.deepEqual(resultOf(await call(client, 'command/exec/terminate', { processId: 'sleep' })), {});
    assert.deepEqual(resultOf(await responseTo(client, 'sleep')), { exitCode: 1, stdout: '', stderr: '' });
  });

  it('refuses to resize a process that has no terminal, and a program that is not on PATH', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'pipe', { command: ['sleep', '30'], processId: 'pipe', sandboxPolicy: FULL_ACCESS });
    const resize = errorOf(await call(client, 'command/exec/resize', { processId: 'pipe', size: { rows: 5, cols: 5 } }));
    assert.deepEqual(resize, { code: -32600, message: 'failed to resize PTY: process is not attached to a PTY' });
    await call(client, 'command/exec/terminate', { processId: 'pipe' });
    await responseTo(client, 'pipe');

    const missing = errorOf(
      await call(client, 'command/exec', {
        command: ['no-such-program-here'],
        processId: 'missing',
        tty: true,
        env: { PATH: '/nonexistent-bin' },
        sandboxPolicy: FULL_ACCESS,
      }),
    );
    assert.deepEqual(missing, {
      code: -32603,
      message:
        'failed to spawn command: Unable to spawn no-such-program-here because:\nNo viable candidates found in PATH "/nonexistent-bin"',
    });
  });
});
