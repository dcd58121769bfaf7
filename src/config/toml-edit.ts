import { parse, stringify } from 'smol-toml';
import { isPlainTable } from './schema.js';

/** One change to a TOML document: set the value at `path` (a non-table value), or remove it (`value: undefined`). */
export interface LeafEdit {
  readonly path: readonly string[];
  readonly value: unknown;
}

/**
 * Rewrites `source` so that it parses to `expected`, keeping everything the edits do not touch — comments, key
 * order, blank lines — where it can: each edit is applied to the text of its own line (a value replaced in place,
 * a new key appended to its table's section or a new `[section]` at the end, a removed key's line dropped). When
 * the result does not parse to `expected` (a value written across lines, inline tables, arrays of tables, dotted
 * keys that an edit would split…), the whole document is re-serialised from `expected` instead, which is always
 * right but loses comments.
 */
export function editTomlDocument(source: string, edits: readonly LeafEdit[], expected: Record<string, unknown>): string {
  let text = source;
  try {
    for (const edit of edits) text = applyLeafEdit(text, edit);
    if (deepEqual(parse(text), expected)) return text;
  } catch {
    // Fall through to a full rewrite.
  }
  const rewritten = stringify(expected);
  return rewritten.endsWith('\n') || rewritten === '' ? rewritten : `${rewritten}\n`;
}

interface Entry {
  /** Line index in the document. */
  readonly line: number;
  /** Full key path of a `key = value` line, or of a `[table]` header. */
  readonly path: readonly string[];
  readonly kind: 'value' | 'header';
}

/** The `key = value` lines and `[table]` headers of a document whose values each sit on one line. */
function scan(lines: readonly string[]): Entry[] {
  const entries: Entry[] = [];
  let table: string[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('[[')) throw new Error('arrays of tables are edited by rewriting');
    if (line.startsWith('[')) {
      table = parseKey(line.slice(1, line.indexOf(']')));
      entries.push({ line: index, path: table, kind: 'header' });
      return;
    }
    const equals = keyEnd(line);
    if (equals < 0) throw new Error('not a one-line key/value');
    entries.push({ line: index, path: [...table, ...parseKey(line.slice(0, equals))], kind: 'value' });
  });
  return entries;
}

function applyLeafEdit(source: string, edit: LeafEdit): string {
  const lines = source.split('\n');
  const entries = scan(lines);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);
  const existing = entries.find((entry) => entry.kind === 'value' && same(entry.path, edit.path));
  if (existing !== undefined) {
    if (edit.value === undefined) {
      // Comment lines right above a key belong to it (toml_edit's "decor", which the reference drops with the key).
      let first = existing.line;
      while (first > 0 && (lines[first - 1] ?? '').trim().startsWith('#')) first--;
      lines.splice(first, existing.line - first + 1);
    } else {
      const raw = lines[existing.line] ?? '';
      const equals = raw.length - raw.trimStart().length + keyEnd(raw.trimStart());
      const rest = raw.slice(equals + 1);
      const comment = trailingComment(rest);
      lines[existing.line] = `${raw.slice(0, equals + 1)} ${tomlValue(edit.value)}${comment === '' ? '' : ` ${comment}`}`;
    }
    return lines.join('\n');
  }
  if (edit.value === undefined) return source;
  const table = edit.path.slice(0, -1);
  const key = edit.path[edit.path.length - 1] ?? '';
  const newLine = `${formatKey([key])} = ${tomlValue(edit.value)}`;
  const headerIndex = entries.findIndex((entry) => entry.kind === 'header' && same(entry.path, table));
  if (table.length === 0 || headerIndex >= 0) {
    // After the last key of the section (or of the root, before the first header).
    const start = table.length === 0 ? -1 : (entries[headerIndex]?.line ?? -1);
    const nextHeader = entries.find((entry) => entry.kind === 'header' && entry.line > start);
    const inSection = entries.filter(
      (entry) => entry.kind === 'value' && entry.line > start && (nextHeader === undefined || entry.line < nextHeader.line),
    );
    const last = inSection[inSection.length - 1];
    const at = last !== undefined ? last.line + 1 : start + 1;
    lines.splice(at, 0, newLine);
    return lines.join('\n');
  }
  const body = source.replace(/\n*$/, '');
  return `${body}${body === '' ? '' : '\n\n'}[${formatKey(table)}]\n${newLine}\n`;
}

/** Index of the `=` that ends a line's key (quoted keys may contain `=`), or -1. */
function keyEnd(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"' || char === "'") {
      const close = line.indexOf(char, i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (char === '=') {
      return i;
    }
  }
  return -1;
}

/** A value's trailing `# comment`, if the value is followed by one (quotes respected). */
function trailingComment(rest: string): string {
  let quote: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const char = rest[i];
    if (quote !== null) {
      if (char === '\\' && quote === '"') i++;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#') {
      return rest.slice(i).trim();
    }
  }
  return '';
}

/** Splits a dotted key (`a."b.c".d`) into its parts. */
export function parseKey(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (quote !== null) {
      if (char === '\\' && quote === '"') {
        current += text[i + 1] ?? '';
        i++;
      } else if (char === quote) {
        quote = null;
      } else {
        current += char;
      }
    } else if (char === '"' || char === "'") {
      quote = char;
      quoted = true;
    } else if (char === '.') {
      parts.push(quoted ? current : current.trim());
      current = '';
      quoted = false;
    } else if (!/\s/.test(char) || current !== '') {
      current += char;
    }
  }
  parts.push(quoted ? current : current.trim());
  return parts;
}

/** A key path in TOML syntax: bare parts where allowed, quoted otherwise. */
export function formatKey(path: readonly string[]): string {
  return path.map((part) => (/^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part))).join('.');
}

/** A non-table value as TOML inline text. */
function tomlValue(value: unknown): string {
  const line = stringify({ v: value }).trim();
  if (!line.startsWith('v = ')) throw new Error('value does not serialise to one line');
  return line.slice('v = '.length);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return String(a) === String(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainTable(a) || isPlainTable(b)) {
    if (!isPlainTable(a) || !isPlainTable(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return a === b;
}
