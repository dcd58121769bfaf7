/**
 * The few Rust `str` operations whose exact behaviour decides how the reference reads a patch: `trim` family
 * (Unicode `White_Space`, which is not JavaScript's set: Rust trims U+0085 and keeps U+FEFF, JavaScript the
 * opposite), `lines()`, and `String` ordering (UTF-8 byte order, not UTF-16 code units).
 */

/** Rust's `char::is_whitespace`: the Unicode `White_Space` property. */
export function isRustWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** `str::trim_start`. (Every `White_Space` code point is in the BMP, so UTF-16 units can be tested one by one.) */
export function rustTrimStart(text: string): string {
  let start = 0;
  while (start < text.length && isRustWhitespace(text.charCodeAt(start))) start++;
  return text.slice(start);
}

/** `str::trim_end`. */
export function rustTrimEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isRustWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

/** `str::trim`. */
export function rustTrim(text: string): string {
  return rustTrimStart(rustTrimEnd(text));
}

/**
 * `str::lines`: split at `\n`, drop the `\r` of a `\r\n`, and no empty last line for a text that ends with a line
 * ending (`"a\n"` is one line, `""` none).
 */
export function rustLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const last = lines.length - 1;
  // A `\r` is part of a line ending only when a `\n` follows it, which every line but an unterminated last has.
  return lines.map((line, index) =>
    line.endsWith('\r') && (index < last || text.endsWith('\n')) ? line.slice(0, -1) : line,
  );
}

/** Rust's `String` order (`Ord`): UTF-8 bytes, which differs from `<` on strings for astral characters. */
export function compareRustStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
