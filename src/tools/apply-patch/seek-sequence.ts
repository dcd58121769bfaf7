import { rustTrim, rustTrimEnd } from './rust-text.js';

/**
 * Finding a chunk's lines in a file, with the reference's ladder of decreasing strictness
 * (codex-rs/apply-patch `seek_sequence.rs`): exact, then ignoring trailing whitespace, then ignoring leading and
 * trailing whitespace, then also treating typographic punctuation as its ASCII look-alike. Each pass scans the
 * whole range before the next, looser one is tried, so an exact match later in the file wins over a fuzzy one
 * earlier.
 */

/**
 * The index at or after `start` where `pattern` occurs in `lines`, or null. With `endOfFile`, only the position
 * that puts the pattern at the very end of the file is tried, and only if it is not before `start` (probed on
 * 0.169.0: no fallback to an earlier match, and no going back before the previous chunk). An empty pattern
 * matches at `start`.
 */
export function seekSequence(
  lines: readonly string[],
  pattern: readonly string[],
  start: number,
  endOfFile: boolean,
): number | null {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return null;
  const from = endOfFile ? lines.length - pattern.length : start;
  if (from < start) return null;
  const last = lines.length - pattern.length;
  for (const [pass, normalise] of PASSES.entries()) {
    const wanted = pattern.map(normalise);
    const haystack = normalisedLines(lines, pass);
    for (let index = from; index <= last; index++) {
      if (wanted.every((line, offset) => haystack[index + offset] === line)) return index;
    }
  }
  return null;
}

/**
 * Each file's lines as each pass sees them, computed once: an update seeks every chunk (and `@@` context) in the
 * same lines array.
 */
const NORMALISED = new WeakMap<readonly string[], (readonly string[] | undefined)[]>();

function normalisedLines(lines: readonly string[], pass: number): readonly string[] {
  if (pass === 0) return lines;
  let passes = NORMALISED.get(lines);
  if (passes === undefined) {
    passes = [];
    NORMALISED.set(lines, passes);
  }
  let normalised = passes[pass];
  if (normalised === undefined) {
    normalised = lines.map(PASSES[pass] as (line: string) => string);
    passes[pass] = normalised;
  }
  return normalised;
}

const PASSES: readonly ((line: string) => string)[] = [
  (line) => line,
  rustTrimEnd,
  rustTrim,
  (line) => normalisePunctuation(rustTrim(line)),
];

/** Dashes, quotes and spaces that models type in ASCII but files often hold in their typographic forms. */
const PUNCTUATION: ReadonlyMap<string, string> = new Map([
  ...['\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212'].map((c) => [c, '-'] as const),
  ...['\u2018', '\u2019', '\u201A', '\u201B'].map((c) => [c, "'"] as const),
  ...['\u201C', '\u201D', '\u201E', '\u201F'].map((c) => [c, '"'] as const),
  ...[
    '\u00A0',
    '\u2002',
    '\u2003',
    '\u2004',
    '\u2005',
    '\u2006',
    '\u2007',
    '\u2008',
    '\u2009',
    '\u200A',
    '\u202F',
    '\u205F',
    '\u3000',
  ].map((c) => [c, ' '] as const),
]);

const PUNCTUATION_PATTERN = new RegExp(`[${[...PUNCTUATION.keys()].join('')}]`, 'g');

function normalisePunctuation(line: string): string {
  return line.replace(PUNCTUATION_PATTERN, (c) => PUNCTUATION.get(c) ?? c);
}
