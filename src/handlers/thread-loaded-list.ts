import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `thread/loaded/list`: ids of threads loaded in memory, paged by an opaque cursor (the id after which to
 * continue). Without `limit` everything is returned. The reference answers an unknown cursor with an empty
 * page rather than an error; a cursor naming a thread that is no longer loaded does the same here.
 */
export function threadLoadedListHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadLoadedList, (params) => {
    const ids = services.threads.loadedThreadIds();
    let start = 0;
    if (params.cursor !== undefined && params.cursor !== null) {
      const index = ids.indexOf(params.cursor);
      start = index < 0 ? ids.length : index + 1;
    }
    const limit = params.limit ?? ids.length;
    if (limit < 0) throw RpcErrors.invalidRequest('limit must not be negative');
    const page = ids.slice(start, start + limit);
    const nextCursor = start + page.length < ids.length && page.length > 0 ? (page[page.length - 1] ?? null) : null;
    return { data: page, nextCursor };
  });
}
