import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { QueuedSubmission } from '../protocol/v2/thread-queue.js';
import { uuidv7 } from '../util/ids.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `thread/queue/add` (`codex queue --remote URL --thread T --message TEXT`): queues user input as the thread's
 * next turn (see TurnQueue.submit in runtime/turns/turn-queue.ts): at once on a loaded idle thread, its user message
 * carrying `clientUserMessageId` as `clientId`; after the running turn's turn/completed on a busy one; when it is
 * resumed for a stored thread that is not loaded. Refusals [observed]:
 * `-32603 failed to read thread: …` for an unknown thread, `only user input can be added to the user-message
 * queue` for empty input.
 */
export function threadQueueAddHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadQueueAdd, async (params, context) => {
    const id = threadIdParam(params.threadId);
    const loaded = services.threads.get(id);
    if (loaded === undefined && (await services.threads.index.get(id)) === undefined) {
      throw RpcErrors.internal(
        `failed to read thread: invalid thread-store request: no rollout found for thread id ${id}`,
      );
    }
    if (params.input.length === 0) {
      throw RpcErrors.badRequest('only user input can be added to the user-message queue');
    }
    const queuedSubmission: QueuedSubmission = {
      id: uuidv7(),
      input: params.input,
      clientUserMessageId: params.clientUserMessageId,
      responsesapiClientMetadata: params.responsesapiClientMetadata ?? null,
    };
    services.threads.queue.submit(id, loaded, queuedSubmission, threadCaller(context), (task) => context.afterResponse(task));
    return { queuedSubmission };
  });
}
