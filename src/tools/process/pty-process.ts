import { killProcessGroup } from './kill-process-group.js';
import { holdSlaveWhileAlive } from './pty-slave-hold.js';
import type { ProcessExit, Subprocess, SubprocessSpec, TerminalSize } from './subprocess.js';

/** The terminal's end-of-file character (VEOF, ^D), as a fresh pseudo-terminal has it. */
const EOT = 0x04;

export interface PtyOptions {
  readonly size: TerminalSize;
  /** TERM when the environment has none (node-pty always sets TERM). */
  readonly defaultTerm: string;
}

/**
 * Starts `spec` on a pseudo-terminal (node-pty, loaded on first use only: it is a native module kept out of the
 * bundle, and most commands never need it). The child is a session leader with the terminal as its controlling
 * tty, so stdin stays open and `test -t 1` holds; output arrives as `stdout` with the terminal's CRLF line ends.
 * node-pty forks without checking the program: callers that must report a missing one check it first.
 */
export async function spawnPtyProcess(spec: SubprocessSpec, options: PtyOptions): Promise<Subprocess> {
  const pty = await import('node-pty');
  const terminal = pty.spawn(spec.file, [...spec.args], {
    name: spec.env['TERM'] ?? options.defaultTerm,
    cols: options.size.cols,
    rows: options.size.rows,
    cwd: spec.cwd,
    env: { ...spec.env },
    // Raw bytes: decoding is ours, so a character split across reads is never mangled.
    encoding: null,
  });
  const releaseSlave = holdSlaveWhileAlive(terminal);
  let alive = true;
  let stdinClosed = false;
  const exited = new Promise<ProcessExit>((resolve) => {
    terminal.onExit(({ exitCode, signal }) => {
      alive = false;
      releaseSlave();
      resolve(signal !== undefined && signal !== 0 ? { code: null, signal } : { code: exitCode, signal: null });
    });
  });
  return {
    pid: terminal.pid,
    terminal: true,
    hasStdin: true,
    // node-pty types data as string; with `encoding: null` it hands over Buffers.
    onOutput: (listener) =>
      void terminal.onData((data: string | Buffer) => listener('stdout', typeof data === 'string' ? Buffer.from(data) : data)),
    exited,
    // node-pty reports the exit once the terminal's output has been read to its end.
    outputClosed: exited.then(() => {}),
    streamClosed: { stdout: exited.then(() => {}), stderr: exited.then(() => {}) },
    abandonOutput: () => {},
    writeStdin: async (data) => {
      if (alive && !stdinClosed) terminal.write(data);
    },
    closeStdin: () => {
      if (!alive || stdinClosed) return;
      stdinClosed = true;
      terminal.write(Buffer.from([0x0a, EOT]));
    },
    resize: (size) => {
      if (alive) terminal.resize(size.cols, size.rows);
    },
    killGroup: () => killProcessGroup(terminal.pid),
  };
}
