import { RpcErrors } from '../protocol/errors.js';
import { REMOTE_IMAGE_URL_REFUSAL, hasRemoteImage } from '../runtime/turns/input-images.js';
import { ClientRequests } from '../protocol/registry.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { loadedThread } from './thread-lookup.js';
import { turnRequestError } from './turn-errors.js';

/**
 * `turn/start`: runs the agent on the user's input. Answers at once with the turn (`inProgress`, no items);
 * the turn's notifications follow the response. Overrides (cwd, policies, model, effort, summary) persist
 * for later turns. A thread that is not loaded is `thread not found: <id>` [observed]. On a thread whose turn is
 * running, the input joins that turn as turn/steer's does (see ThreadControl.startTurn). An image given by an
 * http(s) URL is refused: the model is only sent images inline [observed].
 */
export function turnStartHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.turnStart, (params, context) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    if (hasRemoteImage(params.input)) {
      throw RpcErrors.badRequest(REMOTE_IMAGE_URL_REFUSAL);
    }
    if (params.sandboxPolicy != null && params.permissions != null) {
      throw RpcErrors.badRequest('`permissions` cannot be combined with `sandboxPolicy`');
    }
    try {
      const turn = services.threads.control.startTurn(thread, params, threadCaller(context), (task) =>
        context.afterResponse(task),
      );
      return { turn };
    } catch (error) {
      turnRequestError(error);
    }
  });
}
