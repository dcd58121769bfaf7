import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import { normalizeThreadName } from '../runtime/threads/thread-names.js';
import { ThreadRequestError } from '../runtime/threads/thread-request-error.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `thread/name/set`: names a loaded or stored (not archived) thread. The name is trimmed; answers `{}`, then
 * every connection gets `thread/name/updated {threadId, threadName}` [observed]. Checks in the reference's
 * order: the id, then `thread name must not be empty`, then the thread (`no rollout found for thread id <id>`,
 * `ephemeral thread does not support metadata updates: <id>`).
 */
export function threadSetNameHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadSetName, async (params, context) => {
    const threadId = threadIdParam(params.threadId);
    const threadName = normalizeThreadName(params.name);
    if (threadName === null) throw RpcErrors.badRequest('thread name must not be empty');
    try {
      await services.threads.setThreadName(threadId, threadName);
    } catch (error) {
      if (error instanceof ThreadRequestError) throw RpcErrors.badRequest(error.message);
      throw RpcErrors.internal(`failed to set thread name: ${(error as Error).message}`, error);
    }
    context.afterResponse(() =>
      services.threads.broadcaster.broadcast(ServerNotifications.threadNameUpdated, { threadId, threadName }),
    );
    return {};
  });
}
