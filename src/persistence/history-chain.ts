import { lazySchema } from '../util/lazy-schema.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { RolloutFormatError } from './errors.js';
import { archivedSessionsRoot, parseRolloutFileName, rolloutWriteOrderKey, sessionsRoot } from './layout.js';
import { readRollout, readSessionHeader } from './rollout-reader.js';
import type { ParseRolloutOptions, RolloutContent, SessionHeader } from './rollout-reader.js';
import type { RolloutLine, SessionMeta } from './rollout-schema.js';

/**
 * Rollouts that inherit history from another file. The reference 0.169.0 writes a thread whose history was
 * replaced (thread/revert) as a further file of the same thread, and a paginated fork as a file of the fork,
 * whose `session_meta` carries `history_base: {thread_id, end_ordinal_exclusive, end_byte_offset}`: the file
 * holds only its own lines, and the conversation before them is the base thread's lines with an ordinal below
 * `end_ordinal_exclusive` (observed). Ordinals continue across the chain, so the inherited prefix and the file's
 * own lines never overlap.
 *
 * Which file of the base thread is meant is not written down: it is the base thread's newest file written
 * before the continuation (file names sort by their creation time, then by their file id, the thread's first
 * file before its continuations), which is the file the base thread was appending to when the continuation was
 * made.
 */

const HistoryBaseSchema = lazySchema(() => z.object({
  thread_id: z.string(),
  end_ordinal_exclusive: z.number().int().min(0),
  end_byte_offset: z.number().int().min(0).optional(),
}));

export type HistoryBase = z.infer<typeof HistoryBaseSchema>;

/** How deep chains are followed: a continuation of a continuation of …; a cycle would otherwise never end. */
const MAX_CHAIN_DEPTH = 64;

/** The `history_base` of a session_meta, or null when the rollout is self-contained. */
export function historyBaseOf(meta: SessionMeta): HistoryBase | null {
  const parsed = HistoryBaseSchema.safeParse(meta['history_base']);
  return parsed.success ? parsed.data : null;
}

/** Every rollout file of a thread, live and archived, in the order they were written. */
export async function threadRolloutFiles(codexHome: string, threadId: string): Promise<string[]> {
  const id = threadId.toLowerCase();
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (depth > 0 && entry.isDirectory()) await walk(path, depth - 1);
      else if (depth === 0 && entry.isFile() && parseRolloutFileName(entry.name)?.threadId.toLowerCase() === id) {
        found.push(path);
      }
    }
  };
  await walk(sessionsRoot(codexHome), 3);
  await walk(archivedSessionsRoot(codexHome), 0);
  return found.sort((a, b) => (rolloutWriteOrderKey(a) < rolloutWriteOrderKey(b) ? -1 : rolloutWriteOrderKey(a) > rolloutWriteOrderKey(b) ? 1 : 0));
}

/**
 * The file `base` points into for the continuation at `path`: the base thread's newest file written before it.
 * @throws RolloutFormatError naming `path` when the base thread has no such file.
 */
export async function findBaseRollout(codexHome: string, base: HistoryBase, path: string): Promise<string> {
  const own = parseRolloutFileName(path);
  const sameThread = own?.threadId.toLowerCase() === base.thread_id.toLowerCase();
  // A continuation of the same thread comes after its base in write order; a fork may share its base's second.
  const key = sameThread ? rolloutWriteOrderKey(path) : `${own?.timestamp ?? ''}|\uffff`;
  const candidates = (await threadRolloutFiles(codexHome, base.thread_id)).filter(
    (file) => file !== path && rolloutWriteOrderKey(file) < key,
  );
  const found = candidates[candidates.length - 1];
  if (found === undefined) {
    throw new RolloutFormatError(path, 1, `history_base names thread ${base.thread_id}, which has no earlier rollout`);
  }
  return found;
}

/** `meta` without its `history_base`: what a resolved (self-contained) reading of the rollout says. */
function withoutHistoryBase(meta: SessionMeta): SessionMeta {
  const { history_base: _base, ...rest } = meta;
  return rest as SessionMeta;
}

/**
 * A thread's rollout at `path` with everything it inherits: its own session_meta (without `history_base`), the
 * base chain's lines before the cut, then its own lines. A rollout without `history_base` is read as it is.
 * @throws RolloutFormatError when a file of the chain is invalid or a base cannot be found; the file system's
 *   error when one cannot be read.
 */
export async function readThreadRollout(
  codexHome: string,
  path: string,
  options: ParseRolloutOptions = {},
  depth = 0,
): Promise<RolloutContent> {
  const content = await readRollout(path, options);
  const base = historyBaseOf(content.meta);
  if (base === null) return content;
  if (depth >= MAX_CHAIN_DEPTH) throw new RolloutFormatError(path, 1, 'history_base chain too deep');
  const baseContent = await readThreadRollout(codexHome, await findBaseRollout(codexHome, base, path), options, depth + 1);
  const inherited = baseContent.lines.filter(
    (line, index) => line.type !== 'session_meta' && (line.ordinal ?? index) < base.end_ordinal_exclusive,
  );
  const own = content.lines.filter((line) => line.type !== 'session_meta');
  const meta = withoutHistoryBase(content.meta);
  const metaLine = { ...(content.lines[0] as RolloutLine), payload: meta } as RolloutLine;
  return { ...content, meta, lines: [metaLine, ...inherited, ...own] };
}

/**
 * readSessionHeader, and for a continuation, the preview its base chain gives it: a thread is listed under its
 * first message, which a continuation inherits (it keeps at least the thread's first turn).
 */
export async function readThreadHeader(codexHome: string, path: string, depth = 0): Promise<SessionHeader> {
  const header = await readSessionHeader(path);
  const base = historyBaseOf(header.meta);
  if (base === null || depth >= MAX_CHAIN_DEPTH) return header;
  const inherited = await readThreadHeader(codexHome, await findBaseRollout(codexHome, base, path), depth + 1);
  return { ...header, preview: inherited.preview ?? header.preview, model: header.model ?? inherited.model };
}

/**
 * Where a continuation of `content` (a thread's current file, as read by readRollout) cuts it so that the lines
 * from ordinal `endOrdinalExclusive` on are left out: the `history_base` that says so, with the byte offset in
 * `fileBytes` (the same file's bytes) of the first line left out.
 */
export function historyBaseAt(threadId: string, fileBytes: Uint8Array, endOrdinalExclusive: number): HistoryBase {
  const buffer = Buffer.from(fileBytes.buffer, fileBytes.byteOffset, fileBytes.byteLength);
  let offset = 0;
  for (let start = 0; start < buffer.length; ) {
    const newline = buffer.indexOf(0x0a, start);
    const end = newline === -1 ? buffer.length : newline + 1;
    const ordinal = ordinalOf(buffer.toString('utf8', start, end));
    if (ordinal !== null && ordinal >= endOrdinalExclusive && start > 0) break;
    offset = end;
    start = end;
  }
  return { thread_id: threadId, end_ordinal_exclusive: endOrdinalExclusive, end_byte_offset: offset };
}

function ordinalOf(text: string): number | null {
  try {
    const value = JSON.parse(text) as { ordinal?: unknown };
    return typeof value.ordinal === 'number' ? value.ordinal : null;
  } catch {
    return null;
  }
}
