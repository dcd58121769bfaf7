import { spawn } from 'node:child_process';
import { killProcessGroup } from '../../tools/exec/child.js';
import { exitStatus } from '../../tools/exec/pipe-child.js';
import { NotATerminalError, type CommandChild, type CommandChildSpec } from './command-child.js';

/**
 * Starts `spec` with stdout and stderr on separate pipes and stdin on a pipe (`withStdin`) or /dev/null, in a new
 * session so that its process group can be killed as a whole (as tools/exec/pipe-child.ts does for the model's
 * commands). The exit code is the shell's: the code, or 128 + signal (the reference reports 137 after a kill).
 * Rejects with the spawn error (missing program or cwd, not executable, …).
 */
export function spawnPipeCommandChild(spec: CommandChildSpec, withStdin: boolean): Promise<CommandChild> {
  const options = { cwd: spec.cwd, env: spec.env, detached: true };
  const child = withStdin
    ? spawn(spec.file, [...spec.args], { ...options, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(spec.file, [...spec.args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      // A later error (e.g. a failed kill) must not crash the server; exit/close still follow.
      child.on('error', () => {});
      // Writing to a program that closed its stdin fails with EPIPE; the reference ignores that too.
      child.stdin?.on('error', () => {});
      const pid = child.pid as number;
      const exited = new Promise<number>((resolveExit) =>
        child.once('exit', (code, signal) => resolveExit(exitStatus(code, signal))),
      );
      const ended = (stream: NodeJS.ReadableStream) => new Promise<void>((done) => stream.once('close', done));
      const outputClosed = Promise.all([ended(child.stdout), ended(child.stderr)]).then(() => {});
      resolve({
        pid,
        onOutput: (listener) => {
          child.stdout.on('data', (chunk: Buffer) => listener('stdout', chunk));
          child.stderr.on('data', (chunk: Buffer) => listener('stderr', chunk));
        },
        exited,
        outputClosed,
        abandonOutput: () => {
          child.stdout.destroy();
          child.stderr.destroy();
          child.stdin?.destroy();
        },
        writeStdin: (bytes) =>
          new Promise<void>((done) => {
            const stdin = child.stdin;
            if (stdin === null || stdin.destroyed || stdin.writableEnded) return done();
            stdin.write(bytes, () => done());
          }),
        closeStdin: () => {
          child.stdin?.end();
        },
        resize: () => {
          throw new NotATerminalError();
        },
        killGroup: () => killProcessGroup(pid),
      });
    });
  });
}
