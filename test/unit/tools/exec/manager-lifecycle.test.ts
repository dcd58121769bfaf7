import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import type { ExecExited, PreparedCommand } from '../../../../src/tools/exec/manager.js';
import { becomesDead, isDead, sh, startManager } from './exec-harness.js';

const cwd = tmpdir();

describe('UnifiedExecManager lifecycle', () => {
  it('terminateAll kills the whole process group, including what the shell started', async (t) => {
    const manager = startManager(t);
    const exits: ExecExited[] = [];
    const started = await manager.execCommand({
      argv: sh('sleep 30 & echo $!; wait'),
      cwd,
      yieldTimeMs: 250,
      onExit: (e) => exits.push(e),
    });
    assert.equal(started.running, true);
    const backgroundPid = Number(started.output.trim());
    assert.ok(backgroundPid > 0, started.output);
    assert.equal(isDead(backgroundPid), false);

    await manager.terminateAll();
    assert.equal(manager.sessionCount, 0);
    assert.equal(await becomesDead(backgroundPid), true);
    assert.equal(exits.length, 1);
    assert.equal(exits[0]?.exitCode, 137);
    await assert.rejects(manager.writeStdin({ sessionId: started.processId }), /Unknown process id/);
  });

  it('kills jobs a finished command left behind', async (t) => {
    const manager = startManager(t);
    const result = await manager.execCommand({ argv: sh('sleep 30 >/dev/null 2>&1 & echo $!'), cwd, yieldTimeMs: 250 });
    assert.equal(result.exitCode, 0);
    assert.equal(await becomesDead(Number(result.output.trim())), true);
  });

  it('reports an exit that happens while nobody polls', async (t) => {
    const manager = startManager(t);
    let resolveExit!: (exited: ExecExited) => void;
    const exited = new Promise<ExecExited>((resolve) => (resolveExit = resolve));
    const started = await manager.execCommand({
      argv: sh('sleep 0.5; echo late'),
      cwd,
      yieldTimeMs: 250,
      onExit: resolveExit,
    });
    assert.equal(started.running, true);
    const exit = await exited;
    assert.equal(exit.exitCode, 0);
    assert.equal(exit.aggregatedOutput, 'late\n');
    // The session stays until the model reads its end.
    const polled = await manager.writeStdin({ sessionId: started.processId });
    assert.equal(polled.exitCode, 0);
    assert.equal(polled.output, 'late\n');
  });

  it('stops waiting when the signal aborts, leaving the process as a session', async (t) => {
    const manager = startManager(t);
    const controller = new AbortController();
    const pending = manager.execCommand({
      argv: sh('sleep 30'),
      cwd,
      yieldTimeMs: 30_000,
      signal: controller.signal,
      onStarted: () => setImmediate(() => controller.abort(new Error('turn interrupted'))),
    });
    await assert.rejects(pending, /turn interrupted/);
    assert.equal(manager.sessionCount, 1);
  });

  it('starts what the prepare hook returns, with its environment', async (t) => {
    const seen: { argv: readonly string[]; cwd: string }[] = [];
    const manager = startManager(t, {
      prepare: (argv, dir): PreparedCommand => {
        seen.push({ argv, cwd: dir });
        return {
          file: '/usr/bin/env',
          args: ['WRAPPED=yes', ...argv],
          env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
        };
      },
    });
    const result = await manager.execCommand({ argv: sh('echo "$WRAPPED ${NO_COLOR:-unset}"'), cwd, yieldTimeMs: 250 });
    assert.equal(result.output, 'yes unset\n');
    assert.deepEqual(seen, [{ argv: sh('echo "$WRAPPED ${NO_COLOR:-unset}"'), cwd }]);
  });

  it('gives every live process its own id and reports starts', async (t) => {
    const ids = [4242, 4242, 4343];
    const manager = startManager(t, { randomProcessId: () => ids.shift() ?? 4444 });
    const started: number[] = [];
    const first = await manager.execCommand({
      argv: sh('sleep 30'),
      cwd,
      yieldTimeMs: 250,
      onStarted: (s) => started.push(s.processId),
    });
    const second = await manager.execCommand({
      argv: sh('sleep 30'),
      cwd,
      yieldTimeMs: 250,
      onStarted: (s) => started.push(s.processId),
    });
    assert.deepEqual([first.processId, second.processId], [4242, 4343]);
    assert.deepEqual(started, [4242, 4343]);
    assert.equal(manager.terminate(4242), true);
    assert.equal(manager.terminate(4242), false);
    assert.equal(manager.sessionCount, 1);
  });
});
