import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { REMOTE_IMAGE_URL_REFUSAL, hasRemoteImage } from '../runtime/turns/input-images.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { loadedThread } from './thread-lookup.js';
import { turnRequestError } from './turn-errors.js';

/**
 * `turn/interrupt`: cancels the running turn (the model stream is aborted) and answers `{}` once cancellation
 * is requested; the turn then reports `turn/completed` with status `interrupted`.
 */
export function turnInterruptHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.turnInterrupt, (params) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    try {
      services.threads.control.interrupt(thread, params.turnId);
    } catch (error) {
      turnRequestError(error);
    }
    return {};
  });
}

/**
 * `turn/steer`: adds input to the running turn. It is recorded as a user message and sent to the model with
 * its next request (the current response finishes first). An image given by an http(s) URL is refused, as by
 * turn/start [observed].
 */
export function turnSteerHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.turnSteer, (params) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    if (hasRemoteImage(params.input)) throw RpcErrors.badRequest(REMOTE_IMAGE_URL_REFUSAL);
    try {
      const turnId = services.threads.control.steer(thread, params.expectedTurnId, params.input, params.clientUserMessageId ?? null);
      return { turnId };
    } catch (error) {
      turnRequestError(error);
    }
  });
}
