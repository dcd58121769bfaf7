import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { ThreadSchema } from './thread.js';

/** `thread/revert`: drop a turn and every later one from a loaded thread's conversation. */
export const ThreadRevertParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    beforeTurnId: z.string().describe('Turn excluded from the replacement history, together with every later turn.'),
  })
  .describe(
    "Replace a loaded thread's durable history with the prefix before one turn. Only the conversation history " +
      'changes; files the turns changed on disk are left as they are.',
  )
  .meta({ id: 'ThreadRevertParams' }));
export type ThreadRevertParams = z.infer<typeof ThreadRevertParamsSchema>;
export const ThreadRevertResponseSchema = lazySchema(() => z
  .object({
    thread: ThreadSchema.describe('The reloaded thread; `turns` is always empty (page them with `thread/turns/list`).'),
    turnsBackwardsCursor: z
      .string()
      .nullable()
      .optional()
      .describe('Pass as `cursor` to `thread/turns/list` with `sortDirection: "desc"` to hydrate turns backwards.'),
    itemsBackwardsCursor: z
      .string()
      .nullable()
      .optional()
      .describe('Pass as `cursor` to `thread/items/list` with `sortDirection: "desc"` to hydrate items backwards.'),
  })
  .meta({ id: 'ThreadRevertResponse' }));
export type ThreadRevertResponse = z.infer<typeof ThreadRevertResponseSchema>;
