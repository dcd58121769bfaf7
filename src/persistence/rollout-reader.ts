import { open } from 'node:fs/promises';
import { RolloutFormatError } from './errors.js';
import { parseRolloutLine, userMessageText } from './rollout-schema.js';
import type { RolloutLine, SessionMeta } from './rollout-schema.js';
import { lineWithRawLongStrings } from './rollout-long-strings.js';
import { readKeptLines } from './rollout-kept-lines.js';
import { LONG_STRING_BYTES } from '../util/raw-json-strings.js';
import type { RawJsonStrings } from '../util/raw-json-strings.js';

/**
 * Reading rollouts. Two entry points:
 * - `readRollout(path)` loads a whole file into typed lines (thread/read, resume);
 * - `readSessionHeader(path)` streams only as far as the first user message (thread/list's index).
 *
 * Tolerance rules, the same for both: the first line must be `session_meta`; a LAST line that is not valid JSON
 * is a write torn by a crash and is dropped (`tornTail`); anything else that is not a valid rollout line —
 * unparseable JSON before the last line, a wrong envelope or payload, a `__proto__` key anywhere — is a
 * RolloutFormatError naming the 1-based line number. Blank lines are skipped. Lines of unknown types are kept.
 */

/** A whole rollout file, parsed. */
export interface RolloutContent {
  readonly path: string;
  /** The `session_meta` payload of line 1. */
  readonly meta: SessionMeta;
  /** Every complete line in file order, line 1 (session_meta) included. */
  readonly lines: readonly RolloutLine[];
  /** Whether a torn last line was dropped. */
  readonly tornTail: boolean;
  /**
   * Bytes from the start of the file to the end of the last good line (its newline included when it has one):
   * where a resuming writer truncates to before appending.
   */
  readonly validBytes: number;
}

/** What thread/list needs from a rollout, read without loading the whole file. */
export interface SessionHeader {
  readonly path: string;
  /** The `session_meta` payload of line 1. */
  readonly meta: SessionMeta;
  /** The first message the user typed, or `null` when there is none yet (such threads are not listed). */
  readonly preview: string | null;
  /** `model` of the first `turn_context` seen while scanning (0.169.0 writes it just before the user message). */
  readonly model: string | null;
  /** The file's modification time (ms since the epoch): its last append, i.e. the thread's `updatedAt`. */
  readonly mtimeMs: number;
  readonly sizeBytes: number;
}

/** How many lines past the first user message readSessionHeader looks for a turn_context before it stops. */
const MODEL_LOOKAHEAD_LINES = 16;
/** Read size of readSessionHeader: one read covers the first turn of a typical 0.169.0 rollout. */
const HEADER_CHUNK_BYTES = 64 * 1024;

/**
 * Reads and validates a whole rollout file.
 * @throws RolloutFormatError as described above; the file system's error when the file cannot be read.
 */
export async function readRollout(path: string, options: ParseRolloutOptions = {}): Promise<RolloutContent> {
  if (options.skip === undefined || options.skip.size === 0) return parseRollout(await readWholeFile(path), path, options);
  const kept = await readKeptLines(path, options.skip, peekLineTypeEnd, TYPE_PEEK_BYTES);
  const content = parseRollout(kept.bytes, path, options);
  return { ...content, validBytes: kept.fileOffset(content.validBytes) };
}

/** Read size for whatever a writer appended after the file's size was taken. */
const APPENDED_CHUNK_BYTES = 64 * 1024;

/**
 * The file's bytes in one read of its size where possible: fs.promises.readFile reads in 512 KiB steps, one trip
 * through the thread pool each, and a long rollout is tens of MiB.
 */
async function readWholeFile(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
      if (bytesRead === 0) return buffer.subarray(0, filled);
      filled += bytesRead;
    }
    // A writer may have appended since the stat: read on to the end.
    const chunks = [buffer];
    for (;;) {
      const chunk = Buffer.allocUnsafe(APPENDED_CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, filled);
      if (bytesRead === 0) return chunks.length === 1 ? buffer : Buffer.concat(chunks);
      chunks.push(chunk.subarray(0, bytesRead));
      filled += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

export interface ParseRolloutOptions {
  /**
   * Line types the caller does not need (e.g. `response_item` for a view of the turns, which come from
   * `event_msg` lines). Such lines are recognised by their envelope's `type`, which both writers put before
   * the payload, and are neither decoded nor validated: reading the turns of a long thread then skips half of
   * its bytes. They are left out of `lines`.
   */
  readonly skip?: ReadonlySet<string>;
  /**
   * When given, long canonical string literals of every line but the first are left undecoded and read as
   * placeholders of this table (rollout-long-strings.ts): the caller must `materialize` whatever it looks into.
   */
  readonly rawLongStrings?: RawJsonStrings;
}

const TYPE_KEY = Buffer.from('"type":"');
/** The envelope's `type` comes after `timestamp` and `ordinal`, well within this many bytes of a line's start. */
const TYPE_PEEK_BYTES = 160;

/** The envelope `type` of the line at [start, end) if it can be read cheaply from the line's opening bytes. */
function peekLineType(buffer: Buffer, start: number, end: number): string | null {
  return peekLineTypeEnd(buffer, start, end)?.type ?? null;
}

/** peekLineType, with the offset just past the type's closing quote. */
function peekLineTypeEnd(buffer: Buffer, start: number, end: number): { type: string; end: number } | null {
  const head = buffer.subarray(start, Math.min(end, start + TYPE_PEEK_BYTES));
  const at = head.indexOf(TYPE_KEY);
  if (at < 0) return null;
  const from = at + TYPE_KEY.length;
  const close = head.indexOf(0x22, from);
  return close < 0 ? null : { type: head.toString('latin1', from, close), end: start + close + 1 };
}

/**
 * Parses rollout bytes (the pure half of readRollout; `path` only names the source in errors).
 * @throws RolloutFormatError
 */
export function parseRollout(bytes: Uint8Array, path: string, options: ParseRolloutOptions = {}): RolloutContent {
  const skip = options.skip;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lines: RolloutLine[] = [];
  let tornTail = false;
  let validBytes = 0;
  let lineNumber = 0;
  for (let start = 0; start < buffer.length; ) {
    const newline = buffer.indexOf(0x0a, start);
    const end = newline === -1 ? buffer.length : newline + 1;
    const lineEnd = newline === -1 ? buffer.length : newline;
    lineNumber += 1;
    // Never skip the first line (session_meta) or an unterminated last one (it may be torn).
    if (skip !== undefined && lines.length > 0 && newline !== -1) {
      const type = peekLineType(buffer, start, lineEnd);
      if (type !== null && skip.has(type)) {
        start = end;
        validBytes = end;
        continue;
      }
    }
    const raw = options.rawLongStrings;
    const text =
      raw !== undefined && lines.length > 0 && lineEnd - start >= LONG_STRING_BYTES
        ? lineWithRawLongStrings(buffer, start, lineEnd, raw)
        : buffer.toString('utf8', start, lineEnd);
    start = end;
    if (text.trim() === '') {
      validBytes = end;
      continue;
    }
    const isLast = isBlank(buffer, end);
    const line = decodeLine(text, path, lineNumber, lines.length === 0);
    if (line === TORN) {
      if (!isLast) throw new RolloutFormatError(path, lineNumber, 'invalid JSON before the last line');
      tornTail = true;
      break;
    }
    lines.push(line);
    validBytes = end;
  }
  const first = lines[0];
  if (first === undefined || first.type !== 'session_meta') {
    throw new RolloutFormatError(path, undefined, 'no complete session_meta line');
  }
  return { path, meta: first.payload, lines, tornTail, validBytes };
}

/**
 * Reads line 1 (session_meta) and streams on only until the first user message (plus a few lines for the
 * model), so listing a thousand long rollouts reads a few kilobytes of each.
 * @throws RolloutFormatError when line 1 is not session_meta or a line before the stopping point is not a valid
 *   rollout line (a torn last line is tolerated); the file system's error when the file cannot be read.
 */
export async function readSessionHeader(path: string): Promise<SessionHeader> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    let meta: SessionMeta | undefined;
    let preview: string | null = null;
    let model: string | null = null;
    let linesAfterPreview = 0;
    // A line that failed to decode is fatal only if another line follows it (otherwise it is a torn tail).
    let pending: RolloutFormatError | undefined;
    /** Takes one line; true when the scan can stop. */
    const consume = (text: string, lineNumber: number): boolean => {
      if (text.trim() === '') return false;
      if (pending !== undefined) throw pending;
      const line = decodeLine(text, path, lineNumber, meta === undefined);
      if (line === TORN) {
        pending = new RolloutFormatError(path, lineNumber, 'invalid JSON before the last line');
        return false;
      }
      if (line.type === 'session_meta') meta ??= line.payload;
      else if (line.type === 'turn_context') model ??= line.payload.model;
      if (preview === null) preview = userMessageText(line);
      else linesAfterPreview += 1;
      return preview !== null && (model !== null || linesAfterPreview >= MODEL_LOOKAHEAD_LINES);
    };
    // Plain positional reads and a hand-split of lines: several times cheaper than a stream + readline, which
    // matters when the index scans a thousand files.
    const chunk = Buffer.allocUnsafe(HEADER_CHUNK_BYTES);
    let carry = Buffer.alloc(0);
    let position = 0;
    let lineNumber = 0;
    for (let done = false; !done; ) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      position += bytesRead;
      if (bytesRead === 0) {
        if (carry.length > 0) consume(carry.toString('utf8'), ++lineNumber);
        break;
      }
      const fresh = chunk.subarray(0, bytesRead);
      const data = carry.length > 0 ? Buffer.concat([carry, fresh]) : fresh;
      let start = 0;
      for (let newline = data.indexOf(0x0a, start); newline !== -1; newline = data.indexOf(0x0a, start)) {
        done = consume(data.toString('utf8', start, newline), ++lineNumber);
        start = newline + 1;
        if (done) break;
      }
      // Copy: `chunk` is reused by the next read.
      carry = Buffer.from(data.subarray(start));
    }
    if (meta === undefined) throw new RolloutFormatError(path, undefined, 'no complete session_meta line');
    return { path, meta, preview, model, mtimeMs: stats.mtimeMs, sizeBytes: stats.size };
  } finally {
    await handle.close();
  }
}

const TORN = Symbol('torn');

/**
 * Decodes one non-blank line. Returns TORN when it is not JSON at all (the caller decides whether that is a
 * torn tail or corruption); throws for JSON that is not a valid rollout line.
 */
function decodeLine(text: string, path: string, lineNumber: number, isFirst: boolean): RolloutLine | typeof TORN {
  let value: unknown;
  try {
    value = parseJsonRejectingProtoKeys(text);
  } catch (error) {
    if (error instanceof ProtoKeyError) {
      throw new RolloutFormatError(path, lineNumber, 'forbidden key "__proto__"');
    }
    return TORN;
  }
  const parsed = parseRolloutLine(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new RolloutFormatError(path, lineNumber, `not a rollout line${where}: ${issue?.message ?? 'invalid'}`, {
      cause: parsed.error,
    });
  }
  if (isFirst && parsed.data.type !== 'session_meta') {
    const found = parsed.data.type === 'unknown' ? parsed.data.originalType : parsed.data.type;
    throw new RolloutFormatError(path, lineNumber, `first line is ${found}, expected session_meta`);
  }
  return parsed.data;
}

class ProtoKeyError extends Error {}

/**
 * JSON.parse that refuses a `__proto__` key at any depth. JSON.parse itself makes such a key an own property,
 * but any later spread or copy (zod's loose objects included) would turn it into a prototype assignment. The
 * reviver costs time, so it runs only when the text could spell the key (directly or with `\u` escapes).
 */
function parseJsonRejectingProtoKeys(text: string): unknown {
  if (!text.includes('__proto__') && !text.includes('\\u')) return JSON.parse(text);
  return JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__') throw new ProtoKeyError();
    return value;
  });
}

/** Whether JSON text (one value per line) has a `__proto__` key anywhere. Invalid JSON counts as no key. */
export function hasProtoKey(jsonLines: string): boolean {
  for (const text of jsonLines.split('\n')) {
    if (text.trim() === '') continue;
    try {
      parseJsonRejectingProtoKeys(text);
    } catch (error) {
      if (error instanceof ProtoKeyError) return true;
    }
  }
  return false;
}

function isBlank(buffer: Buffer, from: number): boolean {
  for (let i = from; i < buffer.length; i++) {
    const byte = buffer[i];
    if (byte !== 0x0a && byte !== 0x0d && byte !== 0x20 && byte !== 0x09) return false;
  }
  return true;
}
