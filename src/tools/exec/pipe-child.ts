import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { killProcessGroup, type ChildSpec, type ExecChild } from './child.js';

/**
 * Starts `spec` with stdin on /dev/null and stdout/stderr on pipes, in a new session (detached) so that its
 * process group can be killed as a whole. Rejects with the spawn error (missing program, …).
 */
export function spawnPipeChild(spec: ChildSpec): Promise<ExecChild> {
  const child = spawn(spec.file, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      // A later error (e.g. a failed kill) must not crash the server; exit/close still follow.
      child.on('error', () => {});
      const pid = child.pid as number;
      resolve({
        pid,
        hasStdin: false,
        onData: (listener) => {
          child.stdout.on('data', listener);
          child.stderr.on('data', listener);
        },
        onExit: (listener) => child.once('exit', (code, signal) => listener(exitStatus(code, signal))),
        onOutputClosed: (listener) => child.once('close', () => listener()),
        write: () => Promise.reject(new Error('stdin is not open')),
        killGroup: () => killProcessGroup(pid),
      });
    });
  });
}

/** A shell's `$?` for the way a process ended: the code, or 128 + the signal number. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal === null ? undefined : constants.signals[signal];
  return number === undefined ? -1 : 128 + number;
}
