/**
 * Every simple command a shell script may run, wherever it sits: inside `if`/`for`/`while` bodies, subshells, groups,
 * pipelines and `$(…)`/`` `…` `` substitutions (also inside double quotes). The reference collects these "literal
 * commands" with tree-sitter (`parse_shell_lc_literal_commands`) to find a forced `rm` hidden in a complex script,
 * e.g. `for t in a b; do rm -r -f "$t"; done`. This scanner is deliberately tolerant: a false command costs at most an
 * extra approval prompt, a missed one would let a dangerous command through. Unlike tree-sitter it does not reject
 * scripts with syntax errors, so `if then rm -rf x` still counts as containing `rm -rf x`.
 */

/** A word of a command: its value when it is literal text, null when it depends on an expansion. */
export type LiteralWord = string | null;

/** Words that introduce the command after them (`then rm -rf x`) and are dropped from its front. */
const LEADING_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', 'time', '{', '}']);
/** Words that make the rest of their "command" something other than a command (`for x in a b`). */
const NON_COMMAND_KEYWORDS = new Set(['for', 'case', 'select', 'function', 'in', 'esac', 'fi', 'done', '[[', 'coproc']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

interface PendingWord {
  value: string;
  raw: string;
  literal: boolean;
  started: boolean;
}

/** Index just past the `)` closing the `(` at `open`, skipping quoted text; the text length when unbalanced. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') {
      index++;
    } else if (char === "'") {
      const close = text.indexOf("'", index + 1);
      index = close === -1 ? text.length : close;
    } else if (char === '"') {
      index++;
      while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
    } else if (char === '(') {
      depth++;
    } else if (char === ')') {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return text.length;
}

/** Index just past the backtick closing the one at `open`. */
function closingBacktick(text: string, open: number): number {
  for (let index = open + 1; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '`') return index + 1;
  }
  return text.length;
}

class Scanner {
  readonly commands: LiteralWord[][] = [];
  #words: PendingWord[] = [];
  #word: PendingWord = { value: '', raw: '', literal: true, started: false };
  #heredocs: { delimiter: string; stripTabs: boolean }[] = [];

  constructor(private readonly text: string) {}

  scan(): LiteralWord[][] {
    const text = this.text;
    let index = 0;
    while (index < text.length) {
      const char = text[index] as string;
      const next = text[index + 1];
      if (char === ' ' || char === '\t' || char === '\r') {
        this.#endWord();
        index++;
      } else if (char === '\n') {
        this.#endCommand();
        index = this.#skipHeredocBodies(index + 1);
      } else if (char === '&' && next === '>') {
        this.#endWord();
        index = this.#redirection(index + 1);
      } else if (char === ';' || char === '&' || char === '|' || char === '(' || char === ')') {
        this.#endCommand();
        index++;
      } else if ((char === '{' || char === '}') && !this.#word.started && /[\s;]|^$/.test(next ?? '')) {
        // A group delimiter; `{a,b}` inside a word is a brace expansion, handled as an ordinary character.
        this.#endCommand();
        index++;
      } else if (char === '<' || char === '>') {
        // A leading file-descriptor number (`2>`) belongs to the redirection, not to the command.
        if (this.#word.started && /^\d+$/.test(this.#word.raw)) this.#word = this.#freshWord();
        this.#endWord();
        index = this.#redirection(index);
      } else if (char === '#' && !this.#word.started) {
        const end = text.indexOf('\n', index);
        index = end === -1 ? text.length : end;
      } else {
        index = this.#wordPart(index);
      }
    }
    this.#endCommand();
    return this.commands;
  }

  #freshWord(): PendingWord {
    return { value: '', raw: '', literal: true, started: false };
  }

  /** Consumes one piece of a word starting at `index` (a character, a quoted string, an expansion). */
  #wordPart(index: number): number {
    const text = this.text;
    const char = text[index] as string;
    const word = this.#word;
    word.started = true;
    if (char === "'") {
      const close = text.indexOf("'", index + 1);
      const end = close === -1 ? text.length : close;
      word.value += text.slice(index + 1, end);
      word.raw += text.slice(index, end + 1);
      return end + 1;
    }
    if (char === '"') {
      let cursor = index + 1;
      while (cursor < text.length && text[cursor] !== '"') {
        const inner = text[cursor] as string;
        if (inner === '\\') {
          word.value += text[cursor + 1] ?? '';
          cursor += 2;
        } else if (inner === '$' || inner === '`') {
          cursor = this.#expansion(cursor);
        } else {
          word.value += inner;
          cursor++;
        }
      }
      word.raw += text.slice(index, cursor + 1);
      return cursor + 1;
    }
    if (char === '$' || char === '`') {
      const end = this.#expansion(index);
      word.raw += text.slice(index, end);
      return end;
    }
    if (char === '\\') {
      if (text[index + 1] !== '\n') word.value += text[index + 1] ?? '';
      word.raw += text.slice(index, index + 2);
      return index + 2;
    }
    if ('*?['.includes(char) || (char === '{' && text.includes('}', index))) word.literal = false;
    word.value += char;
    word.raw += char;
    return index + 1;
  }

  /** An expansion at `index` (`$x`, `${…}`, `$(…)`, `$((…))`, `` `…` ``): the word stops being literal. */
  #expansion(index: number): number {
    const text = this.text;
    this.#word.literal = false;
    if (text[index] === '`') {
      const end = closingBacktick(text, index);
      this.#nested(text.slice(index + 1, end - 1));
      return end;
    }
    const next = text[index + 1];
    if (next === '(') {
      const end = closingParen(text, index + 1);
      if (text[index + 2] !== '(') this.#nested(text.slice(index + 2, end - 1));
      return end;
    }
    if (next === '{') {
      const close = text.indexOf('}', index + 2);
      return close === -1 ? text.length : close + 1;
    }
    if (next === "'") {
      const close = text.indexOf("'", index + 2);
      return close === -1 ? text.length : close + 1;
    }
    const name = /^([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(text.slice(index + 1));
    return index + 1 + (name?.[0].length ?? 0);
  }

  /** Commands of a substitution, scanned as their own script. */
  #nested(script: string): void {
    this.commands.push(...new Scanner(script).scan());
  }

  /** Skips a redirection operator at `index` and its target; heredoc delimiters are remembered. */
  #redirection(index: number): number {
    const text = this.text;
    const operator = /^(<<<|<<-|<<|>>|>&|<&|>\||<>|<|>)/.exec(text.slice(index))?.[0] ?? text[index] ?? '';
    let cursor = index + operator.length;
    if ((operator === '<' || operator === '>') && text[cursor] === '(') {
      // Process substitution `<(cmd)` / `>(cmd)` runs a command.
      const end = closingParen(text, cursor);
      this.#nested(text.slice(cursor + 1, end - 1));
      return end;
    }
    while (text[cursor] === ' ' || text[cursor] === '\t') cursor++;
    const saved = this.#word;
    this.#word = this.#freshWord();
    while (cursor < text.length && !/[\s;&|<>()]/.test(text[cursor] as string)) cursor = this.#wordPart(cursor);
    const target = this.#word;
    this.#word = saved;
    if (operator === '<<' || operator === '<<-') {
      this.#heredocs.push({ delimiter: target.value, stripTabs: operator === '<<-' });
    }
    return cursor;
  }

  /** After a newline, skips the bodies of heredocs announced on the line just ended. */
  #skipHeredocBodies(index: number): number {
    let cursor = index;
    for (const { delimiter, stripTabs } of this.#heredocs) {
      while (cursor < this.text.length) {
        const end = this.text.indexOf('\n', cursor);
        const lineEnd = end === -1 ? this.text.length : end;
        let line = this.text.slice(cursor, lineEnd);
        if (stripTabs) line = line.replace(/^\t+/, '');
        cursor = lineEnd + 1;
        if (line === delimiter) break;
      }
    }
    this.#heredocs = [];
    return Math.min(cursor, this.text.length);
  }

  #endWord(): void {
    if (this.#word.started) this.#words.push(this.#word);
    this.#word = this.#freshWord();
  }

  #endCommand(): void {
    this.#endWord();
    let words = this.#words;
    this.#words = [];
    // Drop keywords that merely introduce a command, and leading variable assignments.
    for (;;) {
      const first = words[0];
      if (first === undefined) return;
      if (first.literal && NON_COMMAND_KEYWORDS.has(first.value) && first.raw === first.value) return;
      const isKeyword = first.literal && LEADING_KEYWORDS.has(first.value) && first.raw === first.value;
      if (!isKeyword && !ASSIGNMENT.test(first.raw)) break;
      words = words.slice(1);
    }
    this.commands.push(words.map((word) => (word.literal ? word.value : null)));
  }
}

/** The commands of `script`, each as its words (see {@link LiteralWord}). */
export function literalCommands(script: string): LiteralWord[][] {
  return new Scanner(script).scan();
}
