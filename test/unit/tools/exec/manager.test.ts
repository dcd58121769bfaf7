import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { UnifiedExecError } from '../../../../src/tools/exec/errors.js';
import type { ExecExited } from '../../../../src/tools/exec/manager.js';
import { sh, startManager } from './exec-harness.js';

const cwd = tmpdir();

function errorOf(error: unknown): UnifiedExecError {
  assert.ok(error instanceof UnifiedExecError, String(error));
  return error;
}

describe('UnifiedExecManager exec_command', () => {
  it('returns the output and exit code of a command that ends within the window', async (t) => {
    const manager = startManager(t);
    const exits: ExecExited[] = [];
    const result = await manager.execCommand({
      argv: sh('echo hello'),
      cwd,
      yieldTimeMs: 250,
      callId: 'call_1',
      onExit: (e) => exits.push(e),
    });
    assert.equal(result.running, false);
    assert.equal(result.exitCode, 0);
    assert.equal(result.output, 'hello\n');
    assert.equal(result.aggregatedOutput, 'hello\n');
    assert.equal(result.callId, 'call_1');
    assert.ok(result.processId >= 1000 && result.processId < 100_000);
    assert.match(
      result.text,
      /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 0\nOriginal token count: 2\nOutput:\nhello\n$/,
    );
    // The exit is reported before the call returns, with the same facts.
    assert.equal(exits.length, 1);
    assert.equal(exits[0]?.exitCode, 0);
    assert.equal(exits[0]?.processId, result.processId);
    assert.equal(exits[0]?.aggregatedOutput, 'hello\n');
    assert.equal(manager.sessionCount, 0);
  });

  it('merges stderr into the output', async (t) => {
    const manager = startManager(t);
    const result = await manager.execCommand({ argv: sh('echo out; echo err 1>&2'), cwd, yieldTimeMs: 250 });
    assert.equal(result.output, 'out\nerr\n');
  });

  it('reports a non-zero exit code, and 128 + signal for a killed shell', async (t) => {
    const manager = startManager(t);
    const failed = await manager.execCommand({ argv: sh('exit 3'), cwd, yieldTimeMs: 250 });
    assert.equal(failed.exitCode, 3);
    assert.match(failed.text, /\nProcess exited with code 3\n/);
    const killed = await manager.execCommand({ argv: sh('kill -9 $$'), cwd, yieldTimeMs: 250 });
    assert.equal(killed.exitCode, 137);
  });

  it('turns a command that outlives the window into a session polled with write_stdin until it exits', async (t) => {
    const manager = startManager(t);
    const outputs: string[] = [];
    const exits: ExecExited[] = [];
    const started = await manager.execCommand({
      argv: sh('echo first; sleep 1; echo second'),
      cwd,
      yieldTimeMs: 250,
      onOutput: (chunk) => outputs.push(chunk),
      onExit: (e) => exits.push(e),
    });
    assert.equal(started.running, true);
    assert.equal(started.exitCode, null);
    assert.equal(started.output, 'first\n');
    assert.match(
      started.text,
      new RegExp(
        `\\nProcess running with session ID ${started.processId}\\nOriginal token count: 2\\nOutput:\\nfirst\\n$`,
      ),
    );
    assert.doesNotMatch(started.text, /exited/);
    assert.equal(manager.sessionCount, 1);

    // An empty poll waits up to 5 s at least, but returns as soon as the process has exited.
    const polled = await manager.writeStdin({ sessionId: started.processId, chars: '', yieldTimeMs: 250 });
    assert.equal(polled.running, false);
    assert.equal(polled.exitCode, 0);
    assert.equal(polled.output, 'second\n');
    assert.equal(polled.aggregatedOutput, 'first\nsecond\n');
    assert.ok(polled.durationMs !== null && polled.durationMs >= 500, String(polled.durationMs));
    assert.match(polled.text, /\nProcess exited with code 0\nOriginal token count: 2\nOutput:\nsecond\n$/);
    assert.equal(outputs.join(''), 'first\nsecond\n');
    assert.equal(exits.length, 1);
    assert.equal(manager.sessionCount, 0);

    // A finished session is forgotten: the reference's error text.
    await assert.rejects(manager.writeStdin({ sessionId: started.processId }), (error) => {
      assert.equal(
        errorOf(error).modelText('write_stdin'),
        `write_stdin failed: Unknown process id ${started.processId}`,
      );
      return true;
    });
  });

  it('answers an unknown session id with the reference error', async (t) => {
    const manager = startManager(t);
    await assert.rejects(manager.writeStdin({ sessionId: 999_999, chars: 'x' }), (error) => {
      assert.equal(errorOf(error).modelText('write_stdin'), 'write_stdin failed: Unknown process id 999999');
      return true;
    });
  });

  it('refuses input to a session without a terminal: its stdin is closed', async (t) => {
    const manager = startManager(t);
    const started = await manager.execCommand({ argv: sh('sleep 30'), cwd, yieldTimeMs: 250 });
    assert.equal(started.running, true);
    await assert.rejects(manager.writeStdin({ sessionId: started.processId, chars: 'hi\n' }), (error) => {
      assert.equal(
        errorOf(error).modelText('write_stdin'),
        'write_stdin failed: stdin is closed for this session; rerun exec_command with tty=true to keep stdin open',
      );
      return true;
    });
  });

  it('truncates long output in the middle to max_output_tokens', async (t) => {
    const manager = startManager(t);
    const result = await manager.execCommand({ argv: sh('seq 1 2000'), cwd, yieldTimeMs: 250, maxOutputTokens: 20 });
    assert.match(
      result.text,
      /\nOriginal token count: 2224\nOutput:\nWarning: truncated output \(original token count: 2224\)\nTotal output lines: 2000\n\n1\n2\n[\s\S]*\n16\n1…2204 tokens truncated…1993\n[\s\S]*\n2000\n$/,
    );
    // The item still gets everything.
    assert.equal(result.aggregatedOutput.split('\n').length, 2001);
  });

  it('decodes a UTF-8 character split across writes without mangling it', async (t) => {
    const manager = startManager(t);
    const chunks: string[] = [];
    const result = await manager.execCommand({
      argv: sh("printf '\\342\\202'; sleep 0.2; printf '\\254 ok\\n'"),
      cwd,
      yieldTimeMs: 2_000,
      onOutput: (chunk) => chunks.push(chunk),
    });
    assert.equal(result.output, '€ ok\n');
    assert.equal(chunks.join(''), '€ ok\n');
    assert.ok(chunks.every((chunk) => !chunk.includes('\uFFFD')));
  });

  it('runs in the given directory, with the unified-exec environment', async (t) => {
    const manager = startManager(t, { threadId: 'thread-1' });
    const result = await manager.execCommand({
      argv: sh('pwd; echo "$TERM $NO_COLOR $PAGER $CODEX_THREAD_ID $CODEX_TOOL_CALL_ID"'),
      cwd: '/',
      yieldTimeMs: 250,
      callId: 'call_9',
    });
    assert.equal(result.output, '/\ndumb 1 cat thread-1 call_9\n');
  });

  it('fails to start in a missing directory with the reference error', async (t) => {
    const manager = startManager(t);
    await assert.rejects(manager.execCommand({ argv: sh('pwd'), cwd: '/nonexistent-dir' }), (error) => {
      assert.equal(
        errorOf(error).modelText('exec_command'),
        'exec_command failed: CreateProcess { message: "Rejected(\\"Failed to create unified exec process: No such file or directory (os error 2)\\")" }',
      );
      return true;
    });
    assert.equal(manager.sessionCount, 0);
  });
});
