import { lazySchema } from '../util/lazy-schema.js';
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

/**
 * `$CODEX_HOME/session_index.jsonl`: the reference's append-only record of thread names (thread/name/set).
 * One JSON object per line, `{"id":"<thread uuid>","thread_name":"<name>","updated_at":"<RFC 3339 UTC>"}`, in
 * that key order; the newest line for an id wins. Probed on 0.169.0: thread/name/set appends exactly this line
 * (and leaves the rollout untouched), and the reference CLI looks threads up by name in this file, so writing
 * the same lines keeps our names and the reference's in one place.
 *
 * The reference additionally keeps names in its sqlite state database (`state_5.sqlite`, `threads.name`), which
 * is what its thread/list and thread/read show; it does not read names back from this file for those.
 */

export const SESSION_INDEX_FILE = 'session_index.jsonl';

export const SessionIndexEntrySchema = lazySchema(() => z.object({
  id: z.string(),
  thread_name: z.string(),
  updated_at: z.string(),
}));
export type SessionIndexEntry = z.infer<typeof SessionIndexEntrySchema>;

/** `$CODEX_HOME/session_index.jsonl`. */
export function sessionIndexPath(codexHome: string): string {
  return join(codexHome, SESSION_INDEX_FILE);
}

/**
 * The current name of every thread the file names, by lower-case thread id. As the reference reads it: lines
 * that are not entries (torn, foreign, blank) are skipped, names are trimmed, and a blank name does not count.
 * A missing file is an empty index.
 * @throws the file system's error when the file exists but cannot be read.
 */
export async function readThreadNames(codexHome: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(sessionIndexPath(codexHome), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const names = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const entry = SessionIndexEntrySchema.safeParse(value);
    if (!entry.success) continue;
    const name = entry.data.thread_name.trim();
    if (name !== '') names.set(entry.data.id.toLowerCase(), name);
  }
  return names;
}

/**
 * Appends one name entry and makes it durable (written and fsynced, as the reference does) before resolving.
 * The line goes out in one write on an O_APPEND descriptor, so concurrent appenders do not interleave lines.
 * @throws the file system's error when the file cannot be opened, written or synced.
 */
export async function appendThreadName(codexHome: string, threadId: string, name: string, now = new Date()): Promise<void> {
  const entry: SessionIndexEntry = { id: threadId, thread_name: name, updated_at: now.toISOString() };
  const handle = await open(sessionIndexPath(codexHome), 'a');
  try {
    await handle.appendFile(`${JSON.stringify(entry)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Drops every entry of one thread (thread/delete), keeping all other lines as they were. The file is replaced
 * in one rename, so a reader sees either the old or the new index. A missing file stays missing.
 * @throws the file system's error when the file exists but cannot be read or replaced.
 */
export async function removeThreadNames(codexHome: string, threadId: string): Promise<void> {
  const path = sessionIndexPath(codexHome);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const id = threadId.toLowerCase();
  const kept = text.split('\n').filter((line) => !namesThread(line, id));
  const next = kept.join('\n');
  if (next === text) return;
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, next);
  await rename(temporary, path);
}

function namesThread(line: string, id: string): boolean {
  try {
    const entry = SessionIndexEntrySchema.safeParse(JSON.parse(line));
    return entry.success && entry.data.id.toLowerCase() === id;
  } catch {
    return false;
  }
}
