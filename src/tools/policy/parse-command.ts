import { basename, isAbsolute, join, resolve } from 'node:path';
import type { CommandAction } from '../../protocol/v2/items-tools.js';
import { isSmallFormattingCommand, summarizeCommand } from './command-summary.js';
import { extractShellScript, parsePlainCommands } from './shell-script.js';
import { shlexJoin, shlexSplit } from './shlex.js';

/**
 * The `commandActions` of a commandExecution item: a best-effort description of what a command does, for display.
 * A port of the reference's `parse_command` (codex-rs/shell-command/src/parse_command.rs) plus the app-server's
 * conversion to v2 (a read's path is resolved against the command's cwd; observed with 0.169:
 * `cd src && sed -n 1,5p a.txt` in /ws gives
 * `read {command:"sed -n '1,5p' a.txt", name:"a.txt", path:"/ws/src/a.txt"}`).
 *
 * Shape of the result: `cd` steps only shift the directory of later reads; formatting helpers in pipelines
 * (`| head -n 5`, `| wc -l`) are dropped in favour of the primary command; consecutive duplicates collapse; and if
 * any part is unknown the whole command becomes one `unknown` carrying the script (for `bash -lc '<script>'`) or the
 * re-quoted argv.
 */

/** Heads of `powershell -Command <script>` wrappers, whose script we do not analyse. */
const POWERSHELLS = new Set(['pwsh', 'powershell', 'pwsh.exe', 'powershell.exe']);

function powershellScript(argv: readonly string[]): string | null {
  const [head] = argv;
  if (head === undefined || !POWERSHELLS.has(basename(head).toLowerCase())) return null;
  const flag = argv.findIndex((arg, index) => index > 0 && ['-command', '-c'].includes(arg.toLowerCase()));
  return flag !== -1 && flag === argv.length - 2 ? (argv[flag + 1] as string) : null;
}

/** The script a wrapper runs, or null for a bare argv. */
function wrappedScript(argv: readonly string[]): string | null {
  return extractShellScript(argv) ?? powershellScript(argv);
}

/** `cd` operands as the reference reads them: the last non-option operand, or the one after `--`. */
function cdTarget(args: readonly string[]): string | undefined {
  let target: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') return args[index + 1];
    if (!arg.startsWith('-')) target = arg;
  }
  return target;
}

function joinPaths(base: string, relative: string): string {
  if (isAbsolute(relative) || base === '') return relative;
  return join(base, relative);
}

/** Summaries of commands in order, with `cd` steps folded into the paths of later reads. */
function summarizeSequence(commands: readonly (readonly string[])[]): CommandAction[] {
  const actions: CommandAction[] = [];
  let directory: string | undefined;
  for (const tokens of commands) {
    if (tokens[0] === 'cd') {
      const target = cdTarget(tokens.slice(1));
      if (target !== undefined) directory = directory === undefined ? target : joinPaths(directory, target);
      continue;
    }
    const action = summarizeCommand(tokens);
    if (action.type === 'read' && directory !== undefined) {
      actions.push({ ...action, path: joinPaths(directory, action.path) });
    } else {
      actions.push(action);
    }
  }
  return actions;
}

const firstWordOf = (action: CommandAction): string | undefined =>
  action.type === 'unknown' ? shlexSplit(action.command)?.[0] : undefined;

/** One simplification step (the reference's `simplify_once`), or null when nothing applies. */
function simplifyOnce(actions: readonly CommandAction[]): CommandAction[] | null {
  if (actions.length <= 1) return null;
  const [first] = actions as [CommandAction];
  // `echo …; rest` → rest
  if (firstWordOf(first) === 'echo') return actions.slice(1);
  const without = (index: number) => [...actions.slice(0, index), ...actions.slice(index + 1)];
  // `cd foo && x` → x
  const cd = actions.findIndex((action) => firstWordOf(action) === 'cd');
  if (cd !== -1 && actions.length > cd + 1) return without(cd);
  // `x || true` → x
  const trueIndex = actions.findIndex((action) => action.type === 'unknown' && action.command === 'true');
  if (trueIndex !== -1) return without(trueIndex);
  // `… | nl -ba` → …
  const nl = actions.findIndex((action) => {
    if (action.type !== 'unknown') return false;
    const tokens = shlexSplit(action.command);
    return tokens !== null && tokens[0] === 'nl' && tokens.slice(1).every((token) => token.startsWith('-'));
  });
  if (nl !== -1) return without(nl);
  return null;
}

function simplify(actions: CommandAction[]): CommandAction[] {
  let current = actions;
  for (let next = simplifyOnce(current); next !== null; next = simplifyOnce(current)) current = next;
  return current;
}

/** Actions of a shell script (the reference's `parse_shell_script`). */
function parseScript(script: string): CommandAction[] {
  const plain = parsePlainCommands(script);
  if (plain === null || plain.length === 0) return [{ type: 'unknown', command: script }];
  const scriptTokens = shlexSplit(script) ?? [script];
  const primary = plain.filter((tokens) => !isSmallFormattingCommand(tokens));
  if (primary.length === 0) return [{ type: 'unknown', command: script }];
  let actions = summarizeSequence(primary);
  if (actions.length > 1) {
    actions = simplify(actions.filter((action) => !(action.type === 'unknown' && action.command === 'true')));
  }
  if (actions.length !== 1) return actions;
  // A single remaining action is attributed to the whole script when the script had no connectors; with connectors
  // it keeps its own command text, except `… | sed -n <range>` reads, which keep the script.
  const hadConnectors =
    plain.length > 1 || scriptTokens.some((token) => ['|', '&&', '||', ';'].includes(token));
  const [action] = actions as [CommandAction];
  if (action.type === 'unknown') return actions;
  if (!hadConnectors) return [{ ...action, command: shlexJoin(scriptTokens) }];
  if (action.type === 'read') {
    const hasPipe = scriptTokens.includes('|');
    const hasSedN = scriptTokens.some((token, index) => token === 'sed' && scriptTokens[index + 1] === '-n');
    if (hasPipe && hasSedN) return [{ ...action, command: script }];
  }
  return actions;
}

/** Actions of a bare argv: `yes |` / `no |` prefixes dropped, split at connector tokens. */
function parseArgv(argv: readonly string[]): CommandAction[] {
  let tokens = [...argv];
  if (['yes', 'y', 'no', 'n'].includes(tokens[0] ?? '') && tokens[1] === '|') tokens = tokens.slice(2);
  const commands: string[][] = [];
  let current: string[] = [];
  for (const token of tokens) {
    if (['&&', '||', '|', ';'].includes(token)) {
      if (current.length > 0) commands.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) commands.push(current);
  return simplify(summarizeSequence(commands));
}

/**
 * The actions of a command: an argv (`['/bin/bash', '-lc', 'cd foo && rg bar']`) or a shell script string. With
 * `cwd`, each read's path is made absolute (lexically normalized) against it.
 */
export function parseCommandActions(command: readonly string[] | string, cwd?: string): CommandAction[] {
  const argv = typeof command === 'string' ? ['bash', '-lc', command] : command;
  const script = wrappedScript(argv);
  const parsed =
    extractShellScript(argv) !== null
      ? parseScript(script as string)
      : script !== null
        ? [{ type: 'unknown' as const, command: script }]
        : parseArgv(argv);
  const deduped = parsed.filter(
    (action, index) => index === 0 || !sameAction(action, parsed[index - 1] as CommandAction),
  );
  if (deduped.some((action) => action.type === 'unknown')) {
    return [{ type: 'unknown', command: script ?? shlexJoin(argv) }];
  }
  if (cwd === undefined) return deduped;
  return deduped.map((action) => (action.type === 'read' ? { ...action, path: resolve(cwd, action.path) } : action));
}

function sameAction(a: CommandAction, b: CommandAction): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
