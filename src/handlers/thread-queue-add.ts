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
 * next turn (see runtime/turns/turn-queue.ts). On a loaded idle thread it starts at once, in the reference's order
 * [observed]: `thread/queue/changed` (added), `thread/queue/changed` (taken), the response, then the turn's
 * notifications as after turn/start, its user message carrying `clientUserMessageId` as `clientId`. On a busy
 * thread the response comes first, then `thread/queue/changed`, and the turn starts after the running one's
 * turn/completed. A stored thread that is not loaded keeps it until it is resumed. Refusals [observed]:
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
    const { queue } = services.threads;
    queue.add(id, queuedSubmission, threadCaller(context));
    if (loaded !== undefined && loaded.activeTurn === null) {
      queue.announceChanged(id);
      queue.startNext(loaded, (task) => context.afterResponse(task));
    } else {
      context.afterResponse(() => queue.announceChanged(id));
    }
    return { queuedSubmission };
  });
}
