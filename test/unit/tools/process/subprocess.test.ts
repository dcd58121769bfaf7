import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawnPipeProcess } from '../../../../src/tools/process/pipe-process.js';
import { spawnPtyProcess } from '../../../../src/tools/process/pty-process.js';
import { NotATerminalError, shellExitStatus, type Subprocess } from '../../../../src/tools/process/subprocess.js';

const SPEC = { cwd: process.cwd(), env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } };
const BOUND_MS = 10_000;

/** Everything a process writes, per stream, until its output closes; bounded. */
async function collect(child: Subprocess): Promise<{ stdout: string; stderr: string }> {
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  child.onOutput((stream, chunk) => chunks[stream].push(chunk));
  await bounded(child.outputClosed);
  return { stdout: Buffer.concat(chunks.stdout).toString(), stderr: Buffer.concat(chunks.stderr).toString() };
}

async function bounded<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${BOUND_MS} ms`)), BOUND_MS);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

describe('spawnPipeProcess', () => {
  it('keeps stdout and stderr apart and reports the exit code', async () => {
    const child = await spawnPipeProcess({ ...SPEC, file: 'sh', args: ['-c', 'echo out; echo err >&2; exit 3'] }, { stdin: false });
    assert.equal(child.terminal, false);
    assert.equal(child.hasStdin, false);
    assert.deepEqual(await collect(child), { stdout: 'out\n', stderr: 'err\n' });
    assert.deepEqual(await bounded(child.exited), { code: 3, signal: null });
  });

  it('streams stdin when asked to, and ends it on closeStdin', async () => {
    const child = await spawnPipeProcess({ ...SPEC, file: 'cat', args: [] }, { stdin: true });
    assert.equal(child.hasStdin, true);
    const output = collect(child);
    await child.writeStdin('abc');
    await child.writeStdin(Buffer.from('def'));
    child.closeStdin();
    assert.equal((await output).stdout, 'abcdef');
    assert.equal(shellExitStatus(await bounded(child.exited)), 0);
    // Writing after the end is no error: nothing is written.
    await child.writeStdin('late');
  });

  it('cannot be resized', async () => {
    const child = await spawnPipeProcess({ ...SPEC, file: 'true', args: [] }, { stdin: false });
    assert.throws(() => child.resize({ rows: 10, cols: 10 }), NotATerminalError);
    await bounded(child.exited);
  });

  it('kills the whole group and numbers the signal death as a shell does (128 + 9)', async () => {
    const child = await spawnPipeProcess({ ...SPEC, file: 'sh', args: ['-c', 'sleep 30 & wait'] }, { stdin: false });
    child.killGroup();
    const exit = await bounded(child.exited);
    assert.deepEqual(exit, { code: null, signal: 9 });
    assert.equal(shellExitStatus(exit), 137);
    // The background sleep died with its group, so the pipes close.
    await bounded(child.outputClosed);
  });

  it('rejects with the spawn error for a missing program', async () => {
    await assert.rejects(spawnPipeProcess({ ...SPEC, file: '/nonexistent/program', args: [] }, { stdin: false }), {
      code: 'ENOENT',
    });
  });
});

describe('spawnPtyProcess', () => {
  it('runs on a terminal of the given size, with stdin open and output as stdout', async () => {
    const child = await spawnPtyProcess(
      { ...SPEC, file: 'sh', args: ['-c', 'stty size; test -t 0 && echo tty'] },
      { size: { rows: 33, cols: 77 }, defaultTerm: 'dumb' },
    );
    assert.equal(child.terminal, true);
    assert.equal(child.hasStdin, true);
    const { stdout, stderr } = await collect(child);
    assert.equal(stdout, '33 77\r\ntty\r\n');
    assert.equal(stderr, '');
    assert.deepEqual(await bounded(child.exited), { code: 0, signal: null });
  });

  it('resizes, and ends a reading program on closeStdin (newline and ^D)', async () => {
    const child = await spawnPtyProcess(
      { ...SPEC, file: 'sh', args: ['-c', 'read line; stty size; cat'] },
      { size: { rows: 24, cols: 80 }, defaultTerm: 'dumb' },
    );
    const output = collect(child);
    child.resize({ rows: 40, cols: 100 });
    await child.writeStdin('go\n');
    child.closeStdin();
    assert.match((await output).stdout, /40 100\r\n/);
    assert.equal(shellExitStatus(await bounded(child.exited)), 0);
  });

  it('reports a signal death by its number', async () => {
    const child = await spawnPtyProcess({ ...SPEC, file: 'sleep', args: ['30'] }, { size: { rows: 24, cols: 80 }, defaultTerm: 'dumb' });
    child.killGroup();
    const exit = await bounded(child.exited);
    assert.deepEqual(exit, { code: null, signal: 9 });
  });
});
