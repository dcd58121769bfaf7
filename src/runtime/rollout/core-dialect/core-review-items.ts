import { lazySchema } from '../../../util/lazy-schema.js';
import * as z from 'zod';
import type { ThreadItem } from '../../../protocol/v2/items.js';
import type { ReviewTarget } from '../../../protocol/v2/review.js';
import { EMPTY_REVIEW_TEXT, ReviewOutputSchema, renderReview } from '../../review/review-output.js';
import type { ReviewOutputJson } from '../../review/review-output.js';

/**
 * The core dialect of a review's two marker items, as the reference 0.169.0 writes them into a rollout's
 * `item_completed` (probed with review/start):
 * `{"type":"EnteredReviewMode","id","target":{"type":"uncommittedChanges"},"user_facing_hint":"current changes"}`
 * and `{"type":"ExitedReviewMode","id","review_output":{"findings":[…],"overall_correctness","overall_explanation",
 * "overall_confidence_score"}}` (an answer that was not JSON is kept as the explanation, with an empty verdict).
 * The wire items carry only text: the hint, and the review rendered from its output.
 */

export const CoreEnteredReviewModeSchema = lazySchema(() => z.object({
  type: z.literal('EnteredReviewMode'),
  id: z.string(),
  target: z.unknown().optional(),
  user_facing_hint: z.string().nullish(),
}));

export const CoreExitedReviewModeSchema = lazySchema(() => z.object({
  type: z.literal('ExitedReviewMode'),
  id: z.string(),
  review_output: ReviewOutputSchema.nullish(),
}));

type Times = { readonly startedAtMs: number | null; readonly completedAtMs: number | null };

export function coreEnteredReviewMode(id: string, target: ReviewTarget, hint: string): z.input<typeof CoreEnteredReviewModeSchema> {
  return { type: 'EnteredReviewMode', id, target, user_facing_hint: hint };
}

export function coreExitedReviewMode(id: string, output: ReviewOutputJson | null): z.input<typeof CoreExitedReviewModeSchema> {
  return { type: 'ExitedReviewMode', id, ...(output === null ? {} : { review_output: output }) };
}

export function enteredReviewModeFromCore(core: z.output<typeof CoreEnteredReviewModeSchema>, times: Times): ThreadItem {
  return { type: 'enteredReviewMode', id: core.id, review: core.user_facing_hint ?? '', ...times };
}

export function exitedReviewModeFromCore(core: z.output<typeof CoreExitedReviewModeSchema>, times: Times): ThreadItem {
  const output = core.review_output;
  const review =
    output == null ? EMPTY_REVIEW_TEXT : renderReview({ findings: output.findings, explanation: output.overall_explanation });
  return { type: 'exitedReviewMode', id: core.id, review, ...times };
}
