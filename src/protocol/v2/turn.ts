import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Int64Schema } from '../common.js';
import { ThreadItemSchema } from './items.js';

/** Turn kinds that cannot take same-turn input (`turn/steer`): `/review` and manual `/compact`. */
export const NonSteerableTurnKindSchema = lazySchema(() => z.enum(['review', 'compact']).meta({ id: 'NonSteerableTurnKind' }));
export type NonSteerableTurnKind = z.infer<typeof NonSteerableTurnKindSchema>;

const httpFailure = lazySchema(() => z.object({
  httpStatusCode: z.number().int().min(0).max(65535).meta({ format: 'uint16' }).nullable(),
}));

/**
 * Machine-readable classification of a turn error (camelCase). HTTP-flavoured variants forward the upstream
 * status in `httpStatusCode` when one is known.
 *
 * The reference's schema ends this union with an open `string | object` fallback (room for codes added later);
 * we leave it out: the server only emits the variants listed here, and clients never send this type.
 */
export const CodexErrorInfoSchema = lazySchema(() => z
  .union([
    z.enum([
      'contextWindowExceeded',
      'sessionBudgetExceeded',
      'usageLimitExceeded',
      'rateLimitExceeded',
      'flexUnavailable',
      'serverOverloaded',
      'modelNotFound',
      'policyCapacityUnavailable',
      'inferenceHookDenied',
      'cyberPolicy',
      'misalignmentPolicyViolation',
      'tooManyDenials',
      'internalServerError',
      'unauthorized',
      'badRequest',
      'threadRollbackFailed',
      'sandboxError',
      'other',
    ]),
    z.strictObject({ httpConnectionFailed: httpFailure }),
    z
      .strictObject({ responseStreamConnectionFailed: httpFailure })
      .describe('Failed to connect to the response SSE stream.'),
    z
      .strictObject({ responseStreamDisconnected: httpFailure })
      .describe('The response SSE stream disconnected in the middle of a turn before completion.'),
    z.strictObject({ responseTooManyFailedAttempts: httpFailure }).describe('Reached the retry limit for responses.'),
    z
      .strictObject({ activeTurnNotSteerable: z.object({ turnKind: NonSteerableTurnKindSchema }) })
      .describe(
        'Returned when `turn/start` or `turn/steer` is submitted while the current active turn cannot accept ' +
          'same-turn steering, for example `/review` or manual `/compact`.',
      ),
  ])
  .meta({
    id: 'CodexErrorInfo',
    description: 'This translation layer make sure that we expose codex error code in camel case.',
  }));
export type CodexErrorInfo = z.infer<typeof CodexErrorInfoSchema>;

export const MisalignmentSteerSchema = lazySchema(() => z.object({ message: z.string() }).meta({ id: 'MisalignmentSteer' }));
export type MisalignmentSteer = z.infer<typeof MisalignmentSteerSchema>;

/** Public explanation of a misalignment block and the instruction that would continue past it. */
export const MisalignmentErrorDetailsSchema = lazySchema(() => z
  .object({
    errorType: z
      .string()
      .nullable()
      .describe('Open-ended classification; clients must accept categories added by Responses.'),
    detailedExplanation: z
      .string()
      .nullable()
      .describe('A substantive localized explanation is required before offering continuation.'),
    steer: MisalignmentSteerSchema.nullable().describe(
      "Instruction to submit as the next turn's user input if continuation is confirmed.",
    ),
    reviewTarget: z
      .string()
      .nullable()
      .optional()
      .describe('Opaque server-issued block target. Presence alone does not enable target-based continuation.'),
  })
  .meta({ id: 'MisalignmentErrorDetails' }));
export type MisalignmentErrorDetails = z.infer<typeof MisalignmentErrorDetailsSchema>;

/** Why a turn failed (or what went wrong mid-turn, in an `error` notification). */
export const TurnErrorSchema = lazySchema(() => z
  .object({
    message: z.string(),
    codexErrorInfo: CodexErrorInfoSchema.nullable(),
    additionalDetails: z.string().nullable(),
    misalignment: MisalignmentErrorDetailsSchema.nullable().describe(
      'Optional public explanation and continuation instruction for a misalignment block.',
    ),
  })
  .meta({ id: 'TurnError' }));
export type TurnError = z.infer<typeof TurnErrorSchema>;

export const TurnStatusSchema = lazySchema(() => z
  .enum(['completed', 'interrupted', 'failed', 'inProgress'])
  .meta({ id: 'TurnStatus' }));
export type TurnStatus = z.infer<typeof TurnStatusSchema>;

/**
 * How much of a turn's `items` a payload carries: `notLoaded` (intentionally empty: turn/start, turn/started),
 * `summary` (display summary: turn/completed carries the final agent message(s)), `full` (every persisted item).
 */
export const TurnItemsViewSchema = lazySchema(() => z.enum(['notLoaded', 'summary', 'full']).meta({ id: 'TurnItemsView' }));
export type TurnItemsView = z.infer<typeof TurnItemsViewSchema>;

/** One turn: a user request and everything the agent did for it. Output only; every field is always sent. */
export const TurnSchema = lazySchema(() => z
  .object({
    id: z.string().describe('Identifier for this turn. Codex-generated turn IDs are UUIDv7.'),
    rootTurnId: z
      .string()
      .nullable()
      .describe(
        'ID of the first turn in the chain of work that led to this turn. Pass this as `rootTurnId` when starting ' +
          'work on behalf of this turn. May be null in older history or a `review/start` response.',
      ),
    items: z.array(ThreadItemSchema).describe('Thread items currently included in this turn payload.'),
    itemsView: TurnItemsViewSchema.describe('Describes how much of `items` has been loaded for this turn.'),
    status: TurnStatusSchema,
    error: TurnErrorSchema.nullable().describe('Error associated with a failed or interrupted turn.'),
    startedAt: Int64Schema.nullable().describe('Unix timestamp (in seconds) when the turn started.'),
    completedAt: Int64Schema.nullable().describe('Unix timestamp (in seconds) when the turn completed.'),
    durationMs: Int64Schema.nullable().describe(
      'Duration between turn start and completion in milliseconds, if known.',
    ),
  })
  .meta({ id: 'Turn' }));
export type Turn = z.infer<typeof TurnSchema>;

/** A page of turns (`thread/resume`'s experimental `initialTurnsPage`). */
export const TurnsPageSchema = lazySchema(() => z
  .object({
    data: z.array(TurnSchema),
    nextCursor: z.string().nullable(),
    backwardsCursor: z.string().nullable(),
  })
  .meta({ id: 'TurnsPage' }));
export type TurnsPage = z.infer<typeof TurnsPageSchema>;
