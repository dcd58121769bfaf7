import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { InvalidCursorError } from '../../persistence/errors.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { SortDirection } from '../../protocol/v2/thread-methods.js';
import type { Turn, TurnItemsView, TurnsPage } from '../../protocol/v2/turn.js';
import { parseThreadCursor } from './page-cursor.js';

/**
 * Paging a thread's turns (`thread/turns/list`, `thread/resume`'s `turnsBackwardsCursor`/`initialTurnsPage`).
 *
 * Cursors are opaque to clients. The reference's are JSON naming the thread, an anchor and whether the anchor
 * itself is included (`{"requestedThreadId":…,"rolloutOrdinal":14,"includeAnchor":false,"scope":{"kind":"turns"}}`,
 * probed); ours have the same envelope but anchor on the turn id instead of a rollout line ordinal, because a
 * loaded thread's turns live in memory, where ordinals are not kept. The semantics are the reference's:
 * `nextCursor` anchors on the page's last turn, exclusive; `backwardsCursor` on its first turn, inclusive (so a
 * client that reverses `sortDirection` sees that turn again); a cursor is positional, so either direction may
 * be used with either cursor.
 */

/** Turns per page when `limit` is omitted [observed: 25 of 30]. A `limit` of 0 is read as 1 [observed]. */
export const DEFAULT_TURNS_PAGE_LIMIT = 25;

const TurnCursorSchema = lazySchema(() => z.object({
  requestedThreadId: z.string(),
  anchorTurnId: z.string(),
  includeAnchor: z.boolean(),
  scope: z.object({ kind: z.literal('turns') }),
}));
type TurnCursor = z.infer<typeof TurnCursorSchema>;

export interface TurnPageQuery {
  readonly cursor?: string | null | undefined;
  readonly limit?: number | null | undefined;
  /** Default `desc` (newest first). */
  readonly sortDirection?: SortDirection | null | undefined;
  /** Default `summary`. */
  readonly itemsView?: TurnItemsView | null | undefined;
}

/**
 * One page of `turns` (oldest first, as a thread keeps them) for thread `threadId` (canonical id).
 * @throws InvalidCursorError (`invalid cursor: <value>`) for a cursor that is not ours, names another thread,
 *   or anchors on a turn the thread does not have.
 */
export function pageTurns(threadId: string, turns: readonly Turn[], query: TurnPageQuery): TurnsPage {
  const ordered = (query.sortDirection ?? 'desc') === 'desc' ? [...turns].reverse() : [...turns];
  const limit = Math.max(1, query.limit ?? DEFAULT_TURNS_PAGE_LIMIT);
  let start = 0;
  if (query.cursor !== undefined && query.cursor !== null) {
    const cursor = parseThreadCursor(query.cursor, threadId, TurnCursorSchema);
    const anchor = ordered.findIndex((turn) => turn.id === cursor.anchorTurnId);
    if (anchor < 0) throw new InvalidCursorError(query.cursor);
    start = cursor.includeAnchor ? anchor : anchor + 1;
  }
  const page = ordered.slice(start, start + limit);
  const first = page[0];
  const last = page[page.length - 1];
  const more = start + page.length < ordered.length;
  return {
    data: page.map((turn) => turnWithItemsView(turn, query.itemsView ?? 'summary')),
    nextCursor: more && last !== undefined ? formatTurnCursor(threadId, last.id, false) : null,
    backwardsCursor: first === undefined ? null : formatTurnCursor(threadId, first.id, true),
  };
}

/**
 * `thread/resume`'s `turnsBackwardsCursor`: the newest turn, inclusive, so `thread/turns/list` with it (and the
 * default `desc`) starts at the newest turn; null for a thread without turns.
 */
export function turnsBackwardsCursor(threadId: string, turns: readonly Turn[]): string | null {
  const newest = turns[turns.length - 1];
  return newest === undefined ? null : formatTurnCursor(threadId, newest.id, true);
}

/**
 * A turn as a page shows it. `full`: every item; `notLoaded`: none; `summary`: the first user message and the
 * final agent message, the same answer turn/completed carries (commentary is not an answer) [observed: a turn
 * with a steer shows only the first user message; `[final_answer, commentary]` shows the final answer;
 * `[null, null]` shows the second; commentary alone shows no agent message].
 */
export function turnWithItemsView(turn: Turn, view: TurnItemsView): Turn {
  switch (view) {
    case 'full':
      return { ...turn, items: [...turn.items], itemsView: 'full' };
    case 'notLoaded':
      return { ...turn, items: [], itemsView: 'notLoaded' };
    case 'summary':
      return { ...turn, items: summaryItems(turn.items), itemsView: 'summary' };
  }
}

function summaryItems(items: readonly ThreadItem[]): ThreadItem[] {
  const question = items.find((item) => item.type === 'userMessage');
  const answer = items.findLast((item) => item.type === 'agentMessage' && item.phase !== 'commentary');
  return [question, answer].filter((item): item is ThreadItem => item !== undefined);
}

/** A `thread/turns/list` cursor whose page starts at turn `turnId` (thread/searchOccurrences' `turnCursor`). */
export function turnCursorAt(threadId: string, turnId: string): string {
  return formatTurnCursor(threadId, turnId, true);
}

function formatTurnCursor(threadId: string, anchorTurnId: string, includeAnchor: boolean): string {
  const cursor: TurnCursor = { requestedThreadId: threadId, anchorTurnId, includeAnchor, scope: { kind: 'turns' } };
  return JSON.stringify(cursor);
}
