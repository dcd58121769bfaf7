/**
 * SIGKILL to process group `pid`, ignoring a group that no longer exists. A child that has been forked but has not
 * yet called setsid() (node-pty returns before its child does) leads no group of its own: then the process itself is
 * killed, which is the whole of it at that point. Without this, a terminate right after a PTY spawn was lost.
 */
export function killProcessGroup(pid: number): void {
  if (signal(-pid)) return;
  signal(pid);
}

/** Sends SIGKILL; false when no such process (group) exists. */
function signal(target: number): boolean {
  try {
    process.kill(target, 'SIGKILL');
    return true;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ESRCH') return false;
    throw error;
  }
}
