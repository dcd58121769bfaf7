/**
 * A thread name as the reference stores it: trimmed of Unicode white space (Rust's `str::trim`, which is the
 * `White_Space` property; JavaScript's `trim` differs on U+0085 and U+FEFF), inner white space and newlines
 * kept (probed: `"\t  a   b \n"` → `"a   b"`, `"a\nb"` stays). Null when nothing is left.
 */
export function normalizeThreadName(name: string): string | null {
  const trimmed = name.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
  return trimmed === '' ? null : trimmed;
}
