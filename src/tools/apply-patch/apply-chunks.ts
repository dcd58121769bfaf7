import { ApplyPatchError } from './errors.js';
import type { UpdateChunk } from './patch.js';
import { seekSequence } from './seek-sequence.js';
import { type Replacement, SourceFile } from './source-file.js';

/**
 * The new content of a file after an update's chunks (the reference's `derive_new_contents_from_chunks` and
 * `compute_replacements`). `path` is the absolute path, used only in error messages. Throws
 * {@link ApplyPatchError} (kind `compute`) when a chunk's context or lines are not found.
 */
export function applyChunks(original: string, chunks: readonly UpdateChunk[], path: string): string {
  const file = SourceFile.parse(original);
  file.applyReplacements(computeReplacements(file.lineTexts(), chunks, path));
  return file.contents();
}

function computeReplacements(lines: readonly string[], chunks: readonly UpdateChunk[], path: string): Replacement[] {
  const replacements: Replacement[] = [];
  // Chunks must appear in file order: each search starts after the previous chunk's match.
  let lineIndex = 0;
  for (const chunk of chunks) {
    if (chunk.changeContext !== null) {
      const found = seekSequence(lines, [chunk.changeContext], lineIndex, false);
      if (found === null) {
        throw new ApplyPatchError('compute', `Failed to find context '${chunk.changeContext}' in ${path}`);
      }
      lineIndex = found + 1;
    }

    if (chunk.oldLines.length === 0) {
      // A pure insertion goes at the very end of the file, whatever its `@@` context said: that is the
      // reference's rule (0.169.0 appends `c` to `a\nb\n\n` after the blank line), and models rely on it.
      replacements.push({ start: lines.length, oldLength: 0, newLines: chunk.newLines });
      continue;
    }

    let pattern = chunk.oldLines;
    let newLines = chunk.newLines;
    let found = seekSequence(lines, pattern, lineIndex, chunk.isEndOfFile);
    if (found === null && pattern[pattern.length - 1] === '') {
      // A trailing empty line in the chunk usually stands for the file's final newline, which is not a line
      // of its own here: retry without it.
      pattern = pattern.slice(0, -1);
      if (newLines[newLines.length - 1] === '') newLines = newLines.slice(0, -1);
      found = seekSequence(lines, pattern, lineIndex, chunk.isEndOfFile);
    }
    if (found === null) {
      throw new ApplyPatchError('compute', `Failed to find expected lines in ${path}:\n${chunk.oldLines.join('\n')}`);
    }
    replacements.push(...replacementsAround(chunk, found, pattern.length, newLines));
    lineIndex = found + pattern.length;
  }
  // Stable: insertions at the same index keep their patch order.
  return replacements.sort((a, b) => a.start - b.start);
}

/**
 * The replacements for a chunk matched at `start`: only the runs between its context lines, so that context
 * lines stay exactly as they are in the file (text matched fuzzily, and each line's own ending). `oldLength` and
 * `newLines` may be shorter than the chunk's when a trailing empty line was dropped.
 */
function replacementsAround(
  chunk: UpdateChunk,
  start: number,
  oldLength: number,
  newLines: readonly string[],
): Replacement[] {
  const replacements: Replacement[] = [];
  let oldStart = 0;
  let newStart = 0;
  for (const [oldContext, newContext] of chunk.contextLineIndices) {
    if (oldContext >= oldLength || newContext >= newLines.length) break;
    if (oldStart !== oldContext || newStart !== newContext) {
      replacements.push({
        start: start + oldStart,
        oldLength: oldContext - oldStart,
        newLines: newLines.slice(newStart, newContext),
      });
    }
    oldStart = oldContext + 1;
    newStart = newContext + 1;
  }
  if (oldStart !== oldLength || newStart !== newLines.length) {
    replacements.push({ start: start + oldStart, oldLength: oldLength - oldStart, newLines: newLines.slice(newStart) });
  }
  return replacements;
}
