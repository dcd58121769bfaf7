import * as z from 'zod';
import { Int64Schema } from '../common.js';

export const ThreadGoalGetParamsSchema = z.object({ threadId: z.string() }).meta({ id: 'ThreadGoalGetParams' });

export const ThreadGoalStatusSchema = z
  .enum(['active', 'paused', 'blocked', 'usageLimited', 'budgetLimited', 'complete'])
  .meta({ id: 'ThreadGoalStatus' });

export const ThreadGoalSchema = z
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
  .meta({ id: 'ThreadGoal' });
export type ThreadGoal = z.infer<typeof ThreadGoalSchema>;

export const ThreadGoalGetResponseSchema = z
  .object({ goal: ThreadGoalSchema.nullable() })
  .meta({ id: 'ThreadGoalGetResponse' });
