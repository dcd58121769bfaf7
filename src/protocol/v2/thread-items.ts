import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema, UnixMsSchema } from '../common.js';
import { ThreadItemSchema } from './items.js';
import { SortDirectionSchema } from './thread-methods.js';

/*
 * `thread/items/list` (docs/protocol.md#what-clients-call-at-start-up: the terminal UI pages a paginated thread's items
 * with it on resume). Params follow the reference's input rules (every nullable field may be omitted); results list
 * every field the reference always sends as required.
 */

export const ThreadItemsListAnchorSchema = lazySchema(() => z
  .discriminatedUnion('type', [z.object({ type: z.literal('item'), itemId: z.string() })])
  .meta({ id: 'ThreadItemsListAnchor', description: 'An exclusive item position within the requested visible turn.' }));
export type ThreadItemsListAnchor = z.infer<typeof ThreadItemsListAnchorSchema>;

export const ThreadItemsListCursorSchema = lazySchema(() => z
  .union([z.string(), ThreadItemsListAnchorSchema])
  .meta({ id: 'ThreadItemsListCursor', description: 'Starting position for an item-history page.' }));
export type ThreadItemsListCursor = z.infer<typeof ThreadItemsListCursorSchema>;

export const ThreadItemOutputDeferralSchema = lazySchema(() => z
  .object({
    commandExecution: z.boolean().optional().describe('Defer nonempty output from successful commands.'),
    mcpToolCall: z.boolean().optional().describe('Defer nonempty plain-text results from successful MCP tool calls.'),
  })
  .meta({ id: 'ThreadItemOutputDeferral' }));

export const ThreadItemsListParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    turnId: z
      .string()
      .nullable()
      .optional()
      .describe('Optional turn id to filter by. When omitted, returns items across the thread.'),
    cursor: ThreadItemsListCursorSchema.nullable()
      .optional()
      .describe(
        'Opaque continuation cursor or an exclusive item anchor in the requested visible turn. An item anchor ' +
          'requires a non-empty `turnId`; ascending (the default) returns items after it, and descending returns ' +
          'items before it. Continue with the returned string cursor.',
      ),
    limit: Uint32Schema.nullable().optional().describe('Optional item page size.'),
    sortDirection: SortDirectionSchema.nullable()
      .optional()
      .describe('Optional item pagination direction; defaults to ascending.'),
    deferOutput: ThreadItemOutputDeferralSchema.nullable()
      .optional()
      .describe('For a single turn, choose which saved outputs to fetch separately by item ID.'),
  })
  .meta({ id: 'ThreadItemsListParams' }));
export type ThreadItemsListParams = z.infer<typeof ThreadItemsListParamsSchema>;

export const ThreadItemEntrySchema = lazySchema(() => z
  .object({
    turnId: z.string().describe('Turn containing this item.'),
    item: ThreadItemSchema,
    outputDeferred: z
      .boolean()
      .optional()
      .describe('The saved output was omitted. Fetch the complete item with `thread/items/read`.'),
    startedAtMs: UnixMsSchema.nullable().describe(
      'Unix timestamp (milliseconds) when the item started, if recorded by the producer.',
    ),
    completedAtMs: UnixMsSchema.nullable().describe(
      'Unix timestamp (milliseconds) when the item completed, if recorded by the producer.',
    ),
  })
  .meta({ id: 'ThreadItemEntry' }));
export type ThreadItemEntry = z.infer<typeof ThreadItemEntrySchema>;

export const ThreadItemsListResponseSchema = lazySchema(() => z
  .object({
    data: z.array(ThreadItemEntrySchema),
    nextCursor: z
      .string()
      .nullable()
      .describe(
        'Opaque cursor to pass to the next call to continue after the last item. if None, there are no more ' +
          'items to return.',
      ),
    backwardsCursor: z
      .string()
      .nullable()
      .describe(
        'Opaque cursor to pass as `cursor` when reversing `sortDirection`. This is only populated when the page ' +
          'contains at least one item.',
      ),
  })
  .meta({ id: 'ThreadItemsListResponse' }));
export type ThreadItemsListResponse = z.infer<typeof ThreadItemsListResponseSchema>;
