import type { CommandExecTerminalSize } from '../../protocol/v2/command-exec.js';
import { osErrorText } from '../../tools/exec/errors.js';
import type { CommandChild, CommandChildSpec } from './command-child.js';
import { CommandSpawnError } from './errors.js';
import { spawnPipeCommandChild } from './pipe-command-child.js';
import { spawnPtyCommandChild } from './pty-command-child.js';

/** How to start a command: on a terminal of a size, or on pipes with or without stdin. */
export type CommandStdio =
  | { readonly tty: true; readonly size: CommandExecTerminalSize }
  | { readonly tty: false; readonly stdin: boolean };

/**
 * Starts `spec` as the reference does for `command/exec`: a terminal for `tty`, pipes with stdin for
 * `streamStdin`, and pipes with stdin on /dev/null otherwise (so a program that reads stdin sees EOF at once).
 * @throws CommandSpawnError in the reference's words: `failed to spawn command: No such file or directory (os error 2)`
 */
export async function spawnCommand(spec: CommandChildSpec, stdio: CommandStdio): Promise<CommandChild> {
  try {
    return stdio.tty ? await spawnPtyCommandChild(spec, stdio.size) : await spawnPipeCommandChild(spec, stdio.stdin);
  } catch (error) {
    throw new CommandSpawnError(osErrorText(error), { cause: error });
  }
}
