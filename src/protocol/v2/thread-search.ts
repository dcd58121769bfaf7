import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema } from '../common.js';
import { ThreadSchema } from './thread.js';
import { SortDirectionSchema, ThreadSourceKindSchema } from './thread-methods.js';

/** `thread/search` order; `recency_at` sorts as `updated_at` does for thread/list. */
export const ThreadSearchSortKeySchema = lazySchema(() => z
  .enum(['created_at', 'updated_at', 'recency_at'])
  .meta({ id: 'ThreadSearchSortKey' }));
export type ThreadSearchSortKey = z.infer<typeof ThreadSearchSortKeySchema>;

export const ThreadSearchParamsSchema = lazySchema(() => z
  .object({
    cursor: z.string().nullable().optional().describe('Opaque pagination cursor returned by a previous call.'),
    limit: Uint32Schema.nullable().optional().describe('Optional page size; defaults to a server-side value.'),
    sortKey: ThreadSearchSortKeySchema.nullable().optional().describe('Optional sort key; defaults to created_at.'),
    sortDirection: SortDirectionSchema.nullable().optional().describe('Defaults to descending (newest first).'),
    sourceKinds: z.array(ThreadSourceKindSchema).nullable().optional(),
    archived: z.boolean().nullable().optional().describe('true: only archived threads; otherwise non-archived.'),
    includeAttachedThreads: z.boolean().optional(),
    currentAccountOnly: z.boolean().optional(),
    searchTerm: z.string().describe('Required case-insensitive substring looked for in the messages.'),
  })
  .meta({ id: 'ThreadSearchParams' }));
export type ThreadSearchParams = z.infer<typeof ThreadSearchParamsSchema>;

export const ThreadSearchResultSchema = lazySchema(() => z
  .object({ thread: ThreadSchema, snippet: z.string() })
  .meta({ id: 'ThreadSearchResult' }));

export const ThreadSearchResponseSchema = lazySchema(() => z
  .object({
    data: z.array(ThreadSearchResultSchema),
    nextCursor: z.string().nullable().optional(),
    backwardsCursor: z.string().nullable().optional(),
  })
  .meta({ id: 'ThreadSearchResponse' }));
export type ThreadSearchResponse = z.infer<typeof ThreadSearchResponseSchema>;

/** `thread/searchOccurrences`: the matches inside one thread's visible messages (find-in-thread). */
export const ThreadSearchOccurrencesParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    searchTerm: z.string().describe('Case-insensitive literal substring looked for in user messages and answers.'),
    cursor: z.string().nullable().optional().describe('Opaque cursor returned by a previous call for the same search.'),
    limit: Uint32Schema.nullable().optional().describe('Optional occurrence page size.'),
  })
  .meta({ id: 'ThreadSearchOccurrencesParams' }));

export const ThreadSearchTextRangeSchema = lazySchema(() => z
  .object({
    start: Uint32Schema.describe('Inclusive UTF-16 code-unit offset.'),
    end: Uint32Schema.describe('Exclusive UTF-16 code-unit offset.'),
  })
  .meta({ id: 'ThreadSearchTextRange' }));

export const ThreadSearchOccurrenceSchema = lazySchema(() => z
  .object({
    turnId: z.string(),
    itemId: z.string(),
    snippet: z.string(),
    snippetMatchRange: ThreadSearchTextRangeSchema,
    turnCursor: z.string().describe('Opaque inclusive cursor accepted by `thread/turns/list` for this turn.'),
  })
  .meta({ id: 'ThreadSearchOccurrence' }));

export const ThreadSearchOccurrencesResponseSchema = lazySchema(() => z
  .object({ data: z.array(ThreadSearchOccurrenceSchema), nextCursor: z.string().nullable().optional() })
  .meta({ id: 'ThreadSearchOccurrencesResponse' }));
