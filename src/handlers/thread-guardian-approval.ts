import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { decodeGuardianEvent, GuardianEventError } from '../runtime/threads/guardian-denial.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import { configurationError, loadedThread } from './thread-lookup.js';
import type { ServerServices } from './services.js';

/**
 * `thread/approveGuardianDeniedAction`: the user approves an action the auto-review denied. A denied event adds a
 * developer message naming that exact action to the thread's conversation (the next model request reads it; a
 * running turn takes it at its next request); any other status changes nothing. Answers `{}`, with no
 * notification. Checks in the reference's order [observed on 0.169.0]: the event (`-32600 invalid Guardian
 * denial event: …`), the thread id, then `thread not found: <id>` for a thread that is not loaded.
 */
export function threadApproveGuardianDeniedActionHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadApproveGuardianDeniedAction, async (params, context) => {
    let event;
    try {
      event = decodeGuardianEvent(params.event);
    } catch (error) {
      if (error instanceof GuardianEventError) throw RpcErrors.badRequest(`invalid Guardian denial event: ${error.message}`);
      throw error;
    }
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    try {
      await services.threads.control.approveDeniedAction(thread, event, threadCaller(context));
    } catch (error) {
      configurationError(error);
    }
    return {};
  });
}
