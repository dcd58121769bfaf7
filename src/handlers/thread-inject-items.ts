import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { conversationItems, InjectedItemError } from '../runtime/threads/inject-items.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import { configurationError, loadedThread } from './thread-lookup.js';
import type { ServerServices } from './services.js';

/**
 * `thread/inject_items`: appends raw Responses API items to a loaded thread's conversation; answers `{}`. Refusals
 * in the reference's order and words [observed on 0.169.0]: the id, `thread not found: <id>` (a thread that is not
 * loaded included), `items must not be empty`, then `items[<i>] is not a valid response item: …`.
 */
export function threadInjectItemsHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadInjectItems, async (params, context) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    if (params.items.length === 0) throw RpcErrors.badRequest('items must not be empty');
    let items;
    try {
      items = conversationItems(params.items);
    } catch (error) {
      if (error instanceof InjectedItemError) throw RpcErrors.badRequest(error.message);
      throw error;
    }
    try {
      await services.threads.control.injectItems(thread, items, threadCaller(context));
    } catch (error) {
      configurationError(error);
    }
    return {};
  });
}
