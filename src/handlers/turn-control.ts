import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { loadedThread } from './thread-lookup.js';

/**
 * `turn/interrupt`: cancels the running turn (the model stream is aborted) and answers `{}` once cancellation
 * is requested; the turn then reports `turn/completed` with status `interrupted`.
 */
export function turnInterruptHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.turnInterrupt, (params) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    const active = thread.activeTurn;
    if (active === null) throw RpcErrors.badRequest('no active turn to interrupt');
    if (active.turnId !== params.turnId) {
      throw RpcErrors.badRequest(`expected active turn id ${params.turnId} but found ${active.turnId}`);
    }
    active.abort.abort(new Error('turn interrupted'));
    return {};
  });
}

/**
 * `turn/steer`: adds input to the running turn. It is recorded as a user message and sent to the model with
 * its next request (the current response finishes first).
 */
export function turnSteerHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.turnSteer, (params) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    const active = thread.activeTurn;
    if (active === null) throw RpcErrors.badRequest('no active turn to steer');
    if (active.turnId !== params.expectedTurnId) {
      throw RpcErrors.badRequest(`expected active turn id ${params.expectedTurnId} but found ${active.turnId}`);
    }
    if (active.notSteerable !== undefined) throw RpcErrors.notSteerable(active.notSteerable);
    active.pendingSteers.push({ input: params.input, clientUserMessageId: params.clientUserMessageId ?? null });
    return { turnId: active.turnId };
  });
}
