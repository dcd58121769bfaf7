import { basename } from 'node:path';

/**
 * The two views of a `bash -lc '<script>'` wrapper that command policy needs: the script itself, and — when the
 * script is nothing but plain commands joined by `&&`, `||`, `;` or `|` — the argv of each command. The reference
 * parses scripts with tree-sitter-bash and accepts only a fixed set of node kinds (`try_parse_word_only_commands_
 * sequence`, codex-rs/shell-command/src/bash.rs); this is a hand-written scanner for the same language subset, and it
 * errs the same way: anything it cannot prove plain (expansions, redirections, subshells, control flow, assignments,
 * comments, escapes) makes the whole script "not plain".
 */

/** Shells whose `-c`/`-lc` script we understand, by executable name (`/bin/bash`, `zsh`, `sh`, …). */
const POSIX_SHELLS = new Set(['bash', 'zsh', 'sh']);

/** The script of `[shell, '-c' | '-lc', script]` for bash, zsh or sh; null for any other argv shape. */
export function extractShellScript(argv: readonly string[]): string | null {
  if (argv.length !== 3) return null;
  const [shell, flag, script] = argv as [string, string, string];
  if (flag !== '-c' && flag !== '-lc') return null;
  const name = basename(shell).replace(/\.exe$/i, '');
  return POSIX_SHELLS.has(name) ? script : null;
}

/** Words that start a compound command or negate one: a script using them is not a plain sequence. */
const RESERVED_WORDS = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'in', 'function',
  'select', 'time', 'coproc', '!', '[[', ']]',
]);

/** `NAME=value` (or `NAME[i]=`, `NAME+=`) at command position is an assignment, not a command name. */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

type Separator = '&&' | '||' | ';' | '|' | 'newline';

interface Word {
  readonly value: string;
  /** The word exactly as written, quotes included. */
  readonly raw: string;
  /** True when no part of the word was quoted. */
  readonly bare: boolean;
}

type Token = { readonly kind: 'word'; readonly word: Word } | { readonly kind: 'separator'; readonly op: Separator };

/**
 * Characters that may never appear unquoted in a plain script: redirections, subshells, substitutions, expansions,
 * escapes, and — as the 0.169 binary shows (`ls *.txt`, `ls ~/x`, `ls {a,b}`, `ls a#b` all come out "unknown") —
 * globs, tildes, braces and `#`, which tree-sitter parses into nodes the reference does not accept.
 */
const FORBIDDEN_UNQUOTED = new Set(['<', '>', '(', ')', '`', '$', '{', '}', '\\', '*', '?', '[', ']', '~', '#']);

/** Tokens of a script, or null when it contains something outside the plain subset. */
function tokenize(script: string): Token[] | null {
  const tokens: Token[] = [];
  let index = 0;
  while (index < script.length) {
    const char = script[index] as string;
    if (char === ' ' || char === '\t' || char === '\r') {
      index++;
      continue;
    }
    if (char === '\n') {
      tokens.push({ kind: 'separator', op: 'newline' });
      index++;
      continue;
    }
    const next = script[index + 1];
    if (char === '&') {
      if (next !== '&') return null; // background `&`, `&>` redirection
      tokens.push({ kind: 'separator', op: '&&' });
      index += 2;
      continue;
    }
    if (char === '|') {
      if (next === '|') {
        tokens.push({ kind: 'separator', op: '||' });
        index += 2;
      } else if (next === '&') {
        return null; // `|&` also pipes stderr
      } else {
        tokens.push({ kind: 'separator', op: '|' });
        index++;
      }
      continue;
    }
    if (char === ';') {
      if (next === ';' || next === '&') return null; // case terminators
      tokens.push({ kind: 'separator', op: ';' });
      index++;
      continue;
    }
    const word = readWord(script, index);
    if (word === null) return null;
    tokens.push({ kind: 'word', word: word.word });
    index = word.end;
  }
  return tokens;
}

/** One word starting at `start`: bare characters, `'…'` and `"…"` parts, concatenated. */
function readWord(script: string, start: number): { word: Word; end: number } | null {
  let value = '';
  let bare = true;
  let index = start;
  while (index < script.length) {
    const char = script[index] as string;
    if (' \t\r\n&|;'.includes(char)) break;
    if (FORBIDDEN_UNQUOTED.has(char)) return null;
    if (char === "'") {
      const close = script.indexOf("'", index + 1);
      if (close === -1) return null;
      value += script.slice(index + 1, close);
      bare = false;
      index = close + 1;
      continue;
    }
    if (char === '"') {
      let close = index + 1;
      while (close < script.length && script[close] !== '"') close += script[close] === '\\' ? 2 : 1;
      if (close >= script.length) return null;
      const content = script.slice(index + 1, close);
      // Expansions inside double quotes make the value unknowable; the reference keeps other content raw.
      if (content.includes('$') || content.includes('`')) return null;
      value += content;
      bare = false;
      index = close + 1;
      continue;
    }
    value += char;
    index++;
  }
  return { word: { value, raw: script.slice(start, index), bare }, end: index };
}

/**
 * The argv of every command of a script made only of plain commands joined by `&&`, `||`, `;`, `|` (or newlines),
 * in source order; `[]` for an empty script; null when the script uses anything else. A command name must be a bare
 * word: `'git status'` names a program called "git status", which is not the same thing.
 */
export function parsePlainCommands(script: string): string[][] | null {
  const tokens = tokenize(script);
  if (tokens === null) return null;
  const commands: string[][] = [];
  let current: Word[] = [];
  // After `&&`, `||` or `|` a command must follow (a newline may come first); after `;` or a newline it may not.
  let pendingOperator = false;
  const finish = (): boolean => {
    if (current.length === 0) return true;
    const [name] = current as [Word];
    if (!name.bare || RESERVED_WORDS.has(name.value) || ASSIGNMENT.test(name.raw)) return false;
    commands.push(current.map((word) => word.value));
    current = [];
    return true;
  };
  for (const token of tokens) {
    if (token.kind === 'word') {
      current.push(token.word);
      pendingOperator = false;
      continue;
    }
    if (token.op === 'newline') {
      if (!finish()) return null;
      continue;
    }
    // An operator with no command before it (`&& ls`, `ls ;; pwd`, `ls | | wc`).
    if (current.length === 0) return null;
    if (!finish()) return null;
    pendingOperator = token.op !== ';';
  }
  if (pendingOperator && current.length === 0) return null; // trailing `&&`, `||` or `|`
  if (!finish()) return null;
  return commands;
}

/** The plain commands of a `bash -lc` wrapper ({@link parsePlainCommands}); null when not a wrapper or not plain. */
export function parseShellWrapperPlainCommands(argv: readonly string[]): string[][] | null {
  const script = extractShellScript(argv);
  return script === null ? null : parsePlainCommands(script);
}
