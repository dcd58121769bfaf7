import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { UnifiedExecManager, type UnifiedExecOptions } from '../../../../src/tools/exec/manager.js';
import { shellArgv } from '../../../../src/tools/exec/shell-argv.js';

/** A manager whose processes are all killed when the test ends. */
export function startManager(t: TestContext, options: UnifiedExecOptions = {}): UnifiedExecManager {
  const manager = new UnifiedExecManager(options);
  t.after(() => manager.terminateAll());
  return manager;
}

/** `bash -c cmd` (not a login shell: profile scripts are slow or hang on some machines). */
export function sh(cmd: string): readonly string[] {
  const result = shellArgv(cmd, { login: false, userShellPath: '/bin/bash' });
  if (!result.ok) throw new Error(result.message);
  return result.argv;
}

/** Whether `pid` is gone or a zombie (dead, waiting to be reaped), from /proc. */
export function isDead(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name: "pid (comm) S …".
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

/**
 * Resolves true once `pid` is dead (a SIGKILL is delivered asynchronously: the target still has to run its exit),
 * false if it is still alive after `timeoutMs`. Polls /proc; there is no event for another process's death.
 */
export async function becomesDead(pid: number, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!isDead(pid)) {
    if (Date.now() >= deadline) return false;
    await delay(10);
  }
  return true;
}
