import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { killProcessGroup } from '../../../../src/tools/process/kill-process-group.js';

describe('killProcessGroup', () => {
  it('kills a whole session started as its own group, grandchildren included', async (t) => {
    // The shell leads a new group and prints the pid of its background grandchild.
    const child = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    t.after(() => child.kill('SIGKILL'));
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const grandchild = Number(line.toString().trim());
    const exited = once(child, 'exit');
    killProcessGroup(child.pid!);
    assert.deepEqual(await exited, [null, 'SIGKILL']);
    assert.equal(await diedWithin(grandchild, 5000), true);
  });

  it('kills the process itself while it does not lead a group yet (a PTY child before its setsid)', async (t) => {
    // Not detached: the child stays in our process group, as a freshly forked PTY child briefly does.
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    t.after(() => child.kill('SIGKILL'));
    const exited = once(child, 'exit');
    killProcessGroup(child.pid!);
    assert.deepEqual(await exited, [null, 'SIGKILL']);
  });

  it('ignores a process that is already gone', async () => {
    const child = spawn('true', { stdio: 'ignore' });
    await once(child, 'exit');
    assert.doesNotThrow(() => killProcessGroup(child.pid!));
  });
});

/** Whether `pid` is gone or a zombie (nobody may reap an orphan in a container) before `timeoutMs` elapse. */
async function diedWithin(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let state: string | undefined;
    try {
      // The state letter follows the parenthesised command name.
      state = /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    } catch {
      return true;
    }
    if (state === 'Z') return true;
    await delay(10);
  }
  return false;
}
