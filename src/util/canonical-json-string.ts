import { isUtf8 } from 'node:buffer';

/**
 * Whether the bytes `[start, end)` of `bytes` (a JSON string literal, both quotes included) are valid JSON and
 * exactly what `JSON.stringify` writes for the string they denote: valid UTF-8, no raw control character, and only
 * the escapes `JSON.stringify` itself uses (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, and `\u00xx` in lower-case
 * hex for the other control characters). Both writers of rollouts (serde_json and `JSON.stringify`) escape that
 * way, so the raw bytes of a long string can go out as they are instead of being decoded and re-encoded. Anything
 * else (`\/`, `\u` for a printable character, upper-case hex) answers false, and so do surrogate escapes, even
 * the lone ones JSON.stringify writes: they are rare, and a string answered false is only decoded the usual way.
 *
 * Scans four bytes at a time where it can: a word without a byte below 0x20 and without a backslash needs no closer
 * look, which is almost every word of a long text.
 */
export function isCanonicalJsonString(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 2 || bytes[start] !== QUOTE || bytes[end - 1] !== QUOTE) return false;
  const bodyEnd = end - 1;
  if (!isUtf8(bytes.subarray(start + 1, bodyEnd))) return false;
  const words = wordsOf(bytes);
  for (let at = nextSpecialByte(bytes, words, start + 1, bodyEnd); at < bodyEnd; ) {
    // A raw control character or quote is never canonical; a backslash must start a canonical escape.
    if (bytes[at] !== BACKSLASH) return false;
    const length = canonicalEscapeLength(bytes, at + 1, bodyEnd);
    if (length === 0) return false;
    at = nextSpecialByte(bytes, words, at + length, bodyEnd);
  }
  return true;
}

/**
 * Whether the bytes `[start, end)` (text, not JSON) hold no character JSON must escape: no control character, quote
 * or backslash. Such text between two quotes is what JSON.stringify writes for it.
 */
export function needsNoJsonEscape(bytes: Uint8Array, start: number, end: number): boolean {
  return nextSpecialByte(bytes, wordsOf(bytes), start, end) === end;
}

/** The whole underlying ArrayBuffer as 32-bit words (word reads need 4-byte alignment within it). */
function wordsOf(bytes: Uint8Array): Int32Array {
  return new Int32Array(bytes.buffer, 0, bytes.buffer.byteLength >>> 2);
}

/** The index of the first control byte, quote or backslash in `[at, end)`, or `end` when there is none. */
function nextSpecialByte(bytes: Uint8Array, words: Int32Array, at: number, end: number): number {
  const base = bytes.byteOffset;
  while (at < end && ((base + at) & 3) !== 0) {
    if (isSpecial(bytes[at] as number)) return at;
    at += 1;
  }
  // A tight loop over whole words, up to the first one that has a special byte.
  let word = (base + at) >>> 2;
  const lastWord = (base + end) >>> 2;
  while (word < lastWord && !needsLook(words[word] as number)) word++;
  for (at = Math.max(at, (word << 2) - base); at < end; at++) {
    if (isSpecial(bytes[at] as number)) return at;
  }
  return end;
}

function isSpecial(byte: number): boolean {
  return byte < 0x20 || byte === QUOTE || byte === BACKSLASH;
}

/** Whether one of the four bytes of `word` is below 0x20, a quote or a backslash (exact, by the classic SWAR tests). */
function needsLook(word: number): boolean {
  const backslashes = word ^ 0x5c5c5c5c;
  const quotes = word ^ 0x22222222;
  const controls = (word - 0x20202020) & ~word;
  return ((controls | ((backslashes - 0x01010101) & ~backslashes) | ((quotes - 0x01010101) & ~quotes)) & 0x80808080) !== 0;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** The characters after a backslash that JSON.stringify writes as a two-character escape. */
const SHORT_ESCAPES = new Set([0x22, 0x5c, 0x62, 0x66, 0x6e, 0x72, 0x74]);
/** Control characters that have a short escape, so JSON.stringify never writes them as `\u00xx`. */
const SHORT_ESCAPED_CONTROLS = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

/** The length of the escape whose backslash precedes `at` (backslash included), or 0 when it is not canonical. */
function canonicalEscapeLength(bytes: Uint8Array, at: number, end: number): number {
  const next = bytes[at];
  if (next === undefined || at >= end) return 0;
  if (SHORT_ESCAPES.has(next)) return 2;
  if (next !== 0x75 || at + 5 > end) return 0;
  // `\u00` then `0`/`1` then a lower-case hex digit.
  if (bytes[at + 1] !== 0x30 || bytes[at + 2] !== 0x30) return 0;
  const high = (bytes[at + 3] as number) - 0x30;
  const low = lowerHexValue(bytes[at + 4] as number);
  if ((high !== 0 && high !== 1) || low < 0) return 0;
  return SHORT_ESCAPED_CONTROLS.has(high * 16 + low) ? 0 : 6;
}

function lowerHexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}
