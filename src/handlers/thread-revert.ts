import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import { itemsBackwardsCursor } from '../runtime/paging/item-pages.js';
import { ThreadRequestError } from '../runtime/threads/thread-request-error.js';
import { loadedThreadView } from '../runtime/threads/thread-view.js';
import { turnsBackwardsCursor } from '../runtime/paging/turn-pages.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `thread/revert`: drops `beforeTurnId` and every later turn from a loaded thread's history, for the model and for
 * the thread's turns; files the turns changed stay as they are. Observed order on the reference 0.169.0:
 * `thread/status/changed notLoaded`, `thread/status/changed idle`, the answer (the reloaded thread with no turns,
 * its `path` the thread's new rollout file, and the cursors to page the remaining turns and items backwards),
 * then `thread/reverted {threadId}`. A thread that is not loaded is `thread not found: <id>`, a turn the history
 * does not have (an unknown one, or one already reverted) `turn not found: <id>`.
 */
export function threadRevertHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadRevert, async (params, context) => {
    const threadId = threadIdParam(params.threadId);
    let thread;
    try {
      thread = await services.threads.revert(threadId, params.beforeTurnId, threadCaller(context));
    } catch (error) {
      if (error instanceof ThreadRequestError) throw RpcErrors.badRequest(error.message);
      throw RpcErrors.internal(`failed to revert thread: ${(error as Error).message}`, error);
    }
    context.afterResponse(() => thread.emit(ServerNotifications.threadReverted, { threadId }));
    return {
      thread: loadedThreadView(thread, []),
      turnsBackwardsCursor: turnsBackwardsCursor(thread.id, thread.turns),
      itemsBackwardsCursor: itemsBackwardsCursor(thread.id, thread.turns),
    };
  });
}
