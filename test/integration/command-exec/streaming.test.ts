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

/** Streaming output and stdin of `command/exec` (docs/protocol.md#standalone-commands). */
describe('command/exec, streaming', () => {
  it('streams stdout and stderr as deltas, all before a response that repeats none of it', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'run', {
      command: ['sh', '-c', 'echo one; echo two >&2; echo three'],
      processId: 'p1',
      streamStdoutStderr: true,
      sandboxPolicy: FULL_ACCESS,
    });
    const response = await responseTo(client, 'run');
    assert.deepEqual(resultOf(response), { exitCode: 0, stdout: '', stderr: '' });
    assert.equal(streamedText(client, 'p1', 'stdout'), 'one\nthree\n');
    assert.equal(streamedText(client, 'p1', 'stderr'), 'two\n');
    const responseIndex = client.received.indexOf(response);
    assert.ok(deltasOf(client, 'p1').every((delta) => delta.index < responseIndex && !delta.capReached));
  });

  it('marks the chunk that reaches outputBytesCap and drops the rest of that stream', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'capped', {
      command: ['sh', '-c', 'printf 01234; sleep 0.1; printf 56789abc; sleep 0.1; printf more; echo err >&2'],
      processId: 'cap',
      streamStdoutStderr: true,
      outputBytesCap: 10,
      sandboxPolicy: FULL_ACCESS,
    });
    await responseTo(client, 'capped');
    const stdout = deltasOf(client, 'cap').filter((delta) => delta.stream === 'stdout');
    assert.equal(stdout.map((delta) => delta.text).join(''), '0123456789');
    assert.equal(stdout.at(-1)?.capReached, true);
    assert.ok(stdout.slice(0, -1).every((delta) => !delta.capReached));
    // The other stream has its own budget.
    assert.equal(streamedText(client, 'cap', 'stderr'), 'err\n');
  });

  it('writes stdin as it comes and closes it on request', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'cat', {
      command: ['cat'],
      processId: 'cat',
      streamStdin: true,
      streamStdoutStderr: true,
      sandboxPolicy: FULL_ACCESS,
    });
    assert.deepEqual(resultOf(await call(client, 'command/exec/write', { processId: 'cat', deltaBase64: b64('hello\n') })), {});
    await waitForOutput(client, 'cat', /^hello\n$/);
    const last = await call(client, 'command/exec/write', { processId: 'cat', deltaBase64: b64('bye\n'), closeStdin: true });
    assert.deepEqual(resultOf(last), {});
    assert.deepEqual(resultOf(await responseTo(client, 'cat')), { exitCode: 0, stdout: '', stderr: '' });
    assert.equal(streamedText(client, 'cat'), 'hello\nbye\n');
    const afterExit = errorOf(await call(client, 'command/exec/write', { processId: 'cat', deltaBase64: b64('x') }));
    assert.deepEqual(afterExit, { code: -32600, message: 'no active command/exec for process id "cat"' });
  });

  it('returns buffered output of a process fed through stdin when only stdin is streamed', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'sort', { command: ['sort'], processId: 'sort', streamStdin: true, sandboxPolicy: FULL_ACCESS });
    await call(client, 'command/exec/write', { processId: 'sort', deltaBase64: b64('b\na\n') });
    await call(client, 'command/exec/write', { processId: 'sort', closeStdin: true });
    assert.deepEqual(resultOf(await responseTo(client, 'sort')), { exitCode: 0, stdout: 'a\nb\n', stderr: '' });
  });

  it('refuses writes the process cannot take, with the reference texts', async (t) => {
    const { client } = await startExecRig(t);
    startExec(client, 'nostdin', { command: ['sleep', '30'], processId: 'sleeper', sandboxPolicy: FULL_ACCESS });
    startExec(client, 'open', {
      command: ['sh', '-c', 'exec sleep 30'],
      processId: 'open',
      streamStdin: true,
      sandboxPolicy: FULL_ACCESS,
    });
    const write = (params: Record<string, unknown>) => call(client, 'command/exec/write', params);
    assert.deepEqual(errorOf(await write({ processId: 'sleeper', deltaBase64: b64('x') })), {
      code: -32600,
      message: 'stdin streaming is not enabled for this command/exec',
    });
    assert.deepEqual(errorOf(await write({ processId: 'open' })), {
      code: -32602,
      message: 'command/exec/write requires deltaBase64 or closeStdin',
    });
    assert.deepEqual(errorOf(await write({ processId: 'open', deltaBase64: 'YQ' })), {
      code: -32602,
      message: 'invalid deltaBase64: Invalid padding',
    });
    assert.deepEqual(errorOf(await write({ processId: 'open', deltaBase64: 'ab=c' })), {
      code: -32602,
      message: 'invalid deltaBase64: Invalid symbol 61, offset 2.',
    });
    assert.deepEqual(resultOf(await write({ processId: 'open', closeStdin: true })), {});
    // Closing twice is harmless; writing after closing is not.
    assert.deepEqual(resultOf(await write({ processId: 'open', closeStdin: true })), {});
    assert.deepEqual(errorOf(await write({ processId: 'open', deltaBase64: b64('late') })), {
      code: -32600,
      message: 'stdin is already closed',
    });
    for (const id of ['sleeper', 'open']) await call(client, 'command/exec/terminate', { processId: id });
    await Promise.all([responseTo(client, 'nostdin'), responseTo(client, 'open')]);
  });
});
