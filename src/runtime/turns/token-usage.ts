import type { TokenUsage } from '../../model/events.js';
import type { TokenUsageBreakdown } from '../../protocol/v2/thread-notifications.js';

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
