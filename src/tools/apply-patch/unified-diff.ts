import { createHash } from 'node:crypto';
import { structuredPatch } from 'diff';

/**
 * Unified diffs as the reference prints them (the Rust `similar` crate's `unified_diff()`), computed with jsdiff:
 * hunk headers omit a count of 1 (`@@ -3 +3,2 @@`) and give an empty range as the line before it (`-0,0`), a
 * line without a final newline is followed by `\ No newline at end of file`, and the `---`/`+++` header is only
 * printed when there is at least one hunk. Line endings are part of the lines (`\r\n` lines keep their `\r`).
 */

/** File labels for the `---`/`+++` lines (`a/path`, `b/path`, `/dev/null`). */
export interface DiffHeader {
  readonly oldLabel: string;
  readonly newLabel: string;
}

/**
 * The diff from `oldText` to `newText` with `context` lines around each change; empty when they are equal.
 * Without `header`, only the hunks (what a fileChange item's update `diff` holds, with `context` 1).
 */
export function unifiedDiff(oldText: string, newText: string, context: number, header?: DiffHeader): string {
  if (oldText === newText) return '';
  const { hunks } = structuredPatch('', '', oldText, newText, undefined, undefined, { context });
  if (hunks.length === 0) return '';
  let out = header === undefined ? '' : `--- ${header.oldLabel}\n+++ ${header.newLabel}\n`;
  for (const hunk of hunks) {
    out += `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@\n`;
    for (const line of hunk.lines) out += `${line}\n`;
  }
  return out;
}

/**
 * A hunk range as GNU diff and `similar` print it: `start` alone for one line, `start,count` otherwise, and for
 * an empty range the line just before it (jsdiff gives the line after).
 */
function range(start: number, count: number): string {
  if (count === 1) return String(start);
  return `${count === 0 ? start - 1 : start},${count}`;
}

/** Git's object id for a blob with this content (`git hash-object`): SHA-1 of `blob <size>\0<bytes>`. */
export function gitBlobOid(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
