import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { sh, startManager } from './exec-harness.js';

const cwd = tmpdir();

describe('UnifiedExecManager with tty: true', () => {
  it('runs the command on a terminal of 24 × 80', async (t) => {
    const manager = startManager(t);
    const result = await manager.execCommand({
      argv: sh('test -t 0 && test -t 1 && echo isatty; stty size'),
      cwd,
      tty: true,
      yieldTimeMs: 2_000,
    });
    assert.equal(result.exitCode, 0);
    assert.equal(result.output, 'isatty\r\n24 80\r\n');
  });

  it('keeps a terminal without tty: false', async (t) => {
    const manager = startManager(t);
    const result = await manager.execCommand({ argv: sh('test -t 1 || echo not-a-tty'), cwd, yieldTimeMs: 2_000 });
    assert.equal(result.output, 'not-a-tty\n');
  });

  it('writes to the stdin of cat and reads the echo, then ends it with ^D', async (t) => {
    const manager = startManager(t);
    const started = await manager.execCommand({ argv: sh('cat'), cwd, tty: true, yieldTimeMs: 250 });
    assert.equal(started.running, true);
    const echoed = await manager.writeStdin({ sessionId: started.processId, chars: 'hello\n', yieldTimeMs: 250 });
    assert.equal(echoed.running, true);
    // The terminal echoes the input, then cat prints it.
    assert.equal(echoed.output, 'hello\r\nhello\r\n');
    assert.match(echoed.text, new RegExp(`\\nProcess running with session ID ${started.processId}\\n`));
    const ended = await manager.writeStdin({ sessionId: started.processId, chars: '\u0004', yieldTimeMs: 2_000 });
    assert.equal(ended.running, false);
    assert.equal(ended.exitCode, 0);
    assert.equal(ended.aggregatedOutput, 'hello\r\nhello\r\n');
  });

  it('answers a shell read', async (t) => {
    const manager = startManager(t);
    const started = await manager.execCommand({ argv: sh('read a; echo "got $a"'), cwd, tty: true, yieldTimeMs: 250 });
    assert.equal(started.running, true);
    const answered = await manager.writeStdin({ sessionId: started.processId, chars: 'abc\n', yieldTimeMs: 2_000 });
    assert.equal(answered.exitCode, 0);
    assert.equal(answered.output, 'abc\r\ngot abc\r\n');
  });
});
