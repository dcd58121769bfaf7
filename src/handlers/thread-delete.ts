import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import { threadAttachmentStore } from '../runtime/thread-metadata/attachment-store.js';
import { clientMetadataStore } from '../runtime/thread-metadata/client-metadata-store.js';
import { ThreadRequestError } from '../runtime/threads/thread-request-error.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `thread/delete`: removes a persisted thread for good and answers `{}`. Every connection hears it [observed
 * order on the reference 0.169.0]: `thread/status/changed notLoaded` (only if it was loaded; a running turn
 * completes `interrupted` before that), the response, then `thread/deleted {threadId}`. Afterwards the thread is
 * unknown: `thread/read` answers `thread not loaded: <id>`, a second delete `no rollout found for thread id <id>`.
 */
export function threadDeleteHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadDelete, async (params, context) => {
    const threadId = threadIdParam(params.threadId);
    try {
      await services.threads.delete(threadId);
    } catch (error) {
      if (error instanceof ThreadRequestError) throw RpcErrors.badRequest(error.message);
      throw RpcErrors.internal(`failed to delete thread: ${(error as Error).message}`, error);
    }
    // What clients kept on it goes with it (the reference's attachments and metadata rows do) [observed].
    await threadAttachmentStore(services.codexHome).forget(threadId);
    await clientMetadataStore(services.codexHome).forget(threadId);
    context.afterResponse(() => services.threads.broadcaster.broadcast(ServerNotifications.threadDeleted, { threadId }));
    return {};
  });
}
