import { basename } from 'node:path';
import { literalCommands, type LiteralWord } from './literal-commands.js';
import { extractShellScript } from './shell-script.js';

/**
 * Commands that need a human even where the sandbox would otherwise be trusted: the reference 0.169 flags only a
 * forced `rm` (`rm -f`, `rm -rf`, `rm --force`, also behind `sudo`), anywhere in a shell script
 * (`dangerous_command_match`, codex-rs/shell-command/src/command_safety/is_dangerous_command.rs). Observed with the
 * 0.169 binary: `git reset --hard` and `rm -r` run without a prompt under on-request, `rm -rf src` is asked even under
 * danger-full-access, and under `never` it is refused with {@link forcedRmRejection}.
 */

/** Whether some argument before `--` forces removal: `--force`, or a short-option cluster containing `f`. */
function forcesRemoval(args: readonly LiteralWord[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === null) continue;
    if (arg === '--force') return true;
    if (arg.startsWith('-') && !arg.startsWith('--') && arg.slice(1).includes('f')) return true;
  }
  return false;
}

function isForcedRm(words: readonly LiteralWord[]): boolean {
  const [head, ...rest] = words;
  if (head === undefined || head === null) return false;
  const name = basename(head);
  if (name === 'rm') return forcesRemoval(rest);
  if (name === 'sudo') return isForcedRm(rest);
  return false;
}

/** True when the argv, or any command of its `bash -lc` script, is a forced `rm`. */
export function isDangerousCommand(argv: readonly string[]): boolean {
  if (isForcedRm(argv)) return true;
  const script = extractShellScript(argv);
  return script !== null && literalCommands(script).some(isForcedRm);
}

/** The reference's refusal of a forced `rm` when the approval policy is `never` (0.169, observed verbatim). */
export function forcedRmRejection(renderedCommand: string): string {
  return `\`${renderedCommand}\` rejected: rm -f style commands are not permitted. Use a safer approach`;
}
