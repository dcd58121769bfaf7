import { lazySchema } from '../../util/lazy-schema.js';
import { join } from 'node:path';
import * as z from 'zod';
import { JsonListFile } from '../../persistence/json-list-file.js';
import type { ThreadAttachment } from '../../protocol/v2/thread-metadata.js';
import { uuidv7 } from '../../util/ids.js';
import { onePerHome } from './one-per-home.js';

const ATTACHMENTS_FILE = 'thread_attachments.json';
const DEFAULT_PAGE = 100;

const StoredAttachmentSchema = lazySchema(() => z.object({
  threadId: z.string(),
  id: z.string(),
  attachmentType: z.string(),
  identityKey: z.string(),
  payload: z.unknown(),
  createdAt: z.number(),
}));
type StoredAttachment = z.infer<typeof StoredAttachmentSchema> & { payload: unknown };

/** A cursor the store did not make; the reference answers -32602 `invalid pagination cursor`. */
export class AttachmentCursorError extends Error {
  constructor() {
    super('invalid pagination cursor');
  }
}

export interface Page<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}

/**
 * Attachments clients keep on threads (a pull request, a file, …: an opaque JSON payload under a type and an
 * identity key), in `$CODEX_HOME/thread_attachments.json` (the reference keeps them in its sqlite state). Semantics
 * observed from the reference 0.169.0: one attachment per (thread, type, key), the first payload kept; a thread's
 * list in creation order; the owners of an identity in thread id order.
 */
export class ThreadAttachmentStore {
  readonly #file: JsonListFile<StoredAttachment>;

  constructor(codexHome: string) {
    this.#file = new JsonListFile(join(codexHome, ATTACHMENTS_FILE), z.array(StoredAttachmentSchema) as z.ZodType<StoredAttachment[]>);
  }

  /** The attachment of that identity on the thread, made now when there is none. */
  add(
    threadId: string,
    attachmentType: string,
    identityKey: string,
    payload: unknown,
  ): Promise<{ attachment: ThreadAttachment; created: boolean }> {
    return this.#file.update<{ attachment: ThreadAttachment; created: boolean }>((stored) => {
      const existing = stored.find((a) => a.threadId === threadId && a.attachmentType === attachmentType && a.identityKey === identityKey);
      if (existing !== undefined) return { records: stored, result: { attachment: wire(existing), created: false } };
      const now = Date.now();
      const attachment: StoredAttachment = {
        threadId,
        id: uuidv7(now),
        attachmentType,
        identityKey,
        payload: payload ?? null,
        createdAt: Math.floor(now / 1000),
      };
      return { records: [...stored, attachment], result: { attachment: wire(attachment), created: true } };
    });
  }

  /** Removes that identity from the thread; the removed attachment, or null when there was none. */
  remove(threadId: string, attachmentType: string, identityKey: string): Promise<ThreadAttachment | null> {
    return this.#file.update((stored) => {
      const index = stored.findIndex((a) => a.threadId === threadId && a.attachmentType === attachmentType && a.identityKey === identityKey);
      if (index < 0) return { records: stored, result: null };
      const removed = stored[index]!;
      return { records: stored.filter((_, i) => i !== index), result: wire(removed) };
    });
  }

  /** Forgets every attachment of a deleted thread. */
  async forget(threadId: string): Promise<void> {
    await this.#file.update((stored) => ({ records: stored.filter((a) => a.threadId !== threadId), result: undefined }));
  }

  /**
   * One page of a thread's attachments, oldest first. The cursor names the last one shown as
   * `<thread id>|<created at>|<attachment id>` (the reference's form); `limit` 0 counts as 1.
   */
  async list(threadId: string, cursor: string | null, limit: number | null): Promise<Page<ThreadAttachment>> {
    let after: { createdAt: number; id: string } | null = null;
    if (cursor !== null) {
      const [cursorThread, createdAt, id, ...extra] = cursor.split('|');
      if (extra.length > 0 || cursorThread !== threadId || id === undefined || !/^\d+$/.test(createdAt ?? '')) {
        throw new AttachmentCursorError();
      }
      after = { createdAt: Number(createdAt), id };
    }
    const ordered = (await this.#file.read())
      .filter((a) => a.threadId === threadId)
      .sort((a, b) => a.createdAt - b.createdAt || compare(a.id, b.id))
      .filter((a) => after === null || a.createdAt > after.createdAt || (a.createdAt === after.createdAt && a.id > after.id));
    const size = Math.max(1, limit ?? DEFAULT_PAGE);
    const page = ordered.slice(0, size);
    const last = page[page.length - 1];
    const more = ordered.length > size && last !== undefined;
    return { data: page.map(wire), nextCursor: more ? `${threadId}|${last.createdAt}|${last.id}` : null };
  }

  /** The threads holding an attachment of that identity, in thread id order, each once. */
  async owners(attachmentType: string, identityKey: string): Promise<string[]> {
    const ids = (await this.#file.read())
      .filter((a) => a.attachmentType === attachmentType && a.identityKey === identityKey)
      .map((a) => a.threadId);
    return [...new Set(ids)].sort(compare);
  }
}

function wire(stored: StoredAttachment): ThreadAttachment {
  return {
    id: stored.id,
    attachmentType: stored.attachmentType,
    identityKey: stored.identityKey,
    payload: stored.payload,
    createdAt: stored.createdAt,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The one attachment store of a CODEX_HOME, shared so that its writes stay one at a time. */
export const threadAttachmentStore = onePerHome((codexHome) => new ThreadAttachmentStore(codexHome));
