import type { CommandExecTerminalSize } from '../../protocol/v2/command-exec.js';
import { killProcessGroup } from '../../tools/exec/child.js';
import { holdSlaveWhileAlive } from '../../tools/exec/pty-child.js';
import type { CommandChild, CommandChildSpec } from './command-child.js';
import { resolvePtyProgram, terminalCwd } from './pty-program.js';

/** The reference's `TerminalSize::default()`: `stty size` printed `24 80`. */
export const DEFAULT_TERMINAL_SIZE: CommandExecTerminalSize = { rows: 24, cols: 80 };

/** The terminal's end-of-file character (VEOF, ^D), as a fresh pseudo-terminal has it. */
const EOT = 0x04;

/**
 * Starts `spec` on a pseudo-terminal of `size` (node-pty, loaded on first use like tools/exec/pty-child.ts: a
 * native module kept out of the bundle). The program is found and the cwd chosen as the reference's PTY library
 * does (pty-program.ts). Output arrives as `stdout` with the terminal's CRLF line ends.
 *
 * Exit codes follow the reference's PTY library rather than the shell: a process killed by a signal — including by
 * `command/exec/terminate` — reports 1 (probed), since portable-pty has no code for a signal death.
 * @throws PtyProgramError when the program cannot be found or executed
 */
export async function spawnPtyCommandChild(
  spec: CommandChildSpec,
  size: CommandExecTerminalSize,
): Promise<CommandChild> {
  const cwd = terminalCwd(spec.cwd, spec.env);
  const file = resolvePtyProgram(spec.file, cwd, spec.env);
  const pty = await import('node-pty');
  const terminal = pty.spawn(file, [...spec.args], {
    // node-pty always sets TERM (to `name`); keep the environment's, as the reference passes it through.
    name: spec.env['TERM'] ?? 'xterm',
    cols: size.cols,
    rows: size.rows,
    cwd,
    env: { ...spec.env },
    // Raw bytes: decoding is ours, so a character split across reads is never mangled.
    encoding: null,
  });
  // Keeps the terminal open until the child is gone, so a program that closes its own stdio early is not hung
  // up on (see tools/exec/pty-child.ts).
  const releaseSlave = holdSlaveWhileAlive(terminal);
  const exited = new Promise<number>((resolve) => {
    terminal.onExit(({ exitCode, signal }) => {
      releaseSlave();
      resolve(signal !== undefined && signal !== 0 ? 1 : exitCode);
    });
  });
  let stdinClosed = false;
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  return {
    pid: terminal.pid,
    // node-pty types data as string; with `encoding: null` it hands over Buffers.
    onOutput: (listener) =>
      void terminal.onData((data: string | Buffer) =>
        listener('stdout', typeof data === 'string' ? Buffer.from(data) : data),
      ),
    exited,
    // node-pty reports the exit once the terminal's output has been read to its end.
    outputClosed: exited.then(() => {}),
    abandonOutput: () => {},
    writeStdin: async (bytes) => {
      if (alive && !stdinClosed) terminal.write(bytes);
    },
    // A terminal has no stdin to close; the reference's PTY library, dropping its writer, types a newline and the
    // EOF character instead (probed: `cat` echoed `abc\r\n\r\n` twice and exited 0), which ends a reading program.
    closeStdin: () => {
      if (!alive || stdinClosed) return;
      stdinClosed = true;
      terminal.write(Buffer.from([0x0a, EOT]));
    },
    resize: (newSize) => {
      if (alive) terminal.resize(newSize.cols, newSize.rows);
    },
    killGroup: () => killProcessGroup(terminal.pid),
  };
}
