import type { TokenUsage } from '../../model/events.js';
import type { RolloutItem } from '../../persistence/rollout-schema.js';
import { ServerNotifications } from '../../protocol/registry.js';
import { UNREPORTED_RATE_LIMITS } from '../../protocol/v2/rate-limits.js';
import type { TokenUsageBreakdown } from '../../protocol/v2/thread-notifications.js';
import * as records from '../rollout/rollout-records.js';
import type { LoadedThread } from '../threads/loaded-thread.js';

/** One response's usage in the protocol's shape (the Responses API reports no cache writes). */
export function breakdown(usage: TokenUsage | null): TokenUsageBreakdown {
  return {
    totalTokens: usage?.totalTokens ?? 0,
    inputTokens: usage?.inputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteInputTokens: 0,
    outputTokens: usage?.outputTokens ?? 0,
    reasoningOutputTokens: usage?.reasoningOutputTokens ?? 0,
  };
}

/** Thread totals after one more response. */
export function addUsage(total: TokenUsageBreakdown | null, last: TokenUsageBreakdown): TokenUsageBreakdown {
  if (total === null) return last;
  return {
    totalTokens: total.totalTokens + last.totalTokens,
    inputTokens: total.inputTokens + last.inputTokens,
    cachedInputTokens: total.cachedInputTokens + last.cachedInputTokens,
    cacheWriteInputTokens: total.cacheWriteInputTokens + last.cacheWriteInputTokens,
    outputTokens: total.outputTokens + last.outputTokens,
    reasoningOutputTokens: total.reasoningOutputTokens + last.reasoningOutputTokens,
  };
}

/**
 * Adds a response's usage to the thread's and reports it: `thread/tokenUsage/updated`, then
 * `account/rateLimits/updated` (this server learns no rate limits, so it reports them unknown), and the rollout's
 * `token_count` line.
 */
export function recordTokenUsage(
  thread: LoadedThread,
  turnId: string,
  usage: TokenUsage | null,
  modelContextWindow: number | null,
  persist: (item: RolloutItem) => void,
): void {
  const last = breakdown(usage);
  const total = addUsage(thread.tokenUsage?.total ?? null, last);
  thread.tokenUsage = { total, last, modelContextWindow };
  thread.emit(ServerNotifications.threadTokenUsageUpdated, { threadId: thread.id, turnId, tokenUsage: thread.tokenUsage });
  thread.emit(ServerNotifications.accountRateLimitsUpdated, { rateLimits: UNREPORTED_RATE_LIMITS });
  persist(records.tokenCount(total, last, modelContextWindow));
}
