import { lazySchema } from '../util/lazy-schema.js';
import * as z from 'zod';
import { InvalidCursorError } from '../persistence/errors.js';
import { readThreadRollout } from '../persistence/history-chain.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { Turn } from '../protocol/v2/turn.js';
import { parseThreadCursor } from '../runtime/paging/page-cursor.js';
import { turnsFromRollout } from '../runtime/rollout/rollout-turns.js';
import { messageOccurrences } from '../runtime/search/message-occurrences.js';
import { turnCursorAt } from '../runtime/paging/turn-pages.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { TURN_LINES_ONLY, copyTurns } from './thread-read.js';
import { threadIdParam } from './thread-lookup.js';
import { isMaterialized } from './thread-turns-list.js';

/** Occurrences per page when the client names no limit. */
const DEFAULT_LIMIT = 100;

/** Where the next page starts: the search it belongs to and the index of its first occurrence. */
const OccurrenceCursorSchema = lazySchema(() => z.object({
  requestedThreadId: z.string(),
  searchTerm: z.string(),
  nextOccurrence: z.number().int().min(0),
}));

/**
 * `thread/searchOccurrences` (find in a thread): every case-insensitive match of the term in the thread's user
 * messages and assistant answers, in order, each with its snippet, the match's range in it and a `thread/turns/list`
 * cursor that starts at its turn. Works on loaded and stored threads. Like the reference 0.169.0 [observed], a
 * blank term is `thread/searchOccurrences requires a non-empty searchTerm`, and a thread without a rollout (unknown,
 * or not yet materialized) is answered `-32601 thread/searchOccurrences is not supported yet`.
 */
export function threadSearchOccurrencesHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadSearchOccurrences, async (params) => {
    const threadId = threadIdParam(params.threadId);
    const term = params.searchTerm.trim();
    if (term === '') throw RpcErrors.badRequest('thread/searchOccurrences requires a non-empty searchTerm');
    let first = 0;
    if (params.cursor != null) {
      try {
        const cursor = parseThreadCursor(params.cursor, threadId, OccurrenceCursorSchema);
        if (cursor.searchTerm !== term) throw new InvalidCursorError(params.cursor);
        first = cursor.nextOccurrence;
      } catch (error) {
        if (error instanceof InvalidCursorError) throw RpcErrors.badRequest(error.message);
        throw error;
      }
    }
    const turns = await persistedTurns(services, threadId);
    if (turns === null) throw RpcErrors.notSupportedYet('thread/searchOccurrences');
    const occurrences = messageOccurrences(turns, term);
    const end = Math.min(occurrences.length, first + Math.max(1, params.limit ?? DEFAULT_LIMIT));
    const data = occurrences.slice(first, end).map((occurrence) => ({
      ...occurrence,
      turnCursor: turnCursorAt(threadId, occurrence.turnId),
    }));
    const nextCursor =
      end < occurrences.length
        ? JSON.stringify({ requestedThreadId: threadId, searchTerm: term, nextOccurrence: end })
        : null;
    return { data, nextCursor };
  });
}

/** The turns of a thread that has a rollout (loaded or stored); null for one that has none (ephemeral included). */
async function persistedTurns(services: ServerServices, threadId: string): Promise<Turn[] | null> {
  const loaded = services.threads.get(threadId);
  if (loaded !== undefined) return loaded.ephemeral || !(await isMaterialized(loaded)) ? null : copyTurns(loaded.turns);
  const summary = await services.threads.index.get(threadId);
  if (summary === undefined) return null;
  return turnsFromRollout((await readThreadRollout(services.threads.codexHome, summary.path, TURN_LINES_ONLY)).lines);
}
