import { spawn } from 'node:child_process';
import { killProcessGroup } from './kill-process-group.js';
import { exitFromNode, NotATerminalError, type Subprocess, type SubprocessSpec } from './subprocess.js';

/**
 * Starts `spec` with stdout and stderr on separate pipes and stdin on a pipe (`stdin`) or /dev/null (so a program
 * that reads stdin sees EOF at once), in a new session so that its process group can be killed as a whole.
 * Rejects with the spawn error (missing program or cwd, not executable, …).
 */
export function spawnPipeProcess(spec: SubprocessSpec, options: { readonly stdin: boolean }): Promise<Subprocess> {
  const common = { cwd: spec.cwd, env: spec.env, detached: true };
  const child = options.stdin
    ? spawn(spec.file, [...spec.args], { ...common, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(spec.file, [...spec.args], { ...common, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      // A later error (e.g. a failed kill) must not crash the server; exit/close still follow.
      child.on('error', () => {});
      // Writing to a program that closed its stdin fails with EPIPE; the reference ignores that too.
      child.stdin?.on('error', () => {});
      const pid = child.pid as number;
      const ended = (stream: NodeJS.ReadableStream) => new Promise<void>((done) => stream.once('close', done));
      const streamClosed = { stdout: ended(child.stdout), stderr: ended(child.stderr) };
      resolve({
        pid,
        terminal: false,
        hasStdin: child.stdin !== null,
        onOutput: (listener) => {
          child.stdout.on('data', (chunk: Buffer) => listener('stdout', chunk));
          child.stderr.on('data', (chunk: Buffer) => listener('stderr', chunk));
        },
        exited: new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit(exitFromNode(code, signal)))),
        outputClosed: Promise.all([streamClosed.stdout, streamClosed.stderr]).then(() => {}),
        streamClosed,
        abandonOutput: () => {
          child.stdout.destroy();
          child.stderr.destroy();
          child.stdin?.destroy();
        },
        writeStdin: (data) =>
          new Promise<void>((done) => {
            const stdin = child.stdin;
            if (stdin === null || stdin.destroyed || stdin.writableEnded) return done();
            stdin.write(data, () => done());
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
