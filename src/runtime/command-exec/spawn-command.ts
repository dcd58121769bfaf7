import type { CommandExecTerminalSize } from '../../protocol/v2/command-exec.js';
import { osErrorText } from '../../tools/exec/errors.js';
import { spawnPipeProcess } from '../../tools/process/pipe-process.js';
import { spawnPtyProcess } from '../../tools/process/pty-process.js';
import { shellExitStatus, type ProcessExit, type Subprocess, type SubprocessSpec } from '../../tools/process/subprocess.js';
import { CommandSpawnError } from './errors.js';
import { resolvePtyProgram, terminalCwd } from './pty-program.js';

/** The reference's `TerminalSize::default()`: `stty size` printed `24 80`. */
export const DEFAULT_TERMINAL_SIZE: CommandExecTerminalSize = { rows: 24, cols: 80 };

/** How to start a command: on a terminal of a size, or on pipes with or without stdin. */
export type CommandStdio =
  | { readonly tty: true; readonly size: CommandExecTerminalSize }
  | { readonly tty: false; readonly stdin: boolean };

/** What a request's `tty`, `streamStdin`, `streamStdoutStderr` and `size` amount to (`tty` implies both streams). */
export interface StdioChoice {
  readonly tty: boolean;
  readonly streamStdin: boolean;
  readonly streamOutput: boolean;
  readonly stdio: CommandStdio;
}

export function stdioChoice(request: {
  readonly tty?: boolean | undefined;
  readonly streamStdin?: boolean | undefined;
  readonly streamStdoutStderr?: boolean | undefined;
  readonly size?: CommandExecTerminalSize | null | undefined;
}): StdioChoice {
  const tty = request.tty ?? false;
  const streamStdin = tty || (request.streamStdin ?? false);
  const streamOutput = tty || (request.streamStdoutStderr ?? false);
  const stdio: CommandStdio = tty
    ? { tty, size: request.size ?? DEFAULT_TERMINAL_SIZE }
    : { tty, stdin: streamStdin };
  return { tty, streamStdin, streamOutput, stdio };
}

/**
 * Starts `spec` as the reference does for `command/exec` and `process/spawn`: a terminal for `tty`, pipes with stdin
 * for `streamStdin`, and pipes with stdin on /dev/null otherwise (so a program that reads stdin sees EOF at once).
 * On a terminal the program is found and the cwd chosen as the reference's PTY library does (pty-program.ts), and
 * TERM defaults to `xterm`. `subject` names what failed in the error (`command` or `process`).
 * @throws CommandSpawnError in the reference's words: `failed to spawn command: No such file or directory (os error 2)`
 */
export async function spawnCommand(
  spec: SubprocessSpec,
  stdio: CommandStdio,
  subject: 'command' | 'process' = 'command',
): Promise<Subprocess> {
  try {
    if (!stdio.tty) return await spawnPipeProcess(spec, { stdin: stdio.stdin });
    const cwd = terminalCwd(spec.cwd, spec.env);
    const file = resolvePtyProgram(spec.file, cwd, spec.env);
    return await spawnPtyProcess({ ...spec, file, cwd }, { size: stdio.size, defaultTerm: 'xterm' });
  } catch (error) {
    throw new CommandSpawnError(subject, osErrorText(error), { cause: error });
  }
}

/**
 * The exit code `command/exec` reports: the shell's status on pipes (137 after a kill); on a terminal, 1 for a
 * signal death — including `command/exec/terminate` — as the reference's PTY library has no code for it (probed).
 */
export function commandExitCode(child: Subprocess, exit: ProcessExit): number {
  if (child.terminal && exit.signal !== null) return 1;
  return shellExitStatus(exit);
}
