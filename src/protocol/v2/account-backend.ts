import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/*
 * Account reads and actions the server answers from the ChatGPT backend: token usage, the security-setup reminder,
 * workspace messages, spending a rate-limit reset credit, and asking a workspace owner for credits. Shapes as the
 * reference 0.169.0 JSON Schema names them.
 */

/** A Rust `i64` on the wire (format `int64` in the generated JSON Schema). */
const i64 = lazySchema(() => z.number().int().meta({ format: 'int64' }));

export const GetAccountTokenUsageParamsSchema = lazySchema(() => z
  .object({
    threadId: z
      .string()
      .nullable()
      .optional()
      .describe('When present, read estimated usage for this thread instead of account-wide token activity.'),
  })
  .meta({ id: 'GetAccountTokenUsageParams' }));

export const AccountTokenUsageSummarySchema = lazySchema(() => z
  .object({
    currentStreakDays: i64.nullable().optional(),
    lifetimeTokens: i64.nullable().optional(),
    longestRunningTurnSec: i64.nullable().optional(),
    longestStreakDays: i64.nullable().optional(),
    peakDailyTokens: i64.nullable().optional(),
  })
  .meta({ id: 'AccountTokenUsageSummary' }));

export const AccountTokenUsageDailyBucketSchema = lazySchema(() => z
  .object({ startDate: z.string(), tokens: i64 })
  .meta({ id: 'AccountTokenUsageDailyBucket' }));

export const ThreadUsageBreakdownGroupSchema = lazySchema(() => z
  .object({
    cachedInputTokens: i64.nullable().optional(),
    estimatedUsageCreditsMicros: i64,
    inputTokens: i64.nullable().optional(),
    model: z.string().nullable().optional(),
    netNewInputTokens: i64.nullable().optional(),
    outputTokens: i64.nullable().optional(),
    reasoningEffort: z.string().nullable().optional(),
    speed: z.string().nullable().optional(),
    totalTokens: i64.nullable().optional(),
  })
  .meta({ id: 'ThreadUsageBreakdownGroup' }));

export const ThreadUsageSchema = lazySchema(() => z
  .object({
    estimatedUsageCreditsMicros: i64,
    estimatedUsageUsdMicros: i64.nullable().optional(),
    groups: z.array(ThreadUsageBreakdownGroupSchema),
    nativeUsageUsdMicros: i64
      .nullable()
      .optional()
      .describe('Native dollar usage, independent of credit estimates. None means unknown, not zero.'),
    threadId: z.string(),
  })
  .meta({ id: 'ThreadUsage' }));
export type ThreadUsage = z.infer<typeof ThreadUsageSchema>;

export const GetAccountTokenUsageResponseSchema = lazySchema(() => z
  .object({
    dailyUsageBuckets: z.array(AccountTokenUsageDailyBucketSchema).nullable().optional(),
    summary: AccountTokenUsageSummarySchema,
    threadUsage: ThreadUsageSchema.nullable()
      .default(null)
      .describe('Estimated usage when a thread was requested and its billing route is available.'),
  })
  .meta({ id: 'GetAccountTokenUsageResponse' }));
export type GetAccountTokenUsageResponse = z.input<typeof GetAccountTokenUsageResponseSchema>;

/** The reference declares no params for this method. */
export const GetAccountSecuritySetupParamsSchema = lazySchema(() => z.object({}));

export const AccountSecuritySetupNoticeSchema = lazySchema(() => z
  .object({
    accountId: z.string(),
    action: z.object({ label: z.string(), url: z.string() }).meta({ id: 'AccountSecuritySetupAction' }),
    description: z.string(),
    title: z.string(),
    userId: z.string(),
  })
  .meta({ id: 'AccountSecuritySetupNotice' }));
export type AccountSecuritySetupNotice = z.infer<typeof AccountSecuritySetupNoticeSchema>;

export const GetAccountSecuritySetupResponseSchema = lazySchema(() => z
  .object({ notice: AccountSecuritySetupNoticeSchema.nullable().optional() })
  .describe(
    'Optional security reminder bound to the account that fetched it. Unavailable or ineligible accounts return no ' +
      'notice; this read never changes account security.',
  )
  .meta({ id: 'GetAccountSecuritySetupResponse' }));

/** The reference declares no params for this method. */
export const GetWorkspaceMessagesParamsSchema = lazySchema(() => z.object({}));

export const WorkspaceMessageTypeSchema = lazySchema(() => z
  .enum(['headline', 'announcement', 'unknown'])
  .meta({ id: 'WorkspaceMessageType' }));

export const WorkspaceMessageSchema = lazySchema(() => z
  .object({
    archivedAt: i64.nullable().optional().describe('Unix timestamp (in seconds) when the message was archived.'),
    createdAt: i64.nullable().optional().describe('Unix timestamp (in seconds) when the message was created.'),
    messageBody: z.string(),
    messageId: z.string(),
    messageType: WorkspaceMessageTypeSchema,
  })
  .meta({ id: 'WorkspaceMessage' }));
export type WorkspaceMessage = z.infer<typeof WorkspaceMessageSchema>;

export const GetWorkspaceMessagesResponseSchema = lazySchema(() => z
  .object({
    featureEnabled: z.boolean().describe('Whether the workspace-message backend route is available for this client.'),
    messages: z.array(WorkspaceMessageSchema).describe('Active workspace messages returned by the backend.'),
  })
  .meta({ id: 'GetWorkspaceMessagesResponse' }));
export type GetWorkspaceMessagesResponse = z.infer<typeof GetWorkspaceMessagesResponseSchema>;

export const ConsumeAccountRateLimitResetCreditParamsSchema = lazySchema(() => z
  .object({
    creditId: z
      .string()
      .nullable()
      .optional()
      .describe('Opaque reset-credit identifier to redeem. When omitted, the backend selects the next available credit.'),
    idempotencyKey: z
      .string()
      .describe(
        'Identifies one logical reset attempt. A UUID is recommended; reuse the same value when retrying that attempt.',
      ),
  })
  .meta({ id: 'ConsumeAccountRateLimitResetCreditParams' }));

export const ConsumeAccountRateLimitResetCreditOutcomeSchema = lazySchema(() => z
  .enum(['reset', 'nothingToReset', 'noCredit', 'alreadyRedeemed'])
  .meta({ id: 'ConsumeAccountRateLimitResetCreditOutcome' }));
export type ConsumeAccountRateLimitResetCreditOutcome = z.infer<typeof ConsumeAccountRateLimitResetCreditOutcomeSchema>;

export const ConsumeAccountRateLimitResetCreditResponseSchema = lazySchema(() => z
  .object({ outcome: ConsumeAccountRateLimitResetCreditOutcomeSchema })
  .meta({ id: 'ConsumeAccountRateLimitResetCreditResponse' }));

export const AddCreditsNudgeCreditTypeSchema = lazySchema(() => z.enum(['credits', 'usage_limit']).meta({ id: 'AddCreditsNudgeCreditType' }));

export const SendAddCreditsNudgeEmailParamsSchema = lazySchema(() => z
  .object({ creditType: AddCreditsNudgeCreditTypeSchema })
  .meta({ id: 'SendAddCreditsNudgeEmailParams' }));

export const SendAddCreditsNudgeEmailResponseSchema = lazySchema(() => z
  .object({ status: z.enum(['sent', 'cooldown_active']).meta({ id: 'AddCreditsNudgeEmailStatus' }) })
  .meta({ id: 'SendAddCreditsNudgeEmailResponse' }));
