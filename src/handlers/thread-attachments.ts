import { ErrorCode, RpcError } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type { ThreadAttachment } from '../protocol/v2/thread-metadata.js';
import { AttachmentCursorError, threadAttachmentStore } from '../runtime/thread-metadata/attachment-store.js';
import { parseThreadId } from '../runtime/threads/thread-id.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

const DEFAULT_OWNER_PAGE = 100;

/**
 * `thread/attachment/add|list|remove` and `thread/attachmentOwner/list`. Observed from the reference 0.169.0:
 * refusals are -32602; adding to or removing from an unknown thread is `thread not found: <id>`, listing one is
 * an empty page; a change (not a repeated add, nor removing what is not there) is announced to every connection
 * with `thread/attachment/updated` after the answer.
 */
export function threadAttachmentHandlers(services: ServerServices): RequestHandler[] {
  const store = threadAttachmentStore(services.codexHome);
  // A thread counts once it is persisted: a new thread before its first turn is not found [observed].
  const exists = async (id: string) => (await services.threads.index.get(id)) !== undefined;
  const announce = (threadId: string, attachment: ThreadAttachment, operation: 'created' | 'deleted') =>
    services.threads.broadcaster.broadcast(ServerNotifications.threadAttachmentUpdated, {
      threadId,
      attachmentType: attachment.attachmentType,
      identityKey: attachment.identityKey,
      attachmentId: attachment.id,
      operation,
    });
  const knownThread = async (raw: string) => {
    const id = threadId(raw);
    if (!(await exists(id))) throw invalidParams(`thread not found: ${id}`);
    return id;
  };

  return [
    bindHandler(ClientRequests.threadAttachmentAdd, async (params, context) => {
      const id = threadId(params.threadId);
      identity(params.attachmentType, params.identityKey);
      if (!(await exists(id))) throw invalidParams(`thread not found: ${id}`);
      const { attachment, created } = await store.add(id, params.attachmentType, params.identityKey, params.payload);
      if (created) context.afterResponse(() => announce(id, attachment, 'created'));
      return { outcome: created ? ('created' as const) : ('existing' as const), attachment };
    }),

    bindHandler(ClientRequests.threadAttachmentList, async (params) => {
      const id = threadId(params.threadId);
      return pagedOrRefused(() => store.list(id, params.cursor ?? null, params.limit ?? null));
    }),

    bindHandler(ClientRequests.threadAttachmentRemove, async (params, context) => {
      identity(params.attachmentType, params.identityKey);
      const id = await knownThread(params.threadId);
      const removed = await store.remove(id, params.attachmentType, params.identityKey);
      if (removed !== null) context.afterResponse(() => announce(id, removed, 'deleted'));
      return {};
    }),

    /**
     * The threads holding an identity, archived or not (`archived: false` keeps the others, `true` only the
     * archived), in thread id order. The cursor is the reference's: a JSON object naming the query and the last
     * thread shown.
     */
    bindHandler(ClientRequests.threadAttachmentOwnerList, async (params) => {
      identity(params.attachmentType, params.identityKey);
      const archivedFilter = params.archived ?? null;
      let afterThread: string | null = null;
      if (params.cursor !== undefined && params.cursor !== null) afterThread = ownerCursorThread(params.cursor);
      const owners: { threadId: string; archived: boolean }[] = [];
      for (const owner of await store.owners(params.attachmentType, params.identityKey)) {
        if (afterThread !== null && owner <= afterThread) continue;
        const summary = await services.threads.index.get(owner);
        if (summary === undefined) continue;
        const archived = summary.archived;
        if (archivedFilter !== null && archived !== archivedFilter) continue;
        owners.push({ threadId: owner, archived });
      }
      const size = Math.max(1, params.limit ?? DEFAULT_OWNER_PAGE);
      const data = owners.slice(0, size);
      const last = data[data.length - 1];
      const nextCursor =
        owners.length > size && last !== undefined
          ? JSON.stringify({
              attachment_type: params.attachmentType,
              identity_key: params.identityKey,
              archived: archivedFilter,
              thread_id: last.threadId,
            })
          : null;
      return { data, nextCursor };
    }),
  ];
}

function invalidParams(message: string): RpcError {
  return new RpcError(ErrorCode.InvalidParams, message);
}

/** A thread id in canonical form; a malformed one is -32602 here (not -32600 as for other thread methods). */
function threadId(raw: string): string {
  const parsed = parseThreadId(raw);
  if (!parsed.ok) throw invalidParams(`invalid thread id: ${parsed.error}`);
  return parsed.id;
}

function identity(attachmentType: string, identityKey: string): void {
  if (attachmentType.trim() === '') throw invalidParams('attachmentType must not be empty');
  if (identityKey.trim() === '') throw invalidParams('identityKey must not be empty');
}

function ownerCursorThread(cursor: string): string {
  try {
    const parsed = JSON.parse(cursor) as Record<string, unknown>;
    if (typeof parsed['thread_id'] === 'string') return parsed['thread_id'];
  } catch {
    // Not one of ours.
  }
  throw invalidParams('invalid pagination cursor');
}

async function pagedOrRefused<T>(list: () => Promise<T>): Promise<T> {
  try {
    return await list();
  } catch (error) {
    if (error instanceof AttachmentCursorError) throw invalidParams(error.message);
    throw error;
  }
}
