import type { Thread, ThreadReadState } from '../protocol/v2/thread.js';
import { resolve } from 'node:path';
import { InvalidCursorError } from '../persistence/errors.js';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../persistence/thread-index.js';
import type {
  ThreadIndex,
  ThreadListPage,
  ThreadListQuery,
  ThreadListSortKey,
  ThreadSummary,
} from '../persistence/thread-index.js';
import { ErrorCode, RpcError, RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { sectionFilter, sectionPositionPage } from './thread-list-sections.js';
import type { ThreadListParams } from '../protocol/v2/thread-methods.js';
import { parseThreadId } from '../runtime/threads/thread-id.js';
import { loadedThreadView, storedThreadView } from '../runtime/threads/thread-view.js';
import { allWithClientMetadata } from '../runtime/thread-metadata/thread-with-metadata.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `thread/list`: persisted threads with a first user message, newest first by default, from the in-memory
 * index (no file is read per call). Loaded threads show their live status. `recency_at` sorts like
 * `updated_at`. A `sectionId` lists that section's threads (`null`: those in none; see thread-list-sections.ts), and
 * `section_position` needs one.
 * Refusals in the reference's words [observed]: `invalid cursor: <value>`, `section-position sorting requires a
 * section filter`, and -32602 for `originators` and for a malformed excluded id.
 */
export function threadListHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadList, async (params) => {
    if (params.originators?.length) {
      throw new RpcError(ErrorCode.InvalidParams, 'originator filtering is not supported by the local app-server');
    }
    const excluded = excludedIds(params.excludedThreadIds);
    if (params.sortKey === 'section_position' && typeof params.sectionId !== 'string') {
      throw RpcErrors.badRequest('section-position sorting requires a section filter');
    }
    const sortKey = params.sortKey === 'updated_at' || params.sortKey === 'recency_at' ? 'updated_at' : 'created_at';
    // Relative cwds name directories of the server's working directory, as in the reference [observed].
    const cwd =
      params.cwd === undefined || params.cwd === null
        ? params.cwd
        : [params.cwd].flat().map((path) => resolve(services.threads.serverCwd, path));
    let page: ThreadListPage;
    try {
      const index = services.threads.index;
      if (params.sortKey === 'section_position' && typeof params.sectionId === 'string') {
        page = await sectionPositionPage(services.codexHome, index, params.sectionId, params, excluded);
      } else if (params.sectionId === undefined) {
        page = await listExcluding(index, { ...params, cwd, sortKey }, excluded);
      } else {
        const filter = await sectionFilter(services.codexHome, params.sectionId);
        page =
          'only' in filter
            ? await listExcluding(index, { ...params, cwd, sortKey, threadIds: filter.only }, excluded)
            : await listExcluding(index, { ...params, cwd, sortKey }, new Set([...excluded, ...filter.except]));
      }
    } catch (error) {
      if (error instanceof InvalidCursorError) throw RpcErrors.badRequest(error.message);
      throw error;
    }
    const data = await allWithClientMetadata(
      page.data.map((summary) => listedThreadView(services, summary)),
      services.codexHome,
    );
    // Every listed thread is persisted, so every row has a receipt.
    const readStates: Record<string, ThreadReadState> = {};
    for (const thread of data) {
      const state = await services.threads.readStates.get(thread.id, true);
      if (state !== null) readStates[thread.id] = state;
    }
    return { data, readStates, nextCursor: page.nextCursor, backwardsCursor: page.backwardsCursor };
  });
}

/**
 * A thread as listings show it (thread/list, thread/search): loaded threads with their live status. The reference
 * lists every thread with `forkedFromId: null`, forks included (thread/read and thread/started do show it)
 * [observed].
 */
export function listedThreadView(services: ServerServices, summary: ThreadSummary): Thread {
  const loaded = services.threads.get(summary.threadId);
  const thread =
    loaded === undefined
      ? storedThreadView(summary, services.threads.defaultModelProvider)
      : loadedThreadView(loaded);
  return { ...thread, forkedFromId: null };
}

/** `excludedThreadIds` in canonical form; a malformed one is -32602 with the uuid parser's words [observed]. */
function excludedIds(raw: ThreadListParams['excludedThreadIds']): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const text of raw ?? []) {
    const parsed = parseThreadId(text);
    if (!parsed.ok) throw new RpcError(ErrorCode.InvalidParams, `invalid excluded thread id: ${parsed.error}`);
    ids.add(parsed.id);
  }
  return ids;
}

/**
 * A page of the index without the excluded threads, still `limit` long when enough threads follow: the
 * reference excludes before paging [observed: excluding the newest of two with `limit: 1` lists the other]. The
 * index is asked again, from where it stopped, for as many threads as exclusion took away.
 */
async function listExcluding(
  index: ThreadIndex,
  query: ThreadListQuery & { readonly sortKey: ThreadListSortKey },
  excluded: ReadonlySet<string>,
): Promise<ThreadListPage> {
  if (excluded.size === 0) return index.list(query);
  const limit = Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(query.limit ?? DEFAULT_LIST_LIMIT)));
  const data: ThreadSummary[] = [];
  let cursor = query.cursor;
  for (;;) {
    const page = await index.list({ ...query, cursor, limit: limit - data.length });
    data.push(...page.data.filter((summary) => !excluded.has(summary.threadId)));
    if (data.length === limit || page.nextCursor === null) {
      const first = data[0];
      return {
        data,
        nextCursor: page.nextCursor,
        backwardsCursor: first === undefined ? null : backwardsCursorOf(first, query.sortKey),
      };
    }
    cursor = page.nextCursor;
  }
}

/** ThreadIndex.list's backwards cursor for a page that starts with `first` (its sort time, ms precision). */
function backwardsCursorOf(first: ThreadSummary, sortKey: ThreadListSortKey): string {
  return new Date(sortKey === 'updated_at' ? first.updatedAtMs : first.createdAtMs).toISOString();
}
