import { ErrorCode, RpcError, RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `thread/readState/update` [experimental]: marks a thread read or unread, if the client saw the current revision.
 * The reference's answers [observed]: an unknown thread is `thread not loaded: <id>`; a thread without a receipt
 * yet (not persisted: no turn started, or ephemeral) is `thread read state unavailable`; a stale revision is `read state changed`
 * with `data: {reason: "readStateConflict", readState: <current>}`. The `thread/readState/changed` notification
 * goes out before the response, as the reference sends it, to the thread's experimental subscribers only.
 */
export function threadReadStateUpdateHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadReadStateUpdate, async (params) => {
    const id = threadIdParam(params.threadId);
    const persisted = (await services.threads.index.get(id)) !== undefined;
    if (!persisted && services.threads.get(id) === undefined) throw RpcErrors.badRequest(`thread not loaded: ${id}`);
    const { type } = params.operation;
    const outcome = await services.threads.readStates.update(id, persisted, type, params.expectedRevision);
    if (outcome.ok) return { readState: outcome.readState };
    if (outcome.reason === 'unavailable') throw RpcErrors.badRequest('thread read state unavailable');
    throw new RpcError(ErrorCode.InvalidRequest, 'read state changed', {
      reason: 'readStateConflict',
      readState: outcome.readState,
    });
  });
}
