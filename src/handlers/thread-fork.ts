import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import { parseThreadId } from '../runtime/threads/thread-id.js';
import { ThreadRequestError } from '../runtime/threads/thread-request-error.js';
import { loadedThreadView } from '../runtime/threads/thread-view.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { FULL_HISTORY_ON_RESUME } from './deprecation-notices.js';
import { sessionResponse } from './session-response.js';
import { configurationError } from './thread-lookup.js';
import { copyTurns } from './thread-read.js';

/**
 * `thread/fork`: a new thread (new id, `forkedFromId` = the source) continuing the source's history, subscribed
 * by the caller. Order [observed]: `deprecationNotice` (paginated history with turns), the response (turns
 * unless `excludeTurns`), `thread/tokenUsage/updated` (restored usage, unless `excludeTurns`), `thread/started`.
 * The source's id is parsed as the reference's "session id", so a malformed one is `invalid session id: …`.
 */
export function threadForkHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadFork, async (params, context) => {
    if (params.sandbox != null && params.permissions != null) {
      throw RpcErrors.badRequest('`permissions` cannot be combined with `sandbox`');
    }
    const parsed = parseThreadId(params.threadId);
    if (!parsed.ok) throw RpcErrors.badRequest(`invalid session id: ${parsed.error}`);
    let forked;
    try {
      forked = await services.threads.forkThread(parsed.id, params, threadCaller(context));
    } catch (error) {
      if (error instanceof ThreadRequestError) throw RpcErrors.badRequest(error.message);
      configurationError(error);
    }
    const { thread, tokenUsageTurnId } = forked;
    const includeTurns = params.excludeTurns !== true;
    // Sent before the response, as the reference does.
    if (includeTurns && forked.paginated) {
      context.channel.notify(ServerNotifications.deprecationNotice, FULL_HISTORY_ON_RESUME);
    }
    const usage = thread.tokenUsage;
    context.afterResponse(() => {
      if (includeTurns && usage !== null && tokenUsageTurnId !== null) {
        context.channel.notify(ServerNotifications.threadTokenUsageUpdated, {
          threadId: thread.id,
          turnId: tokenUsageTurnId,
          tokenUsage: usage,
        });
      }
      thread.announceStarted(loadedThreadView(thread));
    });
    const sources = await services.threads.instructionSources(thread);
    return sessionResponse(thread, includeTurns ? copyTurns(thread.turns) : [], sources);
  });
}
