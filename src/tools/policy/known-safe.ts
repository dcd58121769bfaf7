import { basename } from 'node:path';
import { parseShellWrapperPlainCommands } from './shell-script.js';

/**
 * Read-only commands the reference calls "known safe" (`is_known_safe_command`,
 * codex-rs/shell-command/src/command_safety/is_safe_command.rs, latest revision): a fixed list of utilities, plus
 * `find`/`rg`/`base64`/`sed -n` without their writing or executing options, and `bash -lc` scripts whose every plain
 * command is one of those. `git` is deliberately absent — its revisions since mid-2026 require approval for every git
 * command because pagers, `-c` overrides and `--output` can execute or write.
 *
 * Note: the reference 0.169 app-server no longer lets known-safe commands skip the prompt under `untrusted`
 * (observed: `pwd`, `ls`, `cat` are all asked), so {@link approvalRequirement} does not consult this list; it remains
 * the reference's classification of read-only commands (for display and for callers that want it).
 */

/** Utilities that only read or print, whatever their arguments (`numfmt` and `tac` on Linux only). */
const ALWAYS_SAFE = new Set([
  'cat', 'cd', 'cut', 'echo', 'expr', 'false', 'grep', 'head', 'id', 'ls', 'nl', 'paste', 'pwd', 'rev', 'seq',
  'stat', 'tail', 'tr', 'true', 'uname', 'uniq', 'wc', 'which', 'whoami',
  ...(process.platform === 'linux' ? ['numfmt', 'tac'] : []),
]);

/** `find` options that execute commands, delete files, or write file lists. */
const UNSAFE_FIND_OPTIONS = new Set([
  '-exec', '-execdir', '-ok', '-okdir', '-delete', '-fls', '-fprint', '-fprint0', '-fprintf',
]);

/** `rg` options that run another program (`--pre`, `--hostname-bin`) or decompressors (`-z`). */
function isUnsafeRipgrepArg(arg: string): boolean {
  if (arg === '--search-zip' || arg === '-z') return true;
  return ['--pre', '--hostname-bin'].some((option) => arg === option || arg.startsWith(`${option}=`));
}

/** `N` or `M,N` followed by `p`: a `sed -n` script that only prints a line range. */
function isLineRangePrint(arg: string | undefined): boolean {
  return arg !== undefined && /^\d+(,\d+)?p$/.test(arg);
}

/** Whether one argv (no shell wrapper) is safe to run without asking. */
function isSafeExec(argv: readonly string[]): boolean {
  const [head] = argv;
  if (head === undefined) return false;
  const name = basename(head);
  if (ALWAYS_SAFE.has(name)) return true;
  const args = argv.slice(1);
  switch (name) {
    case 'base64':
      // `-o FILE`, `-oFILE`, `--output FILE`, `--output=FILE` all write a file.
      return !args.some((arg) => arg.startsWith('-o') || arg === '--output' || arg.startsWith('--output='));
    case 'find':
      return !argv.some((arg) => UNSAFE_FIND_OPTIONS.has(arg));
    case 'rg':
      return !argv.some(isUnsafeRipgrepArg);
    case 'sed':
      return argv.length <= 4 && argv[1] === '-n' && isLineRangePrint(argv[2]);
    default:
      return false;
  }
}

/** True when the reference would classify this argv as a known-safe (read-only) command. */
export function isKnownSafeCommand(argv: readonly string[]): boolean {
  if (isSafeExec(argv)) return true;
  const commands = parseShellWrapperPlainCommands(argv);
  return commands !== null && commands.length > 0 && commands.every(isSafeExec);
}
