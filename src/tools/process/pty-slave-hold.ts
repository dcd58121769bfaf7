import { closeSync, constants, openSync } from 'node:fs';
import type { IPty } from 'node-pty';

/** How often a terminal's child is checked for having exited while we hold its slave side open. */
const EXIT_CHECK_INTERVAL_MS = 20;

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
