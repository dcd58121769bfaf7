/**
 * A started command as unified exec needs it, whether it runs on pipes or on a pseudo-terminal: merged output
 * bytes, one exit, and a way to kill its whole process group (the shell and everything it started).
 */
export interface ExecChild {
  /** The leader's pid; its process group has the same id (the child is started as a group/session leader). */
  readonly pid: number;
  /** Whether stdin is open: only a terminal keeps it (pipes get /dev/null, as the reference's no-stdin spawn). */
  readonly hasStdin: boolean;
  /** Receives stdout and stderr bytes, merged in arrival order. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once with the exit status: the code, or 128 + signal number for a signal death (as a shell reports). */
  onExit(listener: (exitCode: number) => void): void;
  /** Called once when no more output can arrive (every output stream closed). */
  onOutputClosed(listener: () => void): void;
  /** Writes to stdin; rejects when it cannot. */
  write(data: string): Promise<void>;
  /** SIGKILL to the whole process group; a no-op once it is gone. */
  killGroup(): void;
}

/** What to start: already wrapped by the sandbox, if any. */
export interface ChildSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

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
