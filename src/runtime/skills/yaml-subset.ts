/**
 * A reader for the YAML that skill files use: block mappings and sequences by indentation, plain, quoted and
 * block (`|`, `>`) scalars, flow sequences of scalars, comments. Scalars stay strings (`null`/`~`/empty are
 * null): the fields read from skills are all text. Anything outside this subset (anchors, tags, flow mappings,
 * multi-document streams) is reported as an error rather than guessed at.
 */

export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

export class YamlError extends Error {
  constructor(message: string, line: number) {
    super(`${message} at line ${line}`);
    this.name = 'YamlError';
  }
}

interface Line {
  readonly number: number;
  indent: number;
  text: string;
}

export function parseYaml(source: string): YamlValue {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*(#.*)?$/.test(raw)) return;
    if (raw.includes('\t') && /^\s*\t/.test(raw)) throw new YamlError('found a tab character where indentation is expected', index + 1);
    const indent = raw.length - raw.trimStart().length;
    lines.push({ number: index + 1, indent, text: raw.trimStart() });
  });
  const rawLines = source.split(/\r?\n/);
  const parser = new Parser(lines, rawLines);
  if (lines.length === 0) return null;
  const value = parser.block(lines[0]?.indent ?? 0);
  const rest = parser.peek();
  if (rest !== undefined) throw new YamlError('did not find expected key', rest.number);
  return value;
}

class Parser {
  #at = 0;

  constructor(
    private readonly lines: Line[],
    private readonly raw: readonly string[],
  ) {}

  peek(): Line | undefined {
    return this.lines[this.#at];
  }

  block(indent: number): YamlValue {
    const first = this.peek();
    if (first === undefined) return null;
    return isSequenceItem(first.text) ? this.sequence(first.indent) : this.mapping(Math.max(indent, first.indent));
  }

  mapping(indent: number): { [key: string]: YamlValue } {
    const result: { [key: string]: YamlValue } = {};
    for (let line = this.peek(); line !== undefined && line.indent === indent; line = this.peek()) {
      if (isSequenceItem(line.text)) break;
      const { key, rest } = splitKey(line);
      this.#at++;
      if (Object.hasOwn(result, key)) throw new YamlError(`duplicate key \`${key}\``, line.number);
      Object.defineProperty(result, key, {
        value: this.valueAfterKey(rest, indent, line),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    const next = this.peek();
    if (next !== undefined && next.indent > indent) throw new YamlError('mapping values are not allowed in this context', next.number);
    return result;
  }

  sequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (let line = this.peek(); line !== undefined && line.indent === indent && isSequenceItem(line.text); line = this.peek()) {
      const rest = line.text === '-' ? '' : line.text.slice(2).trimStart();
      if (rest === '') {
        this.#at++;
        const next = this.peek();
        items.push(next !== undefined && next.indent > indent ? this.block(next.indent) : null);
      } else if (looksLikeKey(rest)) {
        // `- key: value` opens a mapping whose keys line up with `key`.
        line.indent = indent + (line.text.length - rest.length);
        line.text = rest;
        items.push(this.mapping(line.indent));
      } else {
        this.#at++;
        items.push(this.scalar(rest, indent, line));
      }
    }
    return items;
  }

  valueAfterKey(rest: string, indent: number, line: Line): YamlValue {
    if (rest === '' || rest.startsWith('#')) {
      const next = this.peek();
      if (next === undefined) return null;
      if (next.indent > indent) return this.block(next.indent);
      // A sequence may sit at its key's own indentation.
      if (next.indent === indent && isSequenceItem(next.text)) return this.sequence(indent);
      return null;
    }
    return this.scalar(rest, indent, line);
  }

  scalar(text: string, indent: number, line: Line): YamlValue {
    const first = text[0];
    if (first === '|' || first === '>') return this.blockScalar(text, indent, line);
    if (first === '"' || first === "'") return this.quoted(text, indent, line);
    if (first === '[') return flowSequence(text, line);
    if (first === '{' || first === '&' || first === '*' || first === '!') {
      throw new YamlError(`unsupported YAML construct \`${first}\``, line.number);
    }
    const parts = [stripComment(text)];
    // Continuation lines of a plain scalar are folded with single spaces.
    for (let next = this.peek(); next !== undefined && next.indent > indent; next = this.peek()) {
      if (looksLikeKey(next.text)) throw new YamlError('mapping values are not allowed in this context', next.number);
      parts.push(stripComment(next.text));
      this.#at++;
    }
    const joined = parts.join(' ');
    if (/:\s/.test(joined) || joined.endsWith(':')) {
      throw new YamlError('mapping values are not allowed in this context', line.number);
    }
    return joined === '' || joined === '~' || joined === 'null' ? null : joined;
  }

  quoted(text: string, indent: number, line: Line): string {
    const quote = text[0] ?? '"';
    let body = text.slice(1);
    // A quoted scalar may continue on following lines; line breaks fold to spaces.
    for (let close = closingQuote(body, quote); close < 0; close = closingQuote(body, quote)) {
      const next = this.peek();
      if (next === undefined || next.indent <= indent) throw new YamlError('found unexpected end of stream', line.number);
      body += ` ${next.text}`;
      this.#at++;
    }
    const close = closingQuote(body, quote);
    const after = body.slice(close + 1).trim();
    if (after !== '' && !after.startsWith('#')) throw new YamlError('did not find expected key', line.number);
    const content = body.slice(0, close);
    return quote === "'" ? content.replaceAll("''", "'") : unescapeDouble(content, line.number);
  }

  blockScalar(header: string, indent: number, line: Line): string {
    const folded = header[0] === '>';
    const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
    // Block content is every following raw line more indented than the key, blank lines included.
    const body: string[] = [];
    let rawIndex = line.number;
    let contentIndent = -1;
    for (; rawIndex < this.raw.length; rawIndex++) {
      const raw = this.raw[rawIndex] ?? '';
      if (raw.trim() === '') {
        body.push('');
        continue;
      }
      const lineIndent = raw.length - raw.trimStart().length;
      if (lineIndent <= indent) break;
      if (contentIndent < 0) contentIndent = lineIndent;
      if (lineIndent < contentIndent) break;
      body.push(raw.slice(contentIndent));
    }
    while (this.peek() !== undefined && (this.peek()?.number ?? 0) <= rawIndex) this.#at++;
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === '') {
      body.pop();
      trailing++;
    }
    let text = folded ? foldLines(body) : body.join('\n');
    if (chomp === 'clip' && body.length > 0) text += '\n';
    if (chomp === 'keep') text += '\n'.repeat(trailing + (body.length > 0 ? 1 : 0));
    return text;
  }
}

function isSequenceItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function looksLikeKey(text: string): boolean {
  if (text.startsWith('"') || text.startsWith("'")) return /^(["'])(?:(?!\1).)*\1\s*:(\s|$)/.test(text);
  return /^[^\s#][^:#]*:(\s|$)/.test(text);
}

function splitKey(line: Line): { key: string; rest: string } {
  const text = line.text;
  const quoted = /^(["'])((?:(?!\1).)*)\1\s*:(?:\s+|$)/.exec(text);
  if (quoted) return { key: quoted[2] ?? '', rest: text.slice(quoted[0].length).trim() };
  const plain = /^([^\s#][^:#]*?)\s*:(?:\s+|$)/.exec(text);
  if (!plain) throw new YamlError('could not find expected \':\'', line.number);
  return { key: plain[1] ?? '', rest: text.slice(plain[0].length).trim() };
}

function stripComment(text: string): string {
  const at = text.search(/\s#/);
  return (at < 0 ? text : text.slice(0, at)).trim();
}

function closingQuote(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (quote === '"' && body[i] === '\\') {
      i++;
    } else if (body[i] === quote) {
      if (quote === "'" && body[i + 1] === "'") {
        i++;
      } else {
        return i;
      }
    }
  }
  return -1;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', '0': '\0', ' ': ' ' };

function unescapeDouble(content: string, lineNumber: number): string {
  return content.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_match, escape: string) => {
    if (escape.length > 1) return String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    const replacement = ESCAPES[escape];
    if (replacement === undefined) throw new YamlError(`found unknown escape character \`${escape}\``, lineNumber);
    return replacement;
  });
}

function flowSequence(text: string, line: Line): YamlValue[] {
  const close = text.lastIndexOf(']');
  if (close < 0) throw new YamlError('did not find expected \',\' or \']\'', line.number);
  const inner = text.slice(1, close).trim();
  if (inner === '') return [];
  return inner.split(',').map((item) => {
    const trimmed = item.trim();
    if (trimmed.startsWith('"') && trimmed.endsWith('"')) return unescapeDouble(trimmed.slice(1, -1), line.number);
    if (trimmed.startsWith("'") && trimmed.endsWith("'")) return trimmed.slice(1, -1).replaceAll("''", "'");
    return trimmed;
  });
}

/** `>` folding: single line breaks between text become spaces; blank lines stay line breaks. */
function foldLines(lines: readonly string[]): string {
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    const current = lines[i] ?? '';
    if (i === 0) {
      text = current;
    } else if (current === '') {
      text += '\n';
    } else {
      text += (lines[i - 1] === '' ? '' : ' ') + current;
    }
  }
  return text;
}
