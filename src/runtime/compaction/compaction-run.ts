import type { ModelEvent, ResponseItem, TokenUsage } from '../../model/events.js';
import type { ModelRequest } from '../../model/request.js';
import type { RolloutItem } from '../../persistence/rollout-schema.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import { UNREPORTED_RATE_LIMITS } from '../../protocol/v2/rate-limits.js';
import type { TokenUsageBreakdown } from '../../protocol/v2/thread-notifications.js';
import { uuidv7 } from '../../util/ids.js';
import type { LoadedThread } from '../loaded-thread.js';
import * as records from '../rollout-records.js';
import { approximateHistoryTokens, compactedHistory, summaryFromOutput } from './compacted-history.js';
import { SUMMARIZATION_PROMPT, summaryMessageText } from './summary-prompt.js';

/** Who asked: the user (`thread/compact/start`) or the thread itself because its context filled up. */
export type CompactionTrigger = 'manual' | 'auto';

/**
 * Where the compaction runs: a turn of its own (manual), before a turn's user message (the previous response
 * filled the context), or between two requests of a turn whose tool loop filled it.
 */
export type CompactionPhase = 'standalone_turn' | 'pre_turn' | 'mid_turn';

/** What a compaction needs from the turn it runs in. */
export interface CompactionHost {
  readonly thread: LoadedThread;
  readonly turnId: string;
  readonly modelContextWindow: number | null;
  /** A sampling request of this turn as it would be sent now (base instructions and history as input). */
  modelRequest(): ModelRequest;
  /** Streams one request with the turn's signal, retries and just-in-time headers, plus `headers`. */
  stream(request: ModelRequest, headers: Readonly<Record<string, string>>): AsyncIterable<ModelEvent>;
  /** Records a response's usage as every response of the turn does (notifications and rollout). */
  recordUsage(usage: TokenUsage | null): void;
  /** Appends a line to the thread's rollout. */
  persist(item: RolloutItem): void;
  /** Adds a completed item to the turn as thread/read shows it. */
  addItem(item: ThreadItem): void;
}

/**
 * Compacts the thread's conversation: asks the model, without tools, for a handoff summary of the whole history,
 * then replaces the history with the opening context, the user's messages and that summary. Observed from the
 * reference 0.169.0, and done in its order: item/started `contextCompaction`; the current usage re-announced once
 * the response starts; the response's usage; the rollout's `compacted` line (with `replacement_history`); the
 * usage again, its `last` now the estimated size of the compacted conversation; item/completed.
 *
 * A failing request throws (the turn fails as on any model error) and leaves the history as it was: nothing is
 * replaced before the summary has fully arrived.
 */
export async function compactConversation(
  host: CompactionHost,
  trigger: CompactionTrigger,
  phase: CompactionPhase,
): Promise<void> {
  const { thread, turnId } = host;
  const startedAtMs = Date.now();
  const item: ThreadItem = { type: 'contextCompaction', id: uuidv7(startedAtMs), startedAtMs, completedAtMs: null };
  thread.emit(ServerNotifications.itemStarted, { item, threadId: thread.id, turnId, startedAtMs });

  const base = host.modelRequest();
  // config.toml `compact_prompt` replaces ours.
  const promptText = thread.settings.config.compact_prompt ?? SUMMARIZATION_PROMPT;
  const prompt: ResponseItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text: promptText }] };
  const request: ModelRequest = { ...base, input: [...base.input, prompt], tools: [] };
  const output: ResponseItem[] = [];
  let usage: TokenUsage | null = null;
  for await (const event of host.stream(request, turnMetadataHeader(thread.id, turnId, trigger, phase))) {
    if (event.type === 'created') announceUsage(host);
    else if (event.type === 'outputItemDone') output.push(event.item);
    else if (event.type === 'completed') usage = event.usage;
  }
  for (const done of output) {
    const copy = done.type === 'message' ? { ...done, internal_chat_message_metadata_passthrough: { turn_id: turnId } } : done;
    host.persist(records.responseItem(copy));
  }
  host.recordUsage(usage);

  const summary = summaryFromOutput(output);
  const replacement = compactedHistory(thread.history, summary);
  thread.history.splice(0, thread.history.length, ...replacement);
  host.persist({
    type: 'compacted',
    payload: { message: summaryMessageText(summary), replacement_history: replacement },
  });
  // A compaction turn of its own records the settings it ran with, as every turn does; a turn that compacts
  // first records them itself right after.
  if (phase === 'standalone_turn') host.persist(records.turnContext(turnId, thread.settings));

  // Until the next response measures it, the conversation's size is estimated [observed: the reference reports
  // `last` with only `totalTokens` set].
  const estimate: TokenUsageBreakdown = {
    totalTokens: approximateHistoryTokens(thread.baseInstructions, thread.history),
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    outputTokens: 0,
    reasoningOutputTokens: 0,
  };
  if (thread.tokenUsage !== null) {
    thread.tokenUsage = { ...thread.tokenUsage, last: estimate };
    announceUsage(host);
  }

  const completedAtMs = Date.now();
  const completed: ThreadItem = { ...item, completedAtMs };
  thread.emit(ServerNotifications.itemCompleted, {
    item: completed,
    threadId: thread.id,
    turnId,
    contentTokenCount: null,
    completedAtMs,
  });
  host.addItem(completed);
  const line = records.itemCompleted(thread.id, turnId, completed);
  if (line !== null) host.persist(line);
}

/** Tells subscribers the thread's usage as it stands (and persists it), when there is one. */
function announceUsage(host: CompactionHost): void {
  const { thread } = host;
  const usage = thread.tokenUsage;
  if (usage === null) return;
  thread.emit(ServerNotifications.threadTokenUsageUpdated, { threadId: thread.id, turnId: host.turnId, tokenUsage: usage });
  thread.emit(ServerNotifications.accountRateLimitsUpdated, { rateLimits: UNREPORTED_RATE_LIMITS });
  host.persist(records.tokenCount(usage.total, usage.last, host.modelContextWindow));
}

/**
 * `x-codex-turn-metadata` of a compaction request: the reference marks it `request_kind: "compaction"` with the
 * trigger, so the provider can tell compactions from turns [observed on 0.169.0].
 */
function turnMetadataHeader(
  threadId: string,
  turnId: string,
  trigger: CompactionTrigger,
  phase: CompactionPhase,
): Record<string, string> {
  const metadata = {
    session_id: threadId,
    thread_id: threadId,
    turn_id: turnId,
    request_kind: 'compaction',
    root_turn_id: turnId,
    compaction: {
      trigger,
      reason: trigger === 'manual' ? 'user_requested' : 'context_limit',
      implementation: 'responses',
      phase,
    },
  };
  return { 'x-codex-turn-metadata': JSON.stringify(metadata) };
}
