import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import { parseThreadId } from '../runtime/threads/thread-id.js';
import { ThreadRequestError } from '../runtime/threads/thread-request-error.js';
import { storedThreadView } from '../runtime/threads/thread-view.js';
import { withClientMetadata } from '../runtime/thread-metadata/thread-with-metadata.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `thread/archive`: unloads the thread if loaded, moves its rollout to `archived_sessions/`, answers `{}`.
 * Every connection hears it [observed order]: `thread/status/changed notLoaded` (only if it was loaded), the
 * response, then `thread/archived {threadId}`. A loaded thread without a rollout is given one and archived; an
 * unknown, ephemeral or already archived thread is `no rollout found for thread id <id>`.
 */
export function threadArchiveHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadArchive, async (params, context) => {
    const threadId = sessionIdParam(params.threadId);
    try {
      await services.threads.archive(threadId);
    } catch (error) {
      throw storeError('archive', error);
    }
    context.afterResponse(() =>
      services.threads.broadcaster.broadcast(ServerNotifications.threadArchived, { threadId }),
    );
    return {};
  });
}

/**
 * `thread/unarchive`: moves the rollout back under `sessions/` and answers with the thread (`notLoaded`, no
 * environments); then every connection gets `thread/unarchived {threadId}` [observed]. A thread that is not
 * archived is `no archived rollout found for thread id <id>`.
 */
export function threadUnarchiveHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadUnarchive, async (params, context) => {
    const threadId = sessionIdParam(params.threadId);
    let summary;
    try {
      summary = await services.threads.unarchive(threadId);
    } catch (error) {
      throw storeError('unarchive', error);
    }
    context.afterResponse(() =>
      services.threads.broadcaster.broadcast(ServerNotifications.threadUnarchived, { threadId }),
    );
    return { thread: await withClientMetadata(storedThreadView(summary, services.threads.defaultModelProvider), services.codexHome) };
  });
}

/** Archive and unarchive word a malformed id as a session id: `invalid session id: <uuid error>` [observed]. */
function sessionIdParam(raw: string): string {
  const parsed = parseThreadId(raw);
  if (!parsed.ok) throw RpcErrors.badRequest(`invalid session id: ${parsed.error}`);
  return parsed.id;
}

/** The reference's mapping: refusals as -32600 with their text, anything else `failed to <op> thread: …`. */
function storeError(operation: 'archive' | 'unarchive', error: unknown): Error {
  if (error instanceof ThreadRequestError) return RpcErrors.badRequest(error.message);
  return RpcErrors.internal(`failed to ${operation} thread: ${(error as Error).message}`, error);
}
