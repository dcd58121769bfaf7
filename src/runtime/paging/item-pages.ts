import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { InvalidCursorError } from '../../persistence/errors.js';
import type { SortDirection } from '../../protocol/v2/thread-methods.js';
import type { ThreadItemEntry, ThreadItemsListCursor, ThreadItemsListResponse } from '../../protocol/v2/thread-items.js';
import type { Turn } from '../../protocol/v2/turn.js';
import { parseThreadCursor } from './page-cursor.js';

/**
 * Paging a thread's items across its turns (`thread/items/list`, `thread/resume`'s `itemsBackwardsCursor`).
 *
 * The items are every item of every finished turn, in the order they happened: turn by turn, each turn's items
 * in its order. The items of a turn still running are left out until it ends [observed: the reference lists
 * a running turn's items only once it has completed]. A `turnId` filter narrows the items without changing
 * positions, so a cursor stays valid with or without the filter [observed].
 *
 * Cursors are opaque to clients. The reference's are JSON naming the thread, an anchor and whether the anchor
 * itself is included (`{"requestedThreadId":…,"rolloutOrdinal":8,"includeAnchor":true,
 * "scope":{"kind":"itemsByCreatedAtOrdinal"}}`, probed); ours have the same envelope but anchor on the item's
 * turn and id instead of a rollout line ordinal (item ids from the model need not be unique across turns).
 * As in the reference, `nextCursor` anchors on the page's last item, exclusive, `backwardsCursor` on its first
 * item, inclusive, and either cursor may be used with either direction.
 */

/** Items per page when `limit` is omitted [observed: 25 of 60]. A `limit` of 0 is read as 1 [observed]. */
export const DEFAULT_ITEMS_PAGE_LIMIT = 25;

const ItemCursorSchema = lazySchema(() => z.object({
  requestedThreadId: z.string(),
  anchorTurnId: z.string(),
  anchorItemId: z.string(),
  includeAnchor: z.boolean(),
  scope: z.object({ kind: z.literal('itemsByCreatedAtOrdinal') }),
}));
type ItemCursor = z.infer<typeof ItemCursorSchema>;

export interface ItemPageQuery {
  readonly turnId?: string | null | undefined;
  readonly cursor?: ThreadItemsListCursor | null | undefined;
  readonly limit?: number | null | undefined;
  /** Default `asc` (oldest first). */
  readonly sortDirection?: SortDirection | null | undefined;
}

/** A request the reference refuses as invalid params (-32602), in its words. */
export class ItemPageParamsError extends Error {
  override readonly name = 'ItemPageParamsError';
}

interface PositionedEntry {
  readonly position: number;
  readonly entry: ThreadItemEntry;
}

/**
 * One page of the items of `turns` (oldest first, as a thread keeps them) for thread `threadId` (canonical id).
 * @throws InvalidCursorError (`invalid cursor: <value>`) for a string cursor that is not ours, names another
 *   thread, or anchors on an item the thread does not list.
 * @throws ItemPageParamsError for an item anchor without `turnId`, or one naming no item of that turn.
 */
export function pageItems(threadId: string, turns: readonly Turn[], query: ItemPageQuery): ThreadItemsListResponse {
  const all = listedEntries(turns);
  const turnId = query.turnId ?? null;
  const scope = turnId === null ? all : all.filter(({ entry }) => entry.turnId === turnId);
  const descending = query.sortDirection === 'desc';
  const limit = Math.max(1, query.limit ?? DEFAULT_ITEMS_PAGE_LIMIT);

  let candidates = descending ? [...scope].reverse() : scope;
  const cursor = query.cursor ?? null;
  if (cursor !== null) {
    const { position, includeAnchor } = anchorOf(cursor, threadId, all, scope, turnId);
    candidates = candidates.filter((candidate) =>
      descending
        ? candidate.position < position || (includeAnchor && candidate.position === position)
        : candidate.position > position || (includeAnchor && candidate.position === position),
    );
  }
  const page = candidates.slice(0, limit);
  const first = page[0];
  const last = page[page.length - 1];
  return {
    data: page.map(({ entry }) => entry),
    nextCursor:
      candidates.length > page.length && last !== undefined ? formatItemCursor(threadId, last.entry, false) : null,
    backwardsCursor: first === undefined ? null : formatItemCursor(threadId, first.entry, true),
  };
}

/**
 * `thread/resume`'s `itemsBackwardsCursor`: the newest listed item, inclusive, so `thread/items/list` with it
 * (ascending) starts at that item and goes on with whatever came after; null when nothing is listed yet.
 */
export function itemsBackwardsCursor(threadId: string, turns: readonly Turn[]): string | null {
  const newest = listedEntries(turns).at(-1);
  return newest === undefined ? null : formatItemCursor(threadId, newest.entry, true);
}

function listedEntries(turns: readonly Turn[]): PositionedEntry[] {
  const entries: PositionedEntry[] = [];
  for (const turn of turns) {
    if (turn.status === 'inProgress') continue;
    for (const item of turn.items) {
      const entry: ThreadItemEntry = {
        turnId: turn.id,
        item,
        startedAtMs: item.startedAtMs ?? null,
        completedAtMs: item.completedAtMs ?? null,
      };
      entries.push({ position: entries.length, entry });
    }
  }
  return entries;
}

function anchorOf(
  cursor: ThreadItemsListCursor,
  threadId: string,
  all: readonly PositionedEntry[],
  scope: readonly PositionedEntry[],
  turnId: string | null,
): { position: number; includeAnchor: boolean } {
  if (typeof cursor !== 'string') {
    // Item anchors address an item of the requested turn, always exclusively [observed texts].
    if (turnId === null || turnId === '') {
      throw new ItemPageParamsError('turnId is required when cursor is an item anchor');
    }
    const anchored = scope.find(({ entry }) => entry.item.id === cursor.itemId);
    if (anchored === undefined) {
      throw new ItemPageParamsError('cursor.itemId does not identify an item in the requested history scope');
    }
    return { position: anchored.position, includeAnchor: false };
  }
  const parsed = parseThreadCursor(cursor, threadId, ItemCursorSchema);
  const anchored = all.find(
    ({ entry }) => entry.turnId === parsed.anchorTurnId && entry.item.id === parsed.anchorItemId,
  );
  if (anchored === undefined) throw new InvalidCursorError(cursor);
  return { position: anchored.position, includeAnchor: parsed.includeAnchor };
}

function formatItemCursor(threadId: string, anchor: ThreadItemEntry, includeAnchor: boolean): string {
  const cursor: ItemCursor = {
    requestedThreadId: threadId,
    anchorTurnId: anchor.turnId,
    anchorItemId: anchor.item.id,
    includeAnchor,
    scope: { kind: 'itemsByCreatedAtOrdinal' },
  };
  return JSON.stringify(cursor);
}
