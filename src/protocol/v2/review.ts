import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { TurnSchema } from './turn.js';

/** What review/start reviews. */
export const ReviewTargetSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z
      .object({ type: z.literal('uncommittedChanges') })
      .describe('Review the working tree: staged, unstaged, and untracked files.'),
    z
      .object({ type: z.literal('baseBranch'), branch: z.string() })
      .describe('Review changes between the current branch and the given base branch.'),
    z
      .object({
        type: z.literal('commit'),
        sha: z.string(),
        title: z.string().nullable().optional().describe('Optional human-readable label (e.g. the commit subject).'),
      })
      .describe('Review the changes introduced by a specific commit.'),
    z
      .object({ type: z.literal('custom'), instructions: z.string() })
      .describe('Arbitrary instructions, equivalent to the old free-form prompt.'),
  ])
  .meta({ id: 'ReviewTarget' }));
export type ReviewTarget = z.infer<typeof ReviewTargetSchema>;

/** The reference 0.169.0 reviews on the supplied thread only. */
export const ReviewDeliverySchema = lazySchema(() => z.enum(['inline']).meta({ id: 'ReviewDelivery' }));
export type ReviewDelivery = z.infer<typeof ReviewDeliverySchema>;

export const ReviewStartParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    target: ReviewTargetSchema,
    delivery: ReviewDeliverySchema.nullable()
      .optional()
      .describe('Reviews run inline on the supplied thread. Omit this field or pass `inline`.'),
  })
  .meta({ id: 'ReviewStartParams' }));
export type ReviewStartParams = z.infer<typeof ReviewStartParamsSchema>;

export const ReviewStartResponseSchema = lazySchema(() => z
  .object({
    turn: TurnSchema,
    reviewThreadId: z.string().describe('The thread the review runs on (the supplied one for an inline review).'),
  })
  .meta({ id: 'ReviewStartResponse' }));
export type ReviewStartResponse = z.infer<typeof ReviewStartResponseSchema>;
