/**
 * POSIX-shell word quoting and splitting with the exact output of the Rust `shlex` crate (1.3), which the reference
 * uses to render commands (`shlex::try_join`) and to re-tokenize scripts (`shlex::split`). Display strings such as a
 * `commandActions[].command` or the `` `cmd` rejected: … `` reasons depend on it byte for byte: `--colors=never` is
 * rendered `'--colors=never'` because `=` is not in the crate's unquoted set.
 */

/** Bytes the crate emits without quotes; everything else (including all non-ASCII) needs quoting. */
const UNQUOTED_OK = /^[+\-./:@\]_0-9A-Za-z]$/;

/** Inside single quotes everything is literal except `'` itself, `^` (a Bash history quirk) and `\` (fish). */
function singleQuotedOk(char: string): boolean {
  return char !== "'" && char !== '^' && char !== '\\';
}

/** Inside double quotes `$` and `` ` `` would expand and `!`/`^` are interactive-history characters. */
function doubleQuotedOk(char: string): boolean {
  return char !== '$' && char !== '`' && char !== '!' && char !== '^';
}

type Strategy = 'unquoted' | 'single' | 'double';
const UNQUOTED = 1;
const SINGLE = 2;
const DOUBLE = 4;

/** The longest prefix of `chars` (from `start`) that one strategy covers, and that strategy. */
function chunk(chars: readonly string[], start: number): { end: number; strategy: Strategy } {
  let allowed = UNQUOTED | SINGLE | DOUBLE;
  let index = start;
  // The crate allows a leading `^` only right after an opening single quote.
  if (chars[index] === '^') {
    allowed = SINGLE;
    index++;
  }
  for (; index < chars.length; index++) {
    const char = chars[index] as string;
    let next = allowed;
    const ascii = char.length === 1 && char.charCodeAt(0) < 0x80;
    if (!ascii || !UNQUOTED_OK.test(char)) next &= ~UNQUOTED;
    if (ascii && !singleQuotedOk(char)) next &= ~SINGLE;
    if (ascii && !doubleQuotedOk(char)) next &= ~DOUBLE;
    if (next === 0) break;
    allowed = next;
  }
  const strategy: Strategy = allowed & UNQUOTED ? 'unquoted' : allowed & SINGLE ? 'single' : 'double';
  return { end: index, strategy };
}

/** One word as the crate's `try_quote` renders it (`''` for the empty word). */
export function shlexQuote(word: string): string {
  if (word === '') return "''";
  const chars = Array.from(word);
  let out = '';
  for (let index = 0; index < chars.length; ) {
    const { end, strategy } = chunk(chars, index);
    const text = chars.slice(index, end).join('');
    if (strategy === 'unquoted') out += text;
    else if (strategy === 'single') out += `'${text}'`;
    else out += `"${text.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;
    index = end;
  }
  return out;
}

/** Words joined by single spaces, each quoted as needed (the crate's `try_join`). */
export function shlexJoin(words: readonly string[]): string {
  return words.map(shlexQuote).join(' ');
}

/**
 * Splits text into words like the crate's `split`: blanks separate words, `'…'` is literal, `"…"` honours `\`
 * before `$`, `` ` ``, `"`, `\` and newline, a bare `\` escapes the next character, and `#` at the start of a word
 * comments out the rest of the line. Operators are not special (`a|b` is one word). Returns null for an unterminated
 * quote or a trailing backslash.
 */
export function shlexSplit(text: string): string[] | null {
  const words: string[] = [];
  let index = 0;
  const length = text.length;
  const isBlank = (char: string | undefined) => char === ' ' || char === '\t' || char === '\n';
  while (index < length) {
    while (index < length && isBlank(text[index])) index++;
    if (index >= length) break;
    if (text[index] === '#') {
      while (index < length && text[index] !== '\n') index++;
      continue;
    }
    let word = '';
    while (index < length && !isBlank(text[index])) {
      const char = text[index] as string;
      if (char === "'") {
        const close = text.indexOf("'", index + 1);
        if (close === -1) return null;
        word += text.slice(index + 1, close);
        index = close + 1;
      } else if (char === '"') {
        index++;
        for (;;) {
          if (index >= length) return null;
          const inner = text[index] as string;
          if (inner === '"') {
            index++;
            break;
          }
          if (inner === '\\') {
            const escaped = text[index + 1];
            if (escaped === undefined) return null;
            if (escaped === '\n') {
              index += 2;
            } else if (escaped === '$' || escaped === '`' || escaped === '"' || escaped === '\\') {
              word += escaped;
              index += 2;
            } else {
              word += '\\';
              index++;
            }
            continue;
          }
          word += inner;
          index++;
        }
      } else if (char === '\\') {
        const escaped = text[index + 1];
        if (escaped === undefined) return null;
        if (escaped !== '\n') word += escaped;
        index += 2;
      } else {
        word += char;
        index++;
      }
    }
    words.push(word);
  }
  return words;
}
