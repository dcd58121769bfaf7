import { InvalidCursorError } from '../persistence/errors.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { loadedThreadView, storedThreadView } from '../runtime/thread-view.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `thread/list`: persisted threads with a first user message, newest first by default, from the in-memory
 * index (no file is read per call). Loaded threads show their live status. `recency_at` sorts like
 * `updated_at` and `section_position` like `created_at` (this server has no sections).
 */
export function threadListHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadList, async (params) => {
    const sortKey = params.sortKey === 'updated_at' || params.sortKey === 'recency_at' ? 'updated_at' : 'created_at';
    let page;
    try {
      page = await services.threads.index.list({ ...params, sortKey });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw RpcErrors.badRequest(error.message);
      throw error;
    }
    const excluded = new Set(params.excludedThreadIds ?? []);
    const originators = params.originators?.length ? new Set(params.originators) : null;
    const fallbackProvider = services.threads.defaultModelProvider;
    const data = page.data
      .filter((summary) => !excluded.has(summary.threadId))
      .filter((summary) => originators === null || originators.has(summary.originator))
      .map((summary) => {
        const loaded = services.threads.get(summary.threadId);
        return loaded === undefined ? storedThreadView(summary, fallbackProvider) : loadedThreadView(loaded);
      });
    return { data, readStates: {}, nextCursor: page.nextCursor, backwardsCursor: page.backwardsCursor };
  });
}
