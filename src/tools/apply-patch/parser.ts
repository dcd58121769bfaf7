import { ApplyPatchError, invalidHunk, invalidPatch } from './errors.js';
import type { Hunk, Patch, UpdateChunk, UpdateFileHunk } from './patch.js';
import { rustLines, rustTrim, rustTrimEnd } from './rust-text.js';

/**
 * The apply_patch envelope parser. It follows the reference (codex-rs/apply-patch `parser.rs`, lenient mode) rule
 * for rule, including its quirks, because the model learns the format from the reference's behaviour and reads
 * its error texts:
 * - the text is trimmed and split with Rust's `lines()` (so CRLF patches work);
 * - the first and last lines are compared trimmed, and a heredoc wrapper (`<<EOF`, `<<'EOF'`, `<<"EOF"` … a last
 *   line ending in `EOF`) is stripped when the bare text is not an envelope;
 * - file headers are compared trimmed; inside an update, `*** Move to:`, `@@` and `*** End of File` are compared
 *   with trailing whitespace dropped, and only a line starting with a file header ends the update (a blank line
 *   is an empty context line, except right after `*** End of File`, where blank lines are skipped).
 * The inner rules follow 0.169.0 as probed, which is newer than the `parser.rs` in the search index.
 */

const BEGIN_PATCH_MARKER = '*** Begin Patch';
const END_PATCH_MARKER = '*** End Patch';
const ADD_FILE_MARKER = '*** Add File: ';
const DELETE_FILE_MARKER = '*** Delete File: ';
const UPDATE_FILE_MARKER = '*** Update File: ';
const MOVE_TO_MARKER = '*** Move to: ';
const EOF_MARKER = '*** End of File';
const CHANGE_CONTEXT_MARKER = '@@ ';
const EMPTY_CHANGE_CONTEXT_MARKER = '@@';
const FILE_HEADERS: readonly string[] = [ADD_FILE_MARKER, DELETE_FILE_MARKER, UPDATE_FILE_MARKER];
const HEREDOC_OPENERS: ReadonlySet<string> = new Set(['<<EOF', "<<'EOF'", '<<"EOF"']);

const EMPTY_CHUNK = 'Update hunk does not contain any lines';

/**
 * Parses an apply_patch envelope. Throws {@link ApplyPatchError} (kind `parse`) with the reference's message. A
 * well-formed envelope without operations parses (to no hunks); `planPatch` is what refuses it.
 */
export function parsePatch(text: string): Patch {
  const lines = rustLines(rustTrim(text));
  const envelope = envelopeLines(lines);
  const hunks: Hunk[] = [];
  // Line numbers count from the envelope's first line (the reference does not count a heredoc opener).
  let lineNumber = 2;
  let index = 1;
  const end = envelope.length - 1;
  while (index < end) {
    const { hunk, consumed } = parseHunk(envelope, index, end, lineNumber);
    hunks.push(hunk);
    index += consumed;
    lineNumber += consumed;
  }
  return { hunks, text: envelope.join('\n') };
}

/** The envelope's lines, `*** Begin Patch` first and `*** End Patch` last, unwrapped from a heredoc if need be. */
function envelopeLines(lines: readonly string[]): readonly string[] {
  const bareError = boundaryError(lines);
  if (bareError === null) return lines;
  const first = lines[0];
  const last = lines[lines.length - 1];
  // The heredoc takes two lines and an envelope at least two more.
  if (lines.length >= 4 && first !== undefined && HEREDOC_OPENERS.has(first) && last?.endsWith('EOF')) {
    const inner = lines.slice(1, -1);
    const innerError = boundaryError(inner);
    if (innerError !== null) throw innerError;
    return inner;
  }
  throw bareError;
}

/** Why `lines` are not an envelope, or null when they are. (No lines at all gets the "last line" message.) */
function boundaryError(lines: readonly string[]): ApplyPatchError | null {
  const first = lines[0] === undefined ? undefined : rustTrim(lines[0]);
  const last = lines.length === 0 ? undefined : rustTrim(lines[lines.length - 1] as string);
  if (first === BEGIN_PATCH_MARKER && last === END_PATCH_MARKER && lines.length >= 2) return null;
  if (first !== undefined && first !== BEGIN_PATCH_MARKER) {
    return invalidPatch(`The first line of the patch must be '${BEGIN_PATCH_MARKER}'`);
  }
  return invalidPatch(`The last line of the patch must be '${END_PATCH_MARKER}'`);
}

interface Parsed<T> {
  readonly consumed: number;
  readonly hunk: T;
}

/** The hunk starting at `lines[start]` (before `end`), and how many lines it spans. */
function parseHunk(lines: readonly string[], start: number, end: number, lineNumber: number): Parsed<Hunk> {
  const header = rustTrim(lines[start] as string);
  if (header.startsWith(ADD_FILE_MARKER)) {
    let contents = '';
    let index = start + 1;
    // Add lines are not trimmed: the first line without a leading `+` ends the file.
    for (; index < end && (lines[index] as string).startsWith('+'); index++) {
      contents += `${(lines[index] as string).slice(1)}\n`;
    }
    return { hunk: { type: 'add', path: header.slice(ADD_FILE_MARKER.length), contents }, consumed: index - start };
  }
  if (header.startsWith(DELETE_FILE_MARKER)) {
    return { hunk: { type: 'delete', path: header.slice(DELETE_FILE_MARKER.length) }, consumed: 1 };
  }
  if (header.startsWith(UPDATE_FILE_MARKER)) {
    return parseUpdateHunk(lines, start, end, lineNumber, header.slice(UPDATE_FILE_MARKER.length));
  }
  throw invalidHunk(
    `'${header}' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', ` +
      `'*** Delete File: {path}', '*** Update File: {path}'`,
    lineNumber,
  );
}

function parseUpdateHunk(
  lines: readonly string[],
  start: number,
  end: number,
  lineNumber: number,
  path: string,
): Parsed<UpdateFileHunk> {
  let index = start + 1;
  let movePath: string | null = null;
  const moveLine = index < end ? rustTrimEnd(lines[index] as string) : undefined;
  if (moveLine?.startsWith(MOVE_TO_MARKER)) {
    movePath = moveLine.slice(MOVE_TO_MARKER.length);
    index++;
  }
  // A stray end-of-file marker before the first chunk is ignored (0.169.0 does so).
  while (index < end && rustTrimEnd(lines[index] as string) === EOF_MARKER) index++;
  const chunks: UpdateChunk[] = [];
  // Only a line that starts (as written) with a file header ends the hunk; anything else must be a chunk.
  while (index < end && !FILE_HEADERS.some((marker) => (lines[index] as string).startsWith(marker))) {
    const chunk = parseChunk(lines, index, end, lineNumber + (index - start), chunks.length === 0);
    chunks.push(chunk.hunk);
    index += chunk.consumed;
  }
  if (chunks.length === 0) throw invalidHunk(`Update file hunk for path '${path}' is empty`, lineNumber);
  return { hunk: { type: 'update', path, movePath, chunks }, consumed: index - start };
}

/**
 * One `@@` chunk starting at `lines[start]`, which is line `lineNumber` of the patch. The first chunk of a hunk
 * may omit its `@@` line. Problems inside the chunk are reported at the chunk's first body line.
 */
function parseChunk(
  lines: readonly string[],
  start: number,
  end: number,
  lineNumber: number,
  allowMissingContext: boolean,
): Parsed<UpdateChunk> {
  const first = lines[start] as string;
  const header = rustTrimEnd(first);
  let changeContext: string | null = null;
  let bodyStart = start + 1;
  if (header === EMPTY_CHANGE_CONTEXT_MARKER) {
    changeContext = null;
  } else if (header.startsWith(CHANGE_CONTEXT_MARKER)) {
    // Trailing whitespace is dropped, leading whitespace kept (it may be the indentation to seek).
    changeContext = header.slice(CHANGE_CONTEXT_MARKER.length);
  } else if (allowMissingContext) {
    bodyStart = start;
  } else {
    throw invalidHunk(`Expected update hunk to start with a @@ context marker, got: '${first}'`, lineNumber);
  }
  const bodyLineNumber = lineNumber + (bodyStart - start);
  if (bodyStart >= end) throw invalidHunk(EMPTY_CHUNK, bodyLineNumber);

  const oldLines: string[] = [];
  const newLines: string[] = [];
  const contextLineIndices: [number, number][] = [];
  let isEndOfFile = false;
  let index = bodyStart;
  for (; index < end; index++) {
    const line = lines[index] as string;
    if (rustTrimEnd(line) === EOF_MARKER) {
      if (index === bodyStart) throw invalidHunk(EMPTY_CHUNK, bodyLineNumber);
      isEndOfFile = true;
      index++;
      // Blank lines after the end-of-file marker belong to this chunk.
      while (index < end && rustTrim(lines[index] as string) === '') index++;
      break;
    }
    const marker = line.charAt(0);
    if (line === '' || marker === ' ') {
      // A blank line is an empty context line (editors strip the lone space of an empty context line).
      contextLineIndices.push([oldLines.length, newLines.length]);
      oldLines.push(line.slice(1));
      newLines.push(line.slice(1));
    } else if (marker === '+') {
      newLines.push(line.slice(1));
    } else if (marker === '-') {
      oldLines.push(line.slice(1));
    } else if (index === bodyStart) {
      throw invalidHunk(
        `Unexpected line found in update hunk: '${line}'. Every line should start with ' ' (context line), ` +
          `'+' (added line), or '-' (removed line)`,
        bodyLineNumber,
      );
    } else {
      // Anything else (`@@`, a marker) starts the next chunk or hunk.
      break;
    }
  }
  return { hunk: { changeContext, oldLines, newLines, contextLineIndices, isEndOfFile }, consumed: index - start };
}
