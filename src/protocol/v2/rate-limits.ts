import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Int64Schema } from '../common.js';

/**
 * Rate-limit snapshots (`account/rateLimits/updated`, later `account/rateLimits/read`). Providers that are not
 * the ChatGPT backend report none of these numbers, so this server sends the all-null snapshot the reference
 * sends for them [observed]: `{limitId: "codex", …null}`.
 */

export const RateLimitWindowSchema = lazySchema(() => z
  .object({
    usedPercent: z.number().int().meta({ format: 'int32' }),
    windowDurationMins: Int64Schema.nullable().optional(),
    resetsAt: Int64Schema.nullable().optional(),
  })
  .meta({ id: 'RateLimitWindow' }));
export type RateLimitWindow = z.infer<typeof RateLimitWindowSchema>;

export const CreditsSnapshotSchema = lazySchema(() => z
  .object({ hasCredits: z.boolean(), unlimited: z.boolean(), balance: z.string().nullable().optional() })
  .meta({ id: 'CreditsSnapshot' }));
export type CreditsSnapshot = z.infer<typeof CreditsSnapshotSchema>;

export const SpendControlLimitSnapshotSchema = lazySchema(() => z
  .object({
    limit: z.string(),
    used: z.string(),
    remainingPercent: z.number().int().meta({ format: 'int32' }),
    resetsAt: Int64Schema,
  })
  .meta({ id: 'SpendControlLimitSnapshot' }));
export type SpendControlLimitSnapshot = z.infer<typeof SpendControlLimitSnapshotSchema>;

export const PlanTypeSchema = lazySchema(() => z
  .enum([
    'free',
    'go',
    'plus',
    'pro',
    'prolite',
    'promax',
    'team',
    'self_serve_business_prolite',
    'self_serve_business_usage_based',
    'business',
    'ent26',
    'enterprise_cbp_automation',
    'enterprise_cbp_usage_based',
    'enterprise',
    'edu',
    'edu_plus',
    'edu_pro',
    'sci',
    'sci_plus',
    'unknown',
  ])
  .meta({ id: 'PlanType' }));
export type PlanType = z.infer<typeof PlanTypeSchema>;

export const RateLimitReachedTypeSchema = lazySchema(() => z
  .enum([
    'rate_limit_reached',
    'workspace_owner_credits_depleted',
    'workspace_member_credits_depleted',
    'workspace_owner_usage_limit_reached',
    'workspace_member_usage_limit_reached',
  ])
  .meta({ id: 'RateLimitReachedType' }));
export type RateLimitReachedType = z.infer<typeof RateLimitReachedTypeSchema>;

export const RateLimitSnapshotSchema = lazySchema(() => z
  .object({
    limitId: z.string().nullable().optional(),
    limitName: z.string().nullable().optional(),
    normalModelSlug: z
      .string()
      .nullable()
      .optional()
      .describe('Normal model whose display name and reasoning options describe this quota alias.'),
    primary: RateLimitWindowSchema.nullable().optional(),
    secondary: RateLimitWindowSchema.nullable().optional(),
    credits: CreditsSnapshotSchema.nullable().optional(),
    individualLimit: SpendControlLimitSnapshotSchema.nullable().optional(),
    spendControlReached: z
      .boolean()
      .nullable()
      .optional()
      .describe('Backend-reported spend-control state. `None` is unavailable, not a sparse-update recovery.'),
    planType: PlanTypeSchema.nullable().optional(),
    rateLimitReachedType: RateLimitReachedTypeSchema.nullable().optional(),
  })
  .meta({ id: 'RateLimitSnapshot' }));
export type RateLimitSnapshot = z.infer<typeof RateLimitSnapshotSchema>;

export const AccountRateLimitsUpdatedNotificationSchema = lazySchema(() => z
  .object({ rateLimits: RateLimitSnapshotSchema })
  .meta({
    id: 'AccountRateLimitsUpdatedNotification',
    description:
      'Sparse rolling rate-limit update.\n\nClients should merge available values into the most recent ' +
      '`account/rateLimits/read` response or refetch that snapshot. Nullable account metadata may be unavailable ' +
      'in a rolling update and does not clear a previously observed value.',
  }));
export type AccountRateLimitsUpdatedNotification = z.infer<typeof AccountRateLimitsUpdatedNotificationSchema>;

/** What a provider without rate-limit reporting yields after each response [observed]. */
export const UNREPORTED_RATE_LIMITS: RateLimitSnapshot = {
  limitId: 'codex',
  limitName: null,
  normalModelSlug: null,
  primary: null,
  secondary: null,
  credits: null,
  individualLimit: null,
  spendControlReached: null,
  planType: null,
  rateLimitReachedType: null,
};

export const GetAccountRateLimitsParamsSchema = lazySchema(() => z
  .object({
    excludeResetCreditDetails: z
      .boolean()
      .optional()
      .describe(
        'Skip the separate reset-credit detail lookup for background usage polls. The usage response still includes ' +
          'the available count; omitted/false preserves detailed reads.',
      ),
    supportsLunaReserve: z
      .boolean()
      .optional()
      .describe(
        'The client supports automatic Luna Reserve fallback. For eligible ChatGPT CLI users, allow the backend to ' +
          'record experiment exposure after ordinary usage is blocked.',
      ),
  })
  .describe('Usage-read capabilities of the requesting client, never inferred from its experiment arm.')
  .meta({ id: 'GetAccountRateLimitsParams' }));

export const GetAccountRateLimitsResponseSchema = lazySchema(() => z
  .object({
    ordinaryUsageAllowed: z
      .boolean()
      .nullable()
      .optional()
      .describe(
        'Backend permission for ordinary included usage, validated against the active account.\nNull means ' +
          'unavailable; clients must not infer recovery from percentages or reset times.',
      ),
    rateLimits: RateLimitSnapshotSchema.describe('Backward-compatible single-bucket view; mirrors the historical payload.'),
    rateLimitsByLimitId: z
      .record(z.string(), RateLimitSnapshotSchema)
      .nullable()
      .optional()
      .describe('Multi-bucket view keyed by metered `limit_id` (for example, `codex`).'),
    // This server does not read the backend's reset credits (`wham/rate-limit-reset-credits`).
    rateLimitResetCredits: z.null().optional(),
    accountId: z
      .string()
      .nullable()
      .optional()
      .describe('Account associated with this usage snapshot, when supplied by the backend.'),
    // The backend's optional banner; this server does not forward it.
    rateLimitUpsell: z.null().optional(),
  })
  .meta({ id: 'GetAccountRateLimitsResponse' }));
export type GetAccountRateLimitsResponse = z.infer<typeof GetAccountRateLimitsResponseSchema>;
