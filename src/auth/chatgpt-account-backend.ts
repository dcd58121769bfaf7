import { lazySchema } from '../util/lazy-schema.js';
import * as z from 'zod';
import type {
  AccountSecuritySetupNotice,
  ConsumeAccountRateLimitResetCreditOutcome,
  GetAccountTokenUsageResponse,
  GetWorkspaceMessagesResponse,
  ThreadUsage,
  WorkspaceMessage,
} from '../protocol/v2/account-backend.js';
import { BackendRequestError, chatgptBackendUrl, chatgptWhamUrl, type ChatgptBackend } from './chatgpt-backend.js';

/*
 * The account endpoints of the ChatGPT backend and how their answers map to the protocol, as observed from the
 * reference 0.169.0 against a fake backend: paths, bodies, which statuses are answers rather than failures.
 */

const i64 = lazySchema(() => z.number().int());
const nullableI64 = lazySchema(() => i64.nullish().transform((value) => value ?? null));

const ProfileSchema = lazySchema(() => z.looseObject({
  stats: z.looseObject({
    lifetime_tokens: nullableI64,
    peak_daily_tokens: nullableI64,
    longest_running_turn_sec: nullableI64,
    current_streak_days: nullableI64,
    longest_streak_days: nullableI64,
    daily_usage_buckets: z
      .array(z.looseObject({ start_date: z.string(), tokens: i64 }))
      .nullish()
      .transform((value) => value ?? null),
  }),
}));

/** `GET …/profiles/me`: lifetime and daily token activity. */
export async function readTokenUsageProfile(
  backend: ChatgptBackend,
  signal: AbortSignal,
): Promise<GetAccountTokenUsageResponse> {
  const { stats } = await backend.getJson(chatgptBackendUrl(backend.baseUrl, 'profiles/me'), ProfileSchema, { signal });
  return {
    summary: {
      lifetimeTokens: stats.lifetime_tokens,
      peakDailyTokens: stats.peak_daily_tokens,
      longestRunningTurnSec: stats.longest_running_turn_sec,
      currentStreakDays: stats.current_streak_days,
      longestStreakDays: stats.longest_streak_days,
    },
    dailyUsageBuckets: stats.daily_usage_buckets?.map((bucket) => ({ startDate: bucket.start_date, tokens: bucket.tokens })) ?? null,
    threadUsage: null,
  };
}

const nullableString = lazySchema(() => z
  .string()
  .nullish()
  .transform((value) => value ?? null));

const ThreadUsageRowSchema = lazySchema(() => z.looseObject({
  thread_id: z.string(),
  estimated_usage_credits_micros: i64.nullish(),
  estimated_usage_usd_micros: nullableI64,
  native_usage_usd_micros: nullableI64,
  groups: z
    .array(
      z.looseObject({
        model: nullableString,
        reasoning_effort: nullableString,
        speed: nullableString,
        estimated_usage_credits_micros: i64,
        net_new_input_tokens: nullableI64,
        cached_input_tokens: nullableI64,
        input_tokens: nullableI64,
        output_tokens: nullableI64,
        total_tokens: nullableI64,
      }),
    )
    .nullish(),
}));
const ThreadUsageQuerySchema = lazySchema(() => z.looseObject({ threads: z.array(ThreadUsageRowSchema) }));

/**
 * `POST …/usage/thread_usage/query` for one thread: its estimated cost by model. Null when the backend has no billing
 * route for it (403 or 404). A row without a credit estimate counts as omitted.
 */
export async function readThreadUsage(
  backend: ChatgptBackend,
  threadId: string,
  signal: AbortSignal,
): Promise<ThreadUsage | null> {
  const url = chatgptBackendUrl(backend.baseUrl, 'usage/thread_usage/query');
  let answer: z.output<typeof ThreadUsageQuerySchema>;
  try {
    answer = await backend.postJson(url, { thread_ids: [threadId] }, ThreadUsageQuerySchema, { signal });
  } catch (error) {
    if (error instanceof BackendRequestError && (error.status === 403 || error.status === 404)) return null;
    // The reference reports any undecodable answer with one fixed text.
    if (error instanceof BackendRequestError && error.message.startsWith('Decode error')) {
      throw new BackendRequestError('Invalid thread usage response.', null);
    }
    throw error;
  }
  if (answer.threads.some((row) => row.thread_id !== threadId)) {
    throw new BackendRequestError('thread usage returned unexpected threads', null);
  }
  const row = answer.threads.find((candidate) => candidate.estimated_usage_credits_micros != null);
  if (row?.estimated_usage_credits_micros == null) {
    throw new BackendRequestError('thread usage response omitted requested thread', null);
  }
  return {
    threadId: row.thread_id,
    estimatedUsageCreditsMicros: row.estimated_usage_credits_micros,
    estimatedUsageUsdMicros: row.estimated_usage_usd_micros,
    nativeUsageUsdMicros: row.native_usage_usd_micros,
    groups: (row.groups ?? []).map((group) => ({
      model: group.model,
      reasoningEffort: group.reasoning_effort,
      speed: group.speed,
      estimatedUsageCreditsMicros: group.estimated_usage_credits_micros,
      netNewInputTokens: group.net_new_input_tokens,
      cachedInputTokens: group.cached_input_tokens,
      inputTokens: group.input_tokens,
      outputTokens: group.output_tokens,
      totalTokens: group.total_tokens,
    })),
  };
}

const SecuritySetupSchema = lazySchema(() => z.looseObject({
  notice: z
    .looseObject({
      title: z.string(),
      description: z.string(),
      action: z.looseObject({ label: z.string(), url: z.string() }),
    })
    .nullish(),
}));

/**
 * `GET …/wham/security-setup` (under `/wham/` whatever the base): the reminder the backend wants shown to this
 * account, bound to the login's account and user ids. Any failure (unreachable, refused, undecodable) is "no
 * notice": the read is advisory.
 */
export async function readSecuritySetupNotice(
  backend: ChatgptBackend,
  identity: { accountId: string | null; userId: string | null },
  signal: AbortSignal,
): Promise<AccountSecuritySetupNotice | null> {
  if (identity.accountId === null || identity.userId === null) return null;
  try {
    const { notice } = await backend.getJson(chatgptWhamUrl(backend.baseUrl, 'security-setup'), SecuritySetupSchema, {
      signal,
    });
    if (!notice) return null;
    return {
      accountId: identity.accountId,
      userId: identity.userId,
      title: notice.title,
      description: notice.description,
      action: { label: notice.action.label, url: notice.action.url },
    };
  } catch (error) {
    if (error instanceof BackendRequestError) return null;
    throw error;
  }
}

const WorkspaceMessagesSchema = lazySchema(() => z.looseObject({
  messages: z.array(
    z.looseObject({
      message_id: z.string(),
      message_type: z.string(),
      message_body: z.string(),
      created_at: nullableString,
      archived_at: nullableString,
    }),
  ),
}));

/** A workspace message timestamp the backend sent that is not RFC 3339. */
export class WorkspaceMessageTimestampError extends Error {}

/**
 * `GET …/workspace-messages` (`cache-control: no-store`): the workspace's banners. A 404 means the route is not
 * enabled for this client (`featureEnabled: false`); other failures are errors.
 */
export async function readWorkspaceMessages(backend: ChatgptBackend, signal: AbortSignal): Promise<GetWorkspaceMessagesResponse> {
  let answer: z.output<typeof WorkspaceMessagesSchema>;
  try {
    answer = await backend.getJson(chatgptBackendUrl(backend.baseUrl, 'workspace-messages'), WorkspaceMessagesSchema, {
      headers: { 'cache-control': 'no-store' },
      signal,
    });
  } catch (error) {
    if (error instanceof BackendRequestError && error.status === 404) return { featureEnabled: false, messages: [] };
    throw error;
  }
  return {
    featureEnabled: true,
    messages: answer.messages.map(
      (message): WorkspaceMessage => ({
        messageId: message.message_id,
        messageType: workspaceMessageType(message.message_type),
        messageBody: message.message_body,
        createdAt: unixSeconds(message.created_at),
        archivedAt: unixSeconds(message.archived_at),
      }),
    ),
  };
}

function workspaceMessageType(raw: string): WorkspaceMessage['messageType'] {
  return raw === 'headline' || raw === 'announcement' ? raw : 'unknown';
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function unixSeconds(timestamp: string | null): number | null {
  if (timestamp === null) return null;
  const millis = RFC3339.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(millis)) {
    throw new WorkspaceMessageTimestampError(
      `failed to parse workspace message timestamp \`${timestamp}\`: not an RFC 3339 date-time`,
    );
  }
  return Math.floor(millis / 1000);
}

const ConsumeAnswerSchema = lazySchema(() => z.looseObject({
  code: z.enum(['reset', 'nothing_to_reset', 'no_credit', 'already_redeemed']),
}));

const OUTCOMES: Readonly<Record<z.output<typeof ConsumeAnswerSchema>['code'], ConsumeAccountRateLimitResetCreditOutcome>> = {
  reset: 'reset',
  nothing_to_reset: 'nothingToReset',
  no_credit: 'noCredit',
  already_redeemed: 'alreadyRedeemed',
};

/**
 * `POST …/rate-limit-reset-credits/consume` with `{redeem_request_id, credit_id?}`: the idempotency key names the
 * attempt, so a retry with the same key is answered `already_redeemed` rather than spending a second credit.
 */
export async function consumeRateLimitResetCredit(
  backend: ChatgptBackend,
  request: { idempotencyKey: string; creditId: string | null },
  signal: AbortSignal,
): Promise<ConsumeAccountRateLimitResetCreditOutcome> {
  const body = {
    redeem_request_id: request.idempotencyKey,
    ...(request.creditId === null ? {} : { credit_id: request.creditId }),
  };
  const url = chatgptBackendUrl(backend.baseUrl, 'rate-limit-reset-credits/consume');
  const { code } = await backend.postJson(url, body, ConsumeAnswerSchema, { signal });
  return OUTCOMES[code];
}

/**
 * `POST …/accounts/send_add_credits_nudge_email` with `{credit_type}`: asks the workspace owner for credits. The
 * backend answers 429 while an earlier nudge is cooling down.
 */
export async function sendAddCreditsNudgeEmail(
  backend: ChatgptBackend,
  creditType: 'credits' | 'usage_limit',
): Promise<'sent' | 'cooldown_active'> {
  try {
    await backend.post(chatgptBackendUrl(backend.baseUrl, 'accounts/send_add_credits_nudge_email'), {
      credit_type: creditType,
    });
    return 'sent';
  } catch (error) {
    if (error instanceof BackendRequestError && error.status === 429) return 'cooldown_active';
    throw error;
  }
}
