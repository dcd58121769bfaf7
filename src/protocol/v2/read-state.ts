import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { ThreadReadStateSchema } from './thread.js';

export const ThreadReadStateOperationSchema = lazySchema(() => z
  .discriminatedUnion('type', [z.object({ type: z.literal('read') }), z.object({ type: z.literal('unread') })])
  .meta({ id: 'ThreadReadStateOperation' }));
export type ThreadReadStateOperation = z.infer<typeof ThreadReadStateOperationSchema>;

export const ThreadReadStateUpdateParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    operation: ThreadReadStateOperationSchema,
    expectedRevision: z
      .string()
      .describe('Revision of the row or transcript actually seen. Conflicts require a fresh user action.'),
  })
  .meta({ id: 'ThreadReadStateUpdateParams' }));
export type ThreadReadStateUpdateParams = z.infer<typeof ThreadReadStateUpdateParamsSchema>;

export const ThreadReadStateUpdateResponseSchema = lazySchema(() => z
  .object({ readState: ThreadReadStateSchema })
  .meta({ id: 'ThreadReadStateUpdateResponse' }));

export const ThreadReadStateChangedNotificationSchema = lazySchema(() => z
  .object({ threadId: z.string(), readState: ThreadReadStateSchema })
  .meta({ id: 'ThreadReadStateChangedNotification' }));
export type ThreadReadStateChangedNotification = z.infer<typeof ThreadReadStateChangedNotificationSchema>;
