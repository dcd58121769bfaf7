import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Int64Schema } from '../common.js';

export const ThreadGoalGetParamsSchema = lazySchema(() => z.object({ threadId: z.string() }).meta({ id: 'ThreadGoalGetParams' }));

export const ThreadGoalStatusSchema = lazySchema(() => z
  .enum(['active', 'paused', 'blocked', 'usageLimited', 'budgetLimited', 'complete'])
  .meta({ id: 'ThreadGoalStatus' }));
export type ThreadGoalStatus = z.infer<typeof ThreadGoalStatusSchema>;

export const ThreadGoalSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    objective: z.string(),
    status: ThreadGoalStatusSchema,
    tokenBudget: Int64Schema.nullable(),
    tokensUsed: Int64Schema,
    timeUsedSeconds: Int64Schema,
    createdAt: Int64Schema,
    updatedAt: Int64Schema,
  })
  .meta({ id: 'ThreadGoal' }));
export type ThreadGoal = z.infer<typeof ThreadGoalSchema>;

export const ThreadGoalGetResponseSchema = lazySchema(() => z
  .object({ goal: ThreadGoalSchema.nullable() })
  .meta({ id: 'ThreadGoalGetResponse' }));

/** Who asked for a goal change: the user, or the goal's own lifecycle. */
export const ThreadGoalMutationOriginSchema = lazySchema(() => z
  .enum(['user', 'automatic'])
  .describe('Distinguishes explicit user actions from automatic goal lifecycle mutations.')
  .meta({ id: 'ThreadGoalMutationOrigin' }));

const origin = lazySchema(() =>
  ThreadGoalMutationOriginSchema.nullable().optional().describe('Missing provenance does not supply user authorization.'),
);

export const ThreadGoalSetParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    objective: z.string().nullable().optional(),
    status: ThreadGoalStatusSchema.nullable().optional(),
    tokenBudget: Int64Schema.nullable().optional(),
    origin,
  })
  .meta({ id: 'ThreadGoalSetParams' }));
export type ThreadGoalSetParams = z.infer<typeof ThreadGoalSetParamsSchema>;

export const ThreadGoalSetResponseSchema = lazySchema(() => z.object({ goal: ThreadGoalSchema }).meta({ id: 'ThreadGoalSetResponse' }));

export const ThreadGoalClearParamsSchema = lazySchema(() => z
  .object({ threadId: z.string(), origin })
  .meta({ id: 'ThreadGoalClearParams' }));

export const ThreadGoalClearResponseSchema = lazySchema(() => z
  .object({ cleared: z.boolean() })
  .meta({ id: 'ThreadGoalClearResponse' }));

export const ThreadGoalUpdatedNotificationSchema = lazySchema(() => z
  .object({ threadId: z.string(), turnId: z.string().nullable().optional(), goal: ThreadGoalSchema })
  .meta({ id: 'ThreadGoalUpdatedNotification' }));

export const ThreadGoalClearedNotificationSchema = lazySchema(() => z
  .object({ threadId: z.string() })
  .meta({ id: 'ThreadGoalClearedNotification' }));
