import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema } from '../common.js';

export const ThreadLoadedListParamsSchema = lazySchema(() => z
  .object({
    cursor: z.string().nullable().optional().describe('Opaque pagination cursor returned by a previous call.'),
    limit: Uint32Schema.nullable().optional().describe('Optional page size; defaults to no limit.'),
  })
  .meta({ id: 'ThreadLoadedListParams' }));
export type ThreadLoadedListParams = z.infer<typeof ThreadLoadedListParamsSchema>;

export const ThreadLoadedListResponseSchema = lazySchema(() => z
  .object({
    data: z.array(z.string()).describe('Thread ids for sessions currently loaded in memory.'),
    nextCursor: z
      .string()
      .nullable()
      .describe('Opaque cursor to pass to the next call; null when there are no more items.'),
  })
  .meta({ id: 'ThreadLoadedListResponse' }));
export type ThreadLoadedListResponse = z.infer<typeof ThreadLoadedListResponseSchema>;
