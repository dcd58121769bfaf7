import { readThreadRollout } from '../persistence/history-chain.js';
import { InvalidCursorError } from '../persistence/errors.js';
import type { ThreadListPage } from '../persistence/thread-index.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { ThreadTextSearch } from '../runtime/search/thread-text-search.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import { listedThreadView } from './thread-list.js';
import type { ServerServices } from './services.js';

/**
 * `thread/search` (the composer's `@` thread mentions): persisted threads whose user or assistant messages
 * contain the term, case-insensitively, each with a snippet around the first match. Filters, order, page size and
 * cursors are thread/list's (`recency_at` sorts as `updated_at`); thread names are not searched, as in the
 * reference [observed]. A blank term is `thread/search requires a non-empty searchTerm` [observed].
 */
export function threadSearchHandler(services: ServerServices): RequestHandler {
  const search = new ThreadTextSearch(
    async (path) => (await readThreadRollout(services.threads.codexHome, path)).lines,
  );
  return bindHandler(ClientRequests.threadSearch, async (params) => {
    const term = params.searchTerm.trim();
    if (term === '') throw RpcErrors.badRequest('thread/search requires a non-empty searchTerm');
    const index = services.threads.index;
    const archived = params.archived === true;
    // Threads no listing shows (no user message yet) are not read at all.
    const candidates = (await index.summaries()).filter(
      (summary) => summary.archived === archived && summary.preview !== '',
    );
    const snippets = await search.snippets(candidates, term);
    let page: ThreadListPage;
    try {
      page = await index.list({
        cursor: params.cursor,
        limit: params.limit,
        sortKey: params.sortKey === 'updated_at' || params.sortKey === 'recency_at' ? 'updated_at' : 'created_at',
        sortDirection: params.sortDirection,
        sourceKinds: params.sourceKinds,
        archived,
        threadIds: new Set(snippets.keys()),
      });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw RpcErrors.badRequest(error.message);
      throw error;
    }
    const data = page.data.map((summary) => ({
      thread: listedThreadView(services, summary),
      snippet: snippets.get(summary.threadId) ?? '',
    }));
    return { data, nextCursor: page.nextCursor, backwardsCursor: page.backwardsCursor };
  });
}
