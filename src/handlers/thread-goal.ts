import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `thread/goal/get`: a thread's goal. Goals are only ever created by `thread/goal/set`, which this server does
 * not implement, so every known thread (loaded or stored) has none: `{"goal": null}`, as the reference answers
 * for a thread without a goal [observed]. An unknown id is `thread not found: <id>` [observed].
 */
export function threadGoalGetHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadGoalGet, async (params) => {
    const id = threadIdParam(params.threadId);
    const known = services.threads.get(id) !== undefined || (await services.threads.index.get(id)) !== undefined;
    if (!known) throw RpcErrors.badRequest(`thread not found: ${id}`);
    return { goal: null };
  });
}
