import { needsNoJsonEscape } from './canonical-json-string.js';

/**
 * The UTF-8 bytes of `JSON.stringify(value)`, made faster for long ASCII text. An ASCII string is copied into the
 * buffer as latin1 (a plain copy, where UTF-8 encoding looks at every character); when it has nothing to escape
 * (no control character, quote or backslash: checked a word at a time), JSON.stringify, which costs several
 * times that copy, is skipped altogether. Anything else is stringified as usual.
 */
export function jsonStringLiteralBytes(value: string): Buffer {
  const ascii = Buffer.byteLength(value, 'utf8') === value.length;
  if (ascii) {
    const bytes = Buffer.allocUnsafeSlow(value.length + 2);
    bytes[0] = QUOTE;
    bytes.write(value, 1, 'latin1');
    bytes[value.length + 1] = QUOTE;
    if (needsNoJsonEscape(bytes, 1, value.length + 1)) return bytes;
  }
  const json = JSON.stringify(value);
  // What JSON.stringify writes for an ASCII string is ASCII.
  return Buffer.from(json, ascii ? 'latin1' : 'utf8');
}

const QUOTE = 0x22;
