import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RolloutMoveError, RolloutWriteError } from './errors.js';
import {
  archivedRolloutPath,
  isArchivedRolloutPath,
  isLiveRolloutPath,
  parseRolloutFileName,
  sessionsDayDir,
} from './layout.js';
import { hasProtoKey, parseRollout } from './rollout-reader.js';
import { formatLineTimestamp } from './rollout-schema.js';
import type { RolloutItem, RolloutLine, SessionMeta } from './rollout-schema.js';

/**
 * Appends lines to one thread's rollout file.
 *
 * - Lazy: a writer for a new thread touches nothing on disk until the first append; then it creates the
 *   directories and the file (exclusively: an existing file is an error) and writes the `session_meta` line
 *   (ordinal 0, stamped with the time of that first append, as the reference does) ahead of the item.
 * - Ordered: `ordinal` and `timestamp` are assigned when `append` is called, so lines land in call order with
 *   increasing ordinals and non-decreasing timestamps (the clock is clamped so it never goes back), whatever
 *   the interleaving of concurrent callers. One drain loop owns the file descriptor; no two writes overlap.
 * - Durable: each `append` (one logical item) or `appendBatch` (several items, one write) resolves only after
 *   its bytes are written with `fs.write` and `fdatasync`ed; a new file's directory entry is fsynced too. Calls
 *   that arrive while a sync is in flight are written and synced together next (group commit), so a burst
 *   costs one sync, not one per line, and each promise still resolves only when its own line is durable.
 *   A crash therefore loses at most the items whose promises have not resolved (the item in flight), and
 *   leaves at worst a torn last line, which the reader tolerates and `resume` cuts off.
 * - Loud: a failed open/write/sync rejects that append and every queued or later one with a RolloutWriteError
 *   (cause set); the writer does not retry, since the file may now end in a partial line.
 *
 * Close the writer before moving its file (archive): an open writer keeps appending to the moved file by fd.
 */
export class RolloutWriter {
  /** The rollout file this writer appends to. */
  readonly path: string;
  readonly #now: () => number;
  #header: SessionMeta | undefined;
  readonly #mode: 'create' | 'resume';
  #nextOrdinal: number;
  #lastMs: number;
  /** For resume: bytes to keep (a torn tail beyond is cut) and whether a newline must be added first. */
  #keepBytes: number | undefined;
  #needsNewline = false;
  #handle: FileHandle | undefined;
  #queue: Pending[] = [];
  #draining: Promise<void> | undefined;
  #failure: RolloutWriteError | undefined;
  #closed = false;

  private constructor(path: string, mode: 'create' | 'resume', now: () => number) {
    this.path = path;
    this.#mode = mode;
    this.#now = now;
    this.#nextOrdinal = 0;
    this.#lastMs = Number.NEGATIVE_INFINITY;
  }

  /**
   * A writer for a new thread's rollout at `path` (see layout.rolloutPath). `sessionMeta` becomes line 0 when
   * the first item is appended; until then nothing exists on disk. Never throws.
   */
  static create(options: {
    path: string;
    sessionMeta: SessionMeta;
    now?: () => number;
    /** The ordinal of the session_meta line: a continuation's ordinals go on from its history base's cut. */
    firstOrdinal?: number;
  }): RolloutWriter {
    const writer = new RolloutWriter(options.path, 'create', options.now ?? Date.now);
    writer.#header = options.sessionMeta;
    writer.#nextOrdinal = options.firstOrdinal ?? 0;
    return writer;
  }

  /**
   * A writer that continues an existing rollout: ordinals continue after its last line (line count for rollouts
   * without ordinals), timestamps never go below its last one, and a torn last line is truncated away before the
   * first new line is written.
   * @throws RolloutFormatError when the file is not a valid rollout; the file system's error when unreadable.
   */
  static async resume(path: string, options: { now?: () => number } = {}): Promise<RolloutWriter> {
    const bytes = await readFile(path);
    const content = parseRollout(bytes, path);
    const writer = new RolloutWriter(path, 'resume', options.now ?? Date.now);
    let ordinal = content.lines.length;
    for (const line of content.lines) if (line.ordinal !== undefined) ordinal = Math.max(ordinal, line.ordinal + 1);
    writer.#nextOrdinal = ordinal;
    const last = content.lines[content.lines.length - 1];
    const lastMs = last === undefined ? Number.NaN : Date.parse(last.timestamp);
    if (!Number.isNaN(lastMs)) writer.#lastMs = lastMs;
    writer.#keepBytes = content.validBytes < bytes.length ? content.validBytes : undefined;
    writer.#needsNewline = content.validBytes > 0 && bytes[content.validBytes - 1] !== 0x0a;
    return writer;
  }

  /** Whether the file has been opened (for a new thread: whether anything has been appended yet). */
  get isOpen(): boolean {
    return this.#handle !== undefined;
  }

  /** The ordinal the next appended line will get. */
  get nextOrdinal(): number {
    return this.#nextOrdinal;
  }

  /**
   * Appends one item and resolves with the line as written once it is durable (written and fdatasynced).
   * @throws RolloutWriteError (as a rejection) when the writer is closed or failed, or the write fails; also,
   *   without failing the writer, when the item is not JSON-serializable or has a `__proto__` key.
   */
  append(item: RolloutItem): Promise<RolloutLine> {
    return this.appendBatch([item]).then((lines) => lines[0] as RolloutLine);
  }

  /**
   * Appends several items with one write and one fdatasync: all of them are durable when it resolves, and a
   * crash loses at most this batch. Resolves with the lines as written, in order.
   * @throws RolloutWriteError (as a rejection) as for append.
   */
  appendBatch(items: readonly RolloutItem[]): Promise<RolloutLine[]> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new RolloutWriteError(this.path, 'rollout writer is closed'));
    if (items.length === 0) return this.flush().then(() => []);
    const saved = { header: this.#header, nextOrdinal: this.#nextOrdinal, lastMs: this.#lastMs };
    const lines: RolloutLine[] = [];
    let text: string;
    try {
      if (this.#header !== undefined) {
        lines.push(this.#stamp({ type: 'session_meta', payload: this.#header }));
        this.#header = undefined;
      }
      for (const item of items) lines.push(this.#stamp(item));
      text = lines.map((line) => `${JSON.stringify(line)}\n`).join('');
      // Readers reject such a file (see rollout-reader), so it must never be written.
      if (text.includes('"__proto__":') && hasProtoKey(text)) throw new Error('an item has a "__proto__" key');
    } catch (error) {
      // Nothing was queued: give the ordinals back and stay usable (the items were the problem, not the file).
      this.#header = saved.header;
      this.#nextOrdinal = saved.nextOrdinal;
      this.#lastMs = saved.lastMs;
      return Promise.reject(new RolloutWriteError(this.path, 'cannot serialize rollout item', { cause: error }));
    }
    return new Promise<RolloutLine[]>((resolve, reject) => {
      this.#queue.push({ text, resolve: () => resolve(lines.slice(lines.length - items.length)), reject });
      this.#draining ??= this.#drain();
    });
  }

  /**
   * Resolves when everything appended so far is durable.
   * @throws RolloutWriteError when the writer has failed.
   */
  async flush(): Promise<void> {
    while (this.#draining !== undefined) await this.#draining;
    if (this.#failure !== undefined) throw this.#failure;
  }

  /**
   * Creates a new thread's file now, with only its `session_meta` line, and resolves once that is durable. The
   * reference materializes a thread this way when it is named or archived before its first turn. For a file that
   * already exists (or a resumed writer) this is `flush`.
   * @throws RolloutWriteError (as a rejection) as for append.
   */
  materialize(): Promise<void> {
    const header = this.#header;
    if (header === undefined) return this.flush();
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new RolloutWriteError(this.path, 'rollout writer is closed'));
    this.#header = undefined;
    const text = `${JSON.stringify(this.#stamp({ type: 'session_meta', payload: header }))}\n`;
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ text, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  /**
   * Waits for queued appends, then closes the file. Later appends reject. Idempotent; a writer that never
   * appended closes without creating anything.
   * @throws RolloutWriteError when closing the file fails (a failed write was already reported to its caller).
   */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#draining !== undefined) await this.#draining;
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle === undefined) return;
    try {
      await handle.close();
    } catch (error) {
      throw new RolloutWriteError(this.path, 'cannot close rollout', { cause: error });
    }
  }

  #stamp(item: RolloutItem): RolloutLine {
    this.#lastMs = Math.max(this.#lastMs, this.#now());
    // Key order as the reference writes it: timestamp, ordinal, type, payload, metadata.
    const line = {
      timestamp: formatLineTimestamp(this.#lastMs),
      ordinal: this.#nextOrdinal++,
      type: item.type,
      payload: item.payload,
      ...(item.type === 'response_item' && item.metadata !== undefined ? { metadata: item.metadata } : {}),
    };
    return line as RolloutLine;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          if (this.#failure !== undefined) throw this.#failure;
          const handle = this.#handle ?? (await this.#open());
          const text = batch.map((pending) => pending.text).join('');
          await writeFully(handle, Buffer.from(text, 'utf8'));
          await handle.datasync();
        } catch (error) {
          this.#failure ??=
            error instanceof RolloutWriteError
              ? error
              : new RolloutWriteError(this.path, 'cannot append to rollout', { cause: error });
          for (const pending of batch) pending.reject(this.#failure);
          continue;
        }
        for (const pending of batch) pending.resolve();
      }
    } finally {
      this.#draining = undefined;
    }
  }

  async #open(): Promise<FileHandle> {
    let handle: FileHandle;
    if (this.#mode === 'create') {
      const dir = dirname(this.path);
      const firstCreated = await mkdir(dir, { recursive: true });
      handle = await open(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL);
      // Make the new directory entries durable: the file's, then any directory mkdir just created.
      const stop = firstCreated === undefined ? dir : dirname(firstCreated);
      for (let current = dir; ; current = dirname(current)) {
        await syncDirectory(current);
        if (current === stop || dirname(current) === current) break;
      }
    } else {
      handle = await open(this.path, constants.O_WRONLY | constants.O_APPEND);
      if (this.#keepBytes !== undefined) await handle.truncate(this.#keepBytes);
      if (this.#needsNewline) await writeFully(handle, Buffer.from('\n'));
    }
    this.#handle = handle;
    return handle;
  }
}

interface Pending {
  readonly text: string;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** fs.write may write less than asked; loop until every byte is out. */
async function writeFully(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** fsync a directory so entries created or renamed in it survive a crash. Skipped where unsupported. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (isUnsupportedDirectorySync(error)) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!isUnsupportedDirectorySync(error)) throw error;
  } finally {
    await handle.close();
  }
}

function isUnsupportedDirectorySync(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'EACCES';
}

/**
 * Moves a live rollout (anywhere under `$CODEX_HOME/sessions`) to `$CODEX_HOME/archived_sessions/<same name>`,
 * creating that directory, and returns the new path. Close its writer first.
 * @throws RolloutMoveError when `path` is not a rollout under sessions/ or the archived file already exists;
 *   the file system's error when the rename fails.
 */
export async function moveToArchive(codexHome: string, path: string): Promise<string> {
  if (!isLiveRolloutPath(codexHome, path) || parseRolloutFileName(path) === null) {
    throw new RolloutMoveError(path, 'not a rollout under sessions/');
  }
  const target = archivedRolloutPath(codexHome, basename(path));
  await moveNoClobber(path, target);
  return target;
}

/**
 * Moves an archived rollout back to `$CODEX_HOME/sessions/YYYY/MM/DD/` (the date of its file name, local time)
 * and returns the new path.
 * @throws RolloutMoveError when `path` is not a rollout in archived_sessions/ or the target already exists;
 *   the file system's error when the rename fails.
 */
export async function moveFromArchive(codexHome: string, path: string): Promise<string> {
  const name = parseRolloutFileName(path);
  if (!isArchivedRolloutPath(codexHome, path) || name === null) {
    throw new RolloutMoveError(path, 'not a rollout in archived_sessions/');
  }
  const target = join(sessionsDayDir(codexHome, name.createdAt), basename(path));
  await moveNoClobber(path, target);
  return target;
}

async function moveNoClobber(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  if (await exists(to)) throw new RolloutMoveError(to, 'rollout already exists');
  await rename(from, to);
  await syncDirectory(dirname(to));
  await syncDirectory(dirname(from));
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
