import type { CommandAction } from '../../protocol/v2/items-tools.js';
import { shlexJoin } from './shlex.js';

/**
 * What one plain command (an argv, no shell operators) does, for the `commandActions` of a commandExecution item:
 * reading a file, listing files, searching, or unknown. A port of the reference's per-tool rules
 * (`summarize_main_tokens`, `is_small_formatting_command` and helpers in codex-rs/shell-command/src/parse_command.rs).
 * `command` is the argv re-quoted with shlex; a read's `path` is as written (callers resolve it against the cwd).
 */

const CONNECTORS = new Set(['|', '&&', '||', ';']);

/** Tokens up to the first shell connector (tokens may still contain them when a command was split naively). */
function untilConnector(tokens: readonly string[]): string[] {
  const index = tokens.findIndex((token) => CONNECTORS.has(token));
  return tokens.slice(0, index === -1 ? tokens.length : index);
}

/**
 * A short, human label for a path: its last component that is not `build`, `dist`, `node_modules` or `src`
 * (`webview/src` → `webview`, `./dist` → `.`).
 */
export function shortDisplayPath(path: string): string {
  const trimmed = path.replace(/\\/g, '/').replace(/\/+$/, '');
  const parts = trimmed.split('/').reverse();
  const useful = parts.find((part) => part !== '' && !['build', 'dist', 'node_modules', 'src'].includes(part));
  return useful ?? trimmed;
}

/** The short label of an optional path. */
const displayPath = (path: string | undefined) => (path === undefined ? null : shortDisplayPath(path));

/** Arguments with the values of `flagsWithValues` and every `--flag=value` removed; all operands after `--` kept. */
function skipFlagValues(args: readonly string[], flagsWithValues: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') {
      out.push(...args.slice(index + 1));
      break;
    }
    if (arg.startsWith('--') && arg.includes('=')) continue;
    if (flagsWithValues.includes(arg)) {
      if (index + 1 < args.length) index++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** Operands that are not options (nor option values); everything after `--` is an operand. */
function positionalOperands(args: readonly string[], flagsWithValues: readonly string[]): string[] {
  const out: string[] = [];
  let afterDoubleDash = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (afterDoubleDash) {
      out.push(arg);
    } else if (arg === '--') {
      afterDoubleDash = true;
    } else if (arg.startsWith('--') && arg.includes('=')) {
      continue;
    } else if (flagsWithValues.includes(arg)) {
      if (index + 1 < args.length) index++;
    } else if (!arg.startsWith('-')) {
      out.push(arg);
    }
  }
  return out;
}

function singleOperand(args: readonly string[], flagsWithValues: readonly string[] = []): string | undefined {
  const operands = positionalOperands(args, flagsWithValues);
  return operands.length === 1 ? operands[0] : undefined;
}

const nonFlags = (args: readonly string[]) => args.filter((arg) => !arg.startsWith('-'));
const isDigits = (text: string) => /^\d+$/.test(text);

/** `N` or `M,N` followed by `p` (a `sed -n` line range). */
export function isLineRangePrint(arg: string | undefined): boolean {
  return arg !== undefined && /^\d+(,\d+)?p$/.test(arg);
}

/** The file a `sed -n <range> <file>` reads, or undefined when it is not such a read. */
function sedReadPath(args: readonly string[]): string | undefined {
  const tokens = untilConnector(args);
  if (!tokens.includes('-n')) return undefined;
  let hasRange = false;
  for (let index = 0; index < tokens.length; index++) {
    const arg = tokens[index] as string;
    if (arg === '-e' || arg === '--expression') {
      if (isLineRangePrint(tokens[index + 1])) hasRange = true;
      index++;
    } else if (arg === '-f' || arg === '--file') {
      index++;
    }
  }
  if (!hasRange) hasRange = tokens.some((arg) => !arg.startsWith('-') && isLineRangePrint(arg));
  if (!hasRange) return undefined;
  const operands = nonFlags(skipFlagValues(tokens, ['-e', '-f', '--expression', '--file']));
  const [first, second] = operands;
  if (first === undefined) return undefined;
  return isLineRangePrint(first) ? second : first;
}

/** The data file of an `awk` invocation (the operand after the program, or the first with `-f`). */
function awkDataFile(args: readonly string[]): string | undefined {
  const tokens = untilConnector(args);
  const hasScriptFile = tokens.some((arg) => arg === '-f' || arg === '--file');
  const operands = nonFlags(skipFlagValues(tokens, ['-F', '-v', '-f', '--field-separator', '--assign', '--file']));
  return hasScriptFile ? operands[0] : operands[1];
}

/** `xargs perl -pi …`, `xargs sed -i …`, `xargs rg --replace …`: an xargs stage that edits files. */
function isMutatingXargs(tokens: readonly string[]): boolean {
  let index = 1;
  let command: readonly string[] = [];
  while (index < tokens.length) {
    const token = tokens[index] as string;
    if (token === '--') {
      command = tokens.slice(index + 1);
      break;
    }
    if (!token.startsWith('-')) {
      command = tokens.slice(index);
      break;
    }
    index += ['-E', '-e', '-I', '-L', '-n', '-P', '-s'].includes(token) ? 2 : 1;
  }
  const [head, ...tail] = command;
  const inPlace = tail.some((token) => token.startsWith('-i') || token.startsWith('-pi'));
  switch (head) {
    case 'perl':
    case 'ruby':
      return inPlace;
    case 'sed':
      return inPlace || tail.includes('--in-place');
    case 'rg':
      return tail.includes('--replace');
    default:
      return false;
  }
}

/** A count like `30` or `+10` as `tail -n`/`-c` accept it. */
const isTailCount = (text: string) => /^\+?\d+$/.test(text);

/**
 * Whether a pipeline stage only formats the output of another (`wc -l`, `head -n 40`, `sed -n 1,5p` without a file),
 * so the summary should describe the other stage instead.
 */
export function isSmallFormattingCommand(tokens: readonly string[]): boolean {
  const [head] = tokens;
  if (head === undefined) return false;
  switch (head) {
    case 'wc':
    case 'tr':
    case 'cut':
    case 'sort':
    case 'uniq':
    case 'tee':
    case 'column':
    case 'yes':
    case 'printf':
      return true;
    case 'xargs':
      return !isMutatingXargs(tokens);
    case 'awk':
      return awkDataFile(tokens.slice(1)) === undefined;
    case 'head': {
      if (tokens.length === 1) return true;
      if (tokens.length === 2) return (tokens[1] as string).startsWith('-');
      const [, flag, count] = tokens as [string, string, string];
      return tokens.length === 3 && (flag === '-n' || flag === '-c') && isDigits(count);
    }
    case 'tail': {
      if (tokens.length === 1) return true;
      if (tokens.length === 2) return (tokens[1] as string).startsWith('-');
      const [, flag, count] = tokens as [string, string, string];
      return tokens.length === 3 && (flag === '-n' || flag === '-c') && isTailCount(count);
    }
    case 'sed':
      return sedReadPath(tokens.slice(1)) === undefined;
    default:
      return false;
  }
}

function read(argv: readonly string[], path: string): CommandAction {
  return { type: 'read', command: shlexJoin(argv), name: shortDisplayPath(path), path };
}

function unknown(argv: readonly string[]): CommandAction {
  return { type: 'unknown', command: shlexJoin(argv) };
}

const GREP_FLAGS_WITH_VALUES = [
  '-m', '--max-count', '-C', '--context', '-A', '--after-context', '-B', '--before-context',
];

/** `grep`-style arguments: the pattern (`-e`/`-f` or first operand) and the path after it. */
function grepLike(argv: readonly string[], args: readonly string[]): CommandAction {
  const tokens = untilConnector(args);
  const operands: string[] = [];
  let pattern: string | undefined;
  let afterDoubleDash = false;
  for (let index = 0; index < tokens.length; index++) {
    const arg = tokens[index] as string;
    if (afterDoubleDash) {
      operands.push(arg);
      continue;
    }
    if (arg === '--') {
      afterDoubleDash = true;
    } else if (arg === '-e' || arg === '--regexp' || arg === '-f' || arg === '--file') {
      const value = tokens[index + 1];
      index++;
      if (value !== undefined && pattern === undefined) pattern = value;
    } else if (GREP_FLAGS_WITH_VALUES.includes(arg)) {
      index++;
    } else if (!arg.startsWith('-')) {
      operands.push(arg);
    }
  }
  // The pattern is kept verbatim (it may contain slashes); only the path is shortened.
  const query = pattern ?? operands[0] ?? null;
  const path = operands[pattern === undefined ? 1 : 0];
  return { type: 'search', command: shlexJoin(argv), query, path: displayPath(path) };
}

/** `head -n 50 file`, `head -n50 file`, `tail -n +10 file`, or a lone `head file`. */
function headOrTail(
  argv: readonly string[],
  args: readonly string[],
  countOk: (text: string) => boolean,
): CommandAction {
  const [first, second] = args;
  const hasCount =
    first === '-n'
      ? second !== undefined && countOk(second)
      : first !== undefined && first.startsWith('-n') && countOk(first.slice(2));
  if (hasCount) {
    const candidates = first === '-n' ? args.slice(2) : args.slice(1);
    const path = candidates.find((arg) => !arg.startsWith('-'));
    if (path !== undefined) return read(argv, path);
  }
  if (args.length === 1 && first !== undefined && !first.startsWith('-')) return read(argv, first);
  return unknown(argv);
}

const isPython = (name: string) => /^python[23]?$/.test(name) || /^python[23]\./.test(name);
const FILE_WALKING = ['os.walk', 'os.listdir', 'os.scandir', 'glob.glob', 'glob.iglob', 'pathlib.Path', '.rglob('];

/** `python -c '…'` whose program walks the file system counts as listing files. */
function pythonWalksFiles(args: readonly string[]): boolean {
  const tokens = untilConnector(args);
  const index = tokens.indexOf('-c');
  const program = index === -1 ? undefined : tokens[index + 1];
  return program !== undefined && FILE_WALKING.some((marker) => program.includes(marker));
}

/** `fd [pattern] [path]`: a lone operand is a path when it looks like one, else a pattern. */
function fdAction(argv: readonly string[], args: readonly string[]): CommandAction {
  const operands = nonFlags(
    skipFlagValues(untilConnector(args), ['-t', '--type', '-e', '--extension', '-E', '--exclude', '--search-path']),
  );
  const [first, second] = operands;
  const pathish = (text: string) => text === '.' || text === '..' || text.includes('/') || text.includes('\\');
  let query: string | null = null;
  let path: string | null = null;
  if (first !== undefined && second !== undefined) {
    query = first;
    path = shortDisplayPath(second);
  } else if (first !== undefined) {
    if (pathish(first)) path = shortDisplayPath(first);
    else query = first;
  }
  const command = shlexJoin(argv);
  return query === null ? { type: 'listFiles', command, path } : { type: 'search', command, query, path };
}

/** `find <root> … [-name|-iname|-path|-regex <pattern>]`. */
function findAction(argv: readonly string[], args: readonly string[]): CommandAction {
  const tokens = untilConnector(args);
  const root = tokens.find((arg) => !arg.startsWith('-') && arg !== '!' && arg !== '(' && arg !== ')');
  const path = displayPath(root);
  const filter = tokens.findIndex((arg) => ['-name', '-iname', '-path', '-regex'].includes(arg));
  const query = filter === -1 ? null : (tokens[filter + 1] ?? null);
  const command = shlexJoin(argv);
  return query === null ? { type: 'listFiles', command, path } : { type: 'search', command, query, path };
}

function listFiles(argv: readonly string[], args: readonly string[], valueFlags: readonly string[]): CommandAction {
  const path = displayPath(positionalOperands(args, valueFlags)[0]);
  return { type: 'listFiles', command: shlexJoin(argv), path };
}

/** The action of one plain command. */
export function summarizeCommand(argv: readonly string[]): CommandAction {
  const [head, ...args] = argv;
  if (head === undefined) return unknown(argv);
  switch (head) {
    case 'ls':
      return listFiles(argv, args, [
        '-I', '-w', '--block-size', '--format', '--time-style', '--color', '--quoting-style',
      ]);
    case 'eza':
    case 'exa':
      return listFiles(argv, args, ['-I', '--ignore-glob', '--color', '--sort', '--time-style', '--time']);
    case 'tree':
      return listFiles(argv, args, ['-L', '-P', '-I', '--charset', '--filelimit', '--sort']);
    case 'du':
      return listFiles(argv, args, ['-d', '--max-depth', '-B', '--block-size', '--exclude', '--time-style']);
    case 'rg':
    case 'rga':
    case 'ripgrep-all': {
      const tokens = untilConnector(args);
      const operands = nonFlags(
        skipFlagValues(tokens, [
          '-g', '--glob', '--iglob', '-t', '--type', '--type-add', '--type-not', '-m', '--max-count', '-A', '-B', '-C',
          '--context', '--max-depth',
        ]),
      );
      const [first, second] = operands;
      const command = shlexJoin(argv);
      if (tokens.includes('--files')) {
        return { type: 'listFiles', command, path: displayPath(first) };
      }
      return { type: 'search', command, query: first ?? null, path: displayPath(second) };
    }
    case 'git': {
      const [subcommand, ...rest] = args;
      if (subcommand === 'grep') return grepLike(argv, rest);
      if (subcommand === 'ls-files') {
        return listFiles(argv, rest, ['--exclude', '--exclude-from', '--pathspec-from-file']);
      }
      return unknown(argv);
    }
    case 'fd':
      return fdAction(argv, args);
    case 'find':
      return findAction(argv, args);
    case 'grep':
    case 'egrep':
    case 'fgrep':
      return grepLike(argv, args);
    case 'ag':
    case 'ack':
    case 'pt': {
      const operands = nonFlags(
        skipFlagValues(untilConnector(args), [
          '-G', '-g', '--file-search-regex', '--ignore-dir', '--ignore-file', '--path-to-ignore',
        ]),
      );
      const [first, second] = operands;
      return {
        type: 'search',
        command: shlexJoin(argv),
        query: first ?? null,
        path: displayPath(second),
      };
    }
    case 'cat':
    case 'more': {
      const path = singleOperand(args);
      return path === undefined ? unknown(argv) : read(argv, path);
    }
    case 'bat':
    case 'batcat': {
      const path = singleOperand(args, [
        '--theme', '--language', '--style', '--terminal-width', '--tabs', '--line-range', '--map-syntax',
      ]);
      return path === undefined ? unknown(argv) : read(argv, path);
    }
    case 'less': {
      const path = singleOperand(args, [
        '-p', '-P', '-x', '-y', '-z', '-j', '--pattern', '--prompt', '--tabs', '--shift', '--jump-target',
      ]);
      return path === undefined ? unknown(argv) : read(argv, path);
    }
    case 'head':
      return headOrTail(argv, args, isDigits);
    case 'tail':
      return headOrTail(argv, args, isTailCount);
    case 'awk': {
      const path = awkDataFile(args);
      return path === undefined ? unknown(argv) : read(argv, path);
    }
    case 'nl': {
      // Option values (`nl -s '  '`) are not paths.
      const path = skipFlagValues(args, ['-s', '-w', '-v', '-i', '-b']).find((arg) => !arg.startsWith('-'));
      return path === undefined ? unknown(argv) : read(argv, path);
    }
    case 'sed': {
      const path = sedReadPath(args);
      return path === undefined ? unknown(argv) : read(argv, path);
    }
    default:
      if (isPython(head) && pythonWalksFiles(args)) return { type: 'listFiles', command: shlexJoin(argv), path: null };
      return unknown(argv);
  }
}
