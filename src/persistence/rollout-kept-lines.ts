import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/**
 * A rollout's bytes without the lines a reader skips. A first pass reads the file through one reused buffer and
 * notes where each line is and its envelope type (peeked as parseRollout does); a second reads only the kept
 * lines, straight into one buffer of their size. Each complete line of a skipped type, after the first non-blank
 * line, becomes a stub of its opening bytes up to the end of that type, which parseRollout skips just the same
 * (same line numbers, same torn-tail decisions). Reading the turns of a long thread then allocates half of its
 * bytes, not all: the `response_item` copies of the answers never reach memory, and neither do the garbage
 * collections that allocating them set off.
 */
export interface KeptLines {
  readonly bytes: Buffer;
  /** The file offset of an offset of `bytes` that lies at a line boundary (parseRollout's `validBytes`). */
  fileOffset(offset: number): number;
}

/** A line's type as parseRollout peeks it: the type and where its closing quote ends, or null. */
export type PeekType = (buffer: Buffer, start: number, end: number) => { readonly type: string; readonly end: number } | null;

const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/** A run of the file that is kept, or the stub standing for a skipped line (newline included). */
type Segment = { readonly from: number; readonly to: number } | { readonly stub: Buffer; readonly skipped: number };

export async function readKeptLines(path: string, skip: ReadonlySet<string>, peek: PeekType, peekBytes: number): Promise<KeptLines> {
  const handle = await open(path, 'r');
  try {
    const segments = await locate(handle, skip, peek, peekBytes);
    const size = segments.reduce((total, s) => total + ('stub' in s ? s.stub.length : s.to - s.from), 0);
    const bytes = Buffer.allocUnsafeSlow(size);
    let at = 0;
    for (const segment of segments) {
      if ('stub' in segment) {
        at += segment.stub.copy(bytes, at);
        continue;
      }
      for (let position = segment.from; position < segment.to; ) {
        const { bytesRead } = await handle.read(bytes, at, segment.to - position, position);
        if (bytesRead === 0) return keptLines(bytes.subarray(0, at), segments);
        at += bytesRead;
        position += bytesRead;
      }
    }
    return keptLines(bytes, segments);
  } finally {
    await handle.close();
  }
}

/** The first pass: which runs of the file to keep and which lines to stub. */
async function locate(handle: FileHandle, skip: ReadonlySet<string>, peek: PeekType, peekBytes: number): Promise<Segment[]> {
  const chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  const segments: Segment[] = [];
  let keptFrom = 0;
  let sawContent = false;
  // The file offset of the line being looked at; each read starts at one.
  let lineStart = 0;
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, lineStart);
    if (bytesRead === 0) break;
    const data = chunk.subarray(0, bytesRead);
    for (let start = 0; start < data.length; ) {
      const newline = data.indexOf(NEWLINE, start);
      // Too little of the line in this read to peek its type: read again from the line's start.
      if (newline === -1 && data.length - start < peekBytes && start > 0) break;
      const head = sawContent ? peek(data, start, newline === -1 ? data.length : newline) : null;
      const skipped = head !== null && skip.has(head.type);
      // Copied now: finding the end of a long line reuses `chunk`.
      const stub = skipped ? Buffer.concat([data.subarray(start, head.end), NEWLINE_BYTES]) : undefined;
      sawContent ||= newline === -1 || data.toString('utf8', start, newline).trim() !== '';
      const end = newline !== -1 ? { at: lineStart + newline + 1 - start, terminated: true } : await lineEnd(handle, chunk, lineStart + data.length - start);
      // An unterminated last line is kept whatever its type, as parseRollout never skips one.
      if (!end.terminated) return finish(segments, keptFrom, end.at);
      if (stub !== undefined) {
        if (lineStart > keptFrom) segments.push({ from: keptFrom, to: lineStart });
        segments.push({ stub, skipped: end.at - lineStart });
        keptFrom = end.at;
      }
      start += end.at - lineStart;
      lineStart = end.at;
      if (newline === -1) break;
    }
  }
  return finish(segments, keptFrom, lineStart);
}

const NEWLINE_BYTES = Buffer.from([NEWLINE]);

function finish(segments: Segment[], keptFrom: number, to: number): Segment[] {
  if (to > keptFrom) segments.push({ from: keptFrom, to });
  return segments;
}

/** Where the line that continues at `from` ends: past its newline, or at the end of the file (not terminated). */
async function lineEnd(handle: FileHandle, chunk: Buffer, from: number): Promise<{ at: number; terminated: boolean }> {
  for (let position = from; ; ) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) return { at: position, terminated: false };
    const newline = chunk.subarray(0, bytesRead).indexOf(NEWLINE);
    if (newline !== -1) return { at: position + newline + 1, terminated: true };
    position += bytesRead;
  }
}

function keptLines(bytes: Buffer, segments: readonly Segment[]): KeptLines {
  return {
    bytes,
    fileOffset(offset) {
      let kept = 0;
      let file = 0;
      for (const segment of segments) {
        const length = 'stub' in segment ? segment.stub.length : segment.to - segment.from;
        if (kept + length > offset) return 'stub' in segment ? file : file + (offset - kept);
        kept += length;
        file += 'stub' in segment ? segment.skipped : length;
      }
      return file + (offset - kept);
    },
  };
}
