import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ThreadSourceKind } from '../protocol/v2/thread-methods.js';
import { InvalidCursorError } from './errors.js';
import { archivedSessionsRoot, parseRolloutFileName, rolloutWriteOrderKey, sessionsRoot } from './layout.js';
import { readSessionHeader } from './rollout-reader.js';
import type { SessionHeader } from './rollout-reader.js';
import { RFC3339_PATTERN, sessionSourceKind, sourceKindMatches } from './rollout-schema.js';
import type { GitInfo, SessionMeta, SessionSource } from './rollout-schema.js';
import { readThreadNames, sessionIndexPath } from './session-index.js';

/** What thread/list knows about one persisted thread, without its history. */
export interface ThreadSummary {
  readonly threadId: string;
  /** Absolute path of the rollout file (under archived_sessions/ when archived). */
  readonly path: string;
  readonly archived: boolean;
  /** session_meta.timestamp in ms (thread creation). */
  readonly createdAtMs: number;
  /** Last append in ms (the file's mtime when scanned; kept current by `update`/`upsert`). */
  readonly updatedAtMs: number;
  /** First user message text; `''` while there is none (such threads are not listed). */
  readonly preview: string;
  /** User-given name (thread/name/set); `searchTerm` matches it, or the preview when there is none. */
  readonly name: string | null;
  readonly cwd: string;
  /** session_meta.model_provider; `null` in rollouts without one (see ThreadIndexOptions.fallbackModelProvider). */
  readonly modelProvider: string | null;
  readonly model: string | null;
  readonly source: SessionSource | null;
  readonly sourceKind: ThreadSourceKind;
  readonly cliVersion: string;
  readonly originator: string;
  readonly git: GitInfo | null;
  readonly forkedFromId: string | null;
}

/**
 * Builds a summary from a session_meta payload and what is known besides. Used by the scan and by whoever
 * creates or updates a rollout (thread/start after the first append) to `upsert` it.
 */
export function summarizeThread(input: {
  path: string;
  meta: SessionMeta;
  archived: boolean;
  preview: string | null;
  model: string | null;
  updatedAtMs: number;
  name?: string | null;
}): ThreadSummary {
  const { meta } = input;
  let createdAtMs = Date.parse(meta.timestamp);
  if (Number.isNaN(createdAtMs)) createdAtMs = parseRolloutFileName(input.path)?.createdAt.getTime() ?? 0;
  return {
    threadId: meta.id.toLowerCase(),
    path: input.path,
    archived: input.archived,
    createdAtMs,
    // Whole ms: cursors carry ms, and a sub-ms mtime would sort between two cursor values.
    updatedAtMs: Math.floor(Math.max(createdAtMs, input.updatedAtMs)),
    preview: input.preview ?? '',
    name: input.name ?? null,
    cwd: meta.cwd,
    modelProvider: meta.model_provider ?? null,
    model: input.model,
    source: meta.source ?? null,
    sourceKind: sessionSourceKind(meta.source),
    cliVersion: meta.cli_version ?? '',
    originator: meta.originator ?? '',
    git: meta.git ?? null,
    forkedFromId: meta.forked_from_id ?? null,
  };
}

/** The sort keys the index serves (recency_at and section_position are the handler's business). */
export type ThreadListSortKey = 'created_at' | 'updated_at';

/** thread/list's filters and paging, as the protocol names them (nullable like ThreadListParams). */
export interface ThreadListQuery {
  /** Page size; default 25, clamped to 1..100 as the reference does (0 gives one thread). */
  readonly limit?: number | null | undefined;
  readonly cursor?: string | null | undefined;
  /** Default `created_at`. */
  readonly sortKey?: ThreadListSortKey | null | undefined;
  /** Default `desc`. */
  readonly sortDirection?: 'asc' | 'desc' | null | undefined;
  /** `true`: only archived threads; otherwise only live ones. */
  readonly archived?: boolean | null | undefined;
  /** Exact cwd match against one or several paths (trailing slashes ignored). */
  readonly cwd?: string | readonly string[] | null | undefined;
  /** null or [] = every provider. */
  readonly modelProviders?: readonly string[] | null | undefined;
  /** null or [] = the interactive sources (cli, vscode). */
  readonly sourceKinds?: readonly ThreadSourceKind[] | null | undefined;
  /** Case-sensitive substring of the title (name, else preview). */
  readonly searchTerm?: string | null | undefined;
  /** Only these threads (thread/search passes the ones whose messages match). */
  readonly threadIds?: ReadonlySet<string> | null | undefined;
}

export interface ThreadListPage {
  readonly data: readonly ThreadSummary[];
  /** `<timestamp>|<thread id>` of the last thread when more follow, else null. */
  readonly nextCursor: string | null;
  /** The first thread's sort timestamp (ms), for paging the other way; null for an empty page. */
  readonly backwardsCursor: string | null;
}

export interface ThreadIndexOptions {
  /** Reads one rollout's header; tests inject a counting one. Default readSessionHeader. */
  readonly readHeader?: (path: string) => Promise<SessionHeader>;
  /** Told about each rollout the scan skips (unreadable or invalid header), and an unreadable name index. */
  readonly onSkip?: (path: string, error: unknown) => void;
  /** The provider a rollout without model_provider counts as for `modelProviders` (the configured one). */
  readonly fallbackModelProvider?: string;
  /** Headers read in parallel during the scan. Default 16. */
  readonly scanConcurrency?: number;
}

export const DEFAULT_LIST_LIMIT = 25;
export const MAX_LIST_LIMIT = 100;
const INTERACTIVE_SOURCE_KINDS: readonly ThreadSourceKind[] = ['cli', 'vscode'];
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * In-memory index of persisted threads for thread/list. The first `load()` (or any read) scans
 * `sessions/YYYY/MM/DD/rollout-*.jsonl` and `archived_sessions/rollout-*.jsonl` once, reading only each
 * header, and takes thread names from `session_index.jsonl`; afterwards the index is kept current by its users
 * (`upsert`, `update`, `remove`) and never reads a file again, so paging through a thousand threads costs no I/O.
 * Mutations made before the scan completes win over what the scan finds. A thread id found in two files keeps
 * the one written last (a reverted thread's chain), else the more recently updated one.
 */
export class ThreadIndex {
  readonly codexHome: string;
  readonly #options: ThreadIndexOptions;
  readonly #threads = new Map<string, ThreadSummary>();
  /** Ids upserted or removed before the scan completed: what the scan finds for them is stale. */
  #touchedBeforeLoad: Set<string> | undefined = new Set();
  #loading: Promise<void> | undefined;
  #sorted: { created_at?: ThreadSummary[]; updated_at?: ThreadSummary[] } = {};

  constructor(codexHome: string, options: ThreadIndexOptions = {}) {
    this.codexHome = codexHome;
    this.#options = options;
  }

  /**
   * Scans CODEX_HOME once; later calls return the same promise. Unreadable rollouts are skipped (reported to
   * `onSkip`); a missing sessions/ or archived_sessions/ directory is an empty one.
   * @throws the file system's error when a directory exists but cannot be listed (the next call retries).
   */
  load(): Promise<void> {
    this.#loading ??= this.#scan().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  /** One thread's summary (archived or not), or undefined. Ids compare case-insensitively. */
  async get(threadId: string): Promise<ThreadSummary | undefined> {
    await this.load();
    return this.#threads.get(threadId.toLowerCase());
  }

  /** Every indexed thread, listed or not, in no particular order. */
  async summaries(): Promise<ThreadSummary[]> {
    await this.load();
    return [...this.#threads.values()];
  }

  /** Adds or replaces a thread's summary (after the first append of a new thread, after unarchive, …). */
  upsert(summary: ThreadSummary): void {
    summary = { ...summary, threadId: summary.threadId.toLowerCase(), updatedAtMs: Math.floor(summary.updatedAtMs) };
    this.#threads.set(summary.threadId, summary);
    this.#touchedBeforeLoad?.add(summary.threadId);
    this.#sorted = {};
  }

  /**
   * Changes some fields of a known thread (new `updatedAtMs` after a turn, `path` + `archived` after a move,
   * `name`, `model`, `preview`). Returns false when the thread is not in the index. Call after `load()`.
   */
  update(
    threadId: string,
    patch: Partial<Pick<ThreadSummary, 'path' | 'archived' | 'updatedAtMs' | 'preview' | 'name' | 'model'>>,
  ): boolean {
    const current = this.#threads.get(threadId.toLowerCase());
    if (current === undefined) return false;
    this.upsert({ ...current, ...patch });
    return true;
  }

  /** The threads forked from `threadId` (their rollouts name it as `forked_from_id`), archived ones included. */
  async forksOf(threadId: string): Promise<ThreadSummary[]> {
    await this.load();
    const id = threadId.toLowerCase();
    return [...this.#threads.values()].filter((thread) => thread.forkedFromId?.toLowerCase() === id);
  }

  /** Forgets a thread (its rollout was deleted). */
  remove(threadId: string): void {
    const id = threadId.toLowerCase();
    this.#threads.delete(id);
    this.#touchedBeforeLoad?.add(id);
    this.#sorted = {};
  }

  /**
   * One page of thread/list. Order: by the sort key, then by id, both in `sortDirection`; `created_at` compares
   * at second precision (the reference's column is unix seconds), `updated_at` at ms. A cursor is exclusive
   * (`<timestamp>|<id>`: strictly after that thread) or, timestamp alone, inclusive of that instant. Threads
   * without a user message are never listed.
   * @throws InvalidCursorError (`invalid cursor: <value>`) for a cursor that is neither form.
   */
  async list(query: ThreadListQuery = {}): Promise<ThreadListPage> {
    const cursor = query.cursor === undefined || query.cursor === null ? null : parseCursor(query.cursor);
    await this.load();
    const sortKey = query.sortKey ?? 'created_at';
    const descending = (query.sortDirection ?? 'desc') === 'desc';
    const limit = Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(query.limit ?? DEFAULT_LIST_LIMIT)));
    const matches = this.#filter(query);
    const sorted = this.#sortedBy(sortKey);
    const page: ThreadSummary[] = [];
    let more = false;
    for (let i = 0; i < sorted.length; i++) {
      const thread = sorted[descending ? sorted.length - 1 - i : i] as ThreadSummary;
      if (!matches(thread)) continue;
      if (cursor !== null && !isAfterCursor(thread, sortKey, cursor, descending)) continue;
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(thread);
    }
    const last = page[page.length - 1];
    const first = page[0];
    return {
      data: page,
      nextCursor: more && last !== undefined ? formatCursor(last, sortKey) : null,
      backwardsCursor: first === undefined ? null : new Date(sortTimeMs(first, sortKey, false)).toISOString(),
    };
  }

  #filter(query: ThreadListQuery): (thread: ThreadSummary) => boolean {
    const archived = query.archived === true;
    const cwds = query.cwd === undefined || query.cwd === null ? null : [query.cwd].flat().map(trimSlashes);
    const providers = query.modelProviders?.length ? new Set(query.modelProviders) : null;
    const kinds = query.sourceKinds?.length ? query.sourceKinds : INTERACTIVE_SOURCE_KINDS;
    const term = query.searchTerm ?? null;
    const ids = query.threadIds ?? null;
    const fallbackProvider = this.#options.fallbackModelProvider;
    return (thread) =>
      thread.preview !== '' &&
      thread.archived === archived &&
      (cwds === null || cwds.includes(trimSlashes(thread.cwd))) &&
      (providers === null || providers.has(thread.modelProvider ?? fallbackProvider ?? '')) &&
      sourceKindMatches(thread.sourceKind, kinds) &&
      (term === null || (thread.name ?? thread.preview).includes(term)) &&
      (ids === null || ids.has(thread.threadId));
  }

  /** All threads ascending by (sort time, id); cached until the next mutation. */
  #sortedBy(sortKey: ThreadListSortKey): ThreadSummary[] {
    const cached = this.#sorted[sortKey];
    if (cached !== undefined) return cached;
    const sorted = [...this.#threads.values()].sort((a, b) => compareKeys(a, b, sortKey));
    this.#sorted[sortKey] = sorted;
    return sorted;
  }

  async #scan(): Promise<void> {
    const live = await listRollouts(sessionsRoot(this.codexHome), 3);
    const archived = await listRollouts(archivedSessionsRoot(this.codexHome), 0);
    // Names live beside the rollouts (thread/name/set does not touch the rollout), in session_index.jsonl. An
    // unreadable index costs the names, not the listing.
    const names = await readThreadNames(this.codexHome).catch((error: unknown) => {
      this.#options.onSkip?.(sessionIndexPath(this.codexHome), error);
      return new Map<string, string>();
    });
    const jobs = [
      ...live.map((path) => ({ path, archived: false })),
      ...archived.map((path) => ({ path, archived: true })),
    ];
    const found: ThreadSummary[] = [];
    const readHeader = this.#options.readHeader ?? readSessionHeader;
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let job = jobs[next++]; job !== undefined; job = jobs[next++]) {
        try {
          const header = await readHeader(job.path);
          const name = names.get(header.meta.id.toLowerCase()) ?? null;
          found.push(summarizeThread({ ...header, archived: job.archived, updatedAtMs: header.mtimeMs, name }));
        } catch (error) {
          this.#options.onSkip?.(job.path, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.#options.scanConcurrency ?? 16) }, worker));
    const touched = this.#touchedBeforeLoad ?? new Set<string>();
    for (const summary of found) {
      if (touched.has(summary.threadId)) continue;
      const existing = this.#threads.get(summary.threadId);
      if (existing === undefined || preferOver(summary, existing)) this.#threads.set(summary.threadId, summary);
    }
    this.#sorted = {};
    this.#touchedBeforeLoad = undefined;
  }
}

/** Rollout files (valid names only) in `dir`, descending `depth` directory levels (sessions/YYYY/MM/DD: 3). */
async function listRollouts(dir: string, depth: number): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (depth > 0 && entry.isDirectory()) out.push(...(await listRollouts(path, depth - 1)));
    else if (depth === 0 && entry.isFile() && parseRolloutFileName(entry.name) !== null) out.push(path);
  }
  return out;
}

function preferOver(candidate: ThreadSummary, existing: ThreadSummary): boolean {
  // Files of one thread in the same place (a reverted thread's chain): the one written last is the thread now.
  if (candidate.archived === existing.archived && candidate.path !== existing.path) {
    const [a, b] = [rolloutWriteOrderKey(candidate.path), rolloutWriteOrderKey(existing.path)];
    if (a !== b) return a > b;
  }
  if (candidate.updatedAtMs !== existing.updatedAtMs) return candidate.updatedAtMs > existing.updatedAtMs;
  return existing.archived && !candidate.archived;
}

interface Cursor {
  readonly timeMs: number;
  readonly threadId: string | null;
}

/** `<RFC3339>` or `<RFC3339>|<uuid>`, as the reference accepts them (any zone offset; probed). */
function parseCursor(raw: string): Cursor {
  const parts = raw.split('|');
  const [stamp, id] = parts;
  if (parts.length > 2 || stamp === undefined || !RFC3339_PATTERN.test(stamp)) throw new InvalidCursorError(raw);
  const timeMs = Date.parse(stamp);
  if (Number.isNaN(timeMs)) throw new InvalidCursorError(raw);
  if (id === undefined) return { timeMs, threadId: null };
  if (!UUID.test(id)) throw new InvalidCursorError(raw);
  return { timeMs, threadId: id.toLowerCase() };
}

/** `created_at` at second precision (`2026-11-22T06:21:13Z|<id>`), `updated_at` with ms. */
function formatCursor(thread: ThreadSummary, sortKey: ThreadListSortKey): string {
  const iso = new Date(sortTimeMs(thread, sortKey, true)).toISOString();
  const stamp = sortKey === 'created_at' ? `${iso.slice(0, 19)}Z` : iso;
  return `${stamp}|${thread.threadId}`;
}

function sortTimeMs(thread: ThreadSummary, sortKey: ThreadListSortKey, truncate: boolean): number {
  if (sortKey === 'updated_at') return thread.updatedAtMs;
  return truncate ? Math.floor(thread.createdAtMs / 1000) * 1000 : thread.createdAtMs;
}

function compareKeys(a: ThreadSummary, b: ThreadSummary, sortKey: ThreadListSortKey): number {
  const byTime = sortTimeMs(a, sortKey, true) - sortTimeMs(b, sortKey, true);
  if (byTime !== 0) return byTime;
  return a.threadId < b.threadId ? -1 : a.threadId > b.threadId ? 1 : 0;
}

/** Whether `thread` comes after the cursor in the listing's direction. */
function isAfterCursor(
  thread: ThreadSummary,
  sortKey: ThreadListSortKey,
  cursor: Cursor,
  descending: boolean,
): boolean {
  const time = sortTimeMs(thread, sortKey, true);
  const sign = descending ? -1 : 1;
  const byTime = (time - cursor.timeMs) * sign;
  if (cursor.threadId === null) return byTime >= 0;
  if (byTime !== 0) return byTime > 0;
  return (thread.threadId < cursor.threadId ? -1 : thread.threadId > cursor.threadId ? 1 : 0) * sign > 0;
}

function trimSlashes(path: string): string {
  const trimmed = path.trim().replace(/[/\\]+$/, '');
  return trimmed === '' ? path.trim() : trimmed;
}
