import { lazySchema } from '../util/lazy-schema.js';
import * as z from 'zod';
import type { GetAccountRateLimitsResponse, RateLimitSnapshot, RateLimitWindow } from '../protocol/v2/rate-limits.js';
import { RateLimitReachedTypeSchema } from '../protocol/v2/rate-limits.js';
import { BackendRequestError, ChatgptBackend, chatgptBackendUrl, type ChatgptLogin } from './chatgpt-backend.js';
import { planTypeOf } from './codex-auth.js';

/** The reference's `chatgpt_base_url` default. */
export const DEFAULT_CHATGPT_BASE_URL = 'https://chatgpt.com/backend-api/';

/**
 * The usage endpoint under `chatgpt_base_url`: `/wham/usage` on the ChatGPT backend (a base containing
 * `/backend-api`), `/api/codex/usage` on a Codex API base — the reference's two path styles.
 */
export function usageUrl(chatgptBaseUrl: string): string {
  return chatgptBackendUrl(chatgptBaseUrl, 'usage');
}

const WindowSchema = lazySchema(() => z.looseObject({
  used_percent: z.number(),
  limit_window_seconds: z.number().nullish(),
  reset_at: z.number().nullish(),
}));

const UsageSchema = lazySchema(() => z.looseObject({
  plan_type: z.string().nullish(),
  account_id: z.string().nullish(),
  rate_limit: z
    .looseObject({ primary_window: WindowSchema.nullish(), secondary_window: WindowSchema.nullish() })
    .nullish(),
  credits: z
    .looseObject({ has_credits: z.boolean(), unlimited: z.boolean(), balance: z.string().nullish() })
    .nullish(),
  rate_limit_reached_type: z.string().nullish(),
}));

/** Why the usage could not be read; the message is the reference's `failed to fetch codex rate limits: …`. */
export class UsageFetchError extends Error {}

/**
 * `GET` the ChatGPT backend's usage for this login and map it as the reference does [observed with a fake backend:
 * `limitId "codex"`, windows in minutes (`limit_window_seconds / 60`), `resetsAt` = `reset_at`, the plan, credits,
 * and the same snapshot under `rateLimitsByLimitId.codex`]. The reference also reads the reset credits
 * (`wham/rate-limit-reset-credits`); this server does not, so `rateLimitResetCredits` is null.
 */
export async function readChatgptRateLimits(
  auth: ChatgptLogin,
  options: { chatgptBaseUrl: string; userAgent: string; fetch: typeof fetch; signal?: AbortSignal },
): Promise<GetAccountRateLimitsResponse> {
  let usage: z.output<typeof UsageSchema>;
  try {
    usage = await new ChatgptBackend(auth, options).getJson(usageUrl(options.chatgptBaseUrl), UsageSchema);
  } catch (error) {
    if (error instanceof BackendRequestError) {
      throw new UsageFetchError(`failed to fetch codex rate limits: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const reached = RateLimitReachedTypeSchema.safeParse(usage.rate_limit_reached_type);
  const snapshot: RateLimitSnapshot = {
    limitId: 'codex',
    limitName: null,
    normalModelSlug: null,
    primary: windowOf(usage.rate_limit?.primary_window),
    secondary: windowOf(usage.rate_limit?.secondary_window),
    credits: usage.credits
      ? { hasCredits: usage.credits.has_credits, unlimited: usage.credits.unlimited, balance: usage.credits.balance ?? null }
      : null,
    individualLimit: null,
    spendControlReached: null,
    planType: usage.plan_type ? planTypeOf(usage.plan_type) : null,
    rateLimitReachedType: reached.success ? reached.data : null,
  };
  return {
    ordinaryUsageAllowed: null,
    rateLimits: snapshot,
    rateLimitsByLimitId: { codex: snapshot },
    rateLimitResetCredits: null,
    accountId: usage.account_id ?? null,
    rateLimitUpsell: null,
  };
}

function windowOf(window: z.infer<typeof WindowSchema> | null | undefined): RateLimitWindow | null {
  if (!window) return null;
  const seconds = window.limit_window_seconds;
  return {
    usedPercent: Math.round(window.used_percent),
    windowDurationMins: seconds === null || seconds === undefined ? null : Math.ceil(seconds / 60),
    resetsAt: window.reset_at ?? null,
  };
}
