import { closeSync, constants, openSync } from 'node:fs';
import type { IPty } from 'node-pty';
import { killProcessGroup, type ChildSpec, type ExecChild } from './child.js';
import { TTY_COLS, TTY_ROWS } from './limits.js';

/** How often a terminal's child is checked for having exited while we hold its slave side open. */
const EXIT_CHECK_INTERVAL_MS = 20;

/**
 * Starts `spec` on a pseudo-terminal (node-pty, loaded on first use only: it is a native module kept out of
 * the bundle, and most commands never need it). The child is a session leader with the terminal as its
 * controlling tty, so stdin stays open and `test -t 1` holds; output arrives with the terminal's CRLF line ends.
 */
export async function spawnPtyChild(spec: ChildSpec): Promise<ExecChild> {
  const pty = await import('node-pty');
  const terminal = pty.spawn(spec.file, [...spec.args], {
    name: spec.env['TERM'] ?? 'dumb',
    cols: TTY_COLS,
    rows: TTY_ROWS,
    cwd: spec.cwd,
    env: { ...spec.env },
    // Raw bytes: decoding is ours, so a character split across reads is never mangled.
    encoding: null,
  });
  const releaseSlave = holdSlaveWhileAlive(terminal);
  const exitListeners: ((exitCode: number) => void)[] = [];
  let exitCode: number | undefined;
  terminal.onExit(({ exitCode: code, signal }) => {
    releaseSlave();
    exitCode = signal !== undefined && signal !== 0 ? 128 + signal : code;
    for (const listener of exitListeners.splice(0)) listener(exitCode);
  });
  const onExit = (listener: (exitCode: number) => void): void => {
    if (exitCode === undefined) exitListeners.push(listener);
    else listener(exitCode);
  };
  return {
    pid: terminal.pid,
    hasStdin: true,
    // node-pty types data as string; with `encoding: null` it hands over Buffers.
    onData: (listener) =>
      terminal.onData((data: string | Buffer) => listener(typeof data === 'string' ? Buffer.from(data) : data)),
    onExit,
    // node-pty reports the exit once the terminal's output has been read to its end.
    onOutputClosed: (listener) => onExit(() => listener()),
    write: async (data) => terminal.write(data),
    killGroup: () => killProcessGroup(terminal.pid),
  };
}

/**
 * Keeps a descriptor on the terminal's slave side until the child has exited, and returns its release.
 *
 * Why: a program like `cat` closes stdin, stdout and stderr itself before it exits. With no slave descriptor
 * left, node-pty reads EIO and closes the master at once, and the kernel hangs up the terminal: the child, still
 * on its way out, dies of SIGHUP and reports 129 instead of 0 (seen about one time in ten). The reference keeps
 * its master open until the process is gone; holding the slave side gives the same order. The child's exit is
 * noticed by checking its pid (node-pty reaps it), after which the master may close.
 */
export function holdSlaveWhileAlive(terminal: IPty): () => void {
  const ptsName = (terminal as IPty & { readonly ptsName?: unknown }).ptsName;
  if (typeof ptsName !== 'string') return () => {};
  let slave: number | undefined;
  try {
    slave = openSync(ptsName, constants.O_RDWR | constants.O_NOCTTY);
  } catch {
    // Without it the race above remains possible, nothing worse.
    return () => {};
  }
  const release = (): void => {
    clearInterval(check);
    if (slave === undefined) return;
    closeSync(slave);
    slave = undefined;
  };
  const check = setInterval(() => {
    if (!isRunning(terminal.pid)) release();
  }, EXIT_CHECK_INTERVAL_MS);
  check.unref();
  return release;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
