import type { ModelEvent, ResponseItem, TokenUsage } from '../../model/events.js';
import type { ModelRequest } from '../../model/request.js';
import type { RolloutItem } from '../../persistence/rollout-schema.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import { UNREPORTED_RATE_LIMITS } from '../../protocol/v2/rate-limits.js';
import type { TokenUsageBreakdown } from '../../protocol/v2/thread-notifications.js';
import { uuidv7 } from '../../util/ids.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import * as records from '../rollout/rollout-records.js';
import { approximateHistoryTokens, compactedHistory, summaryFromOutput, summaryMessage } from './compacted-history.js';
import { COMPACTION_TRIGGER, compactionItemOf } from './remote-compaction.js';
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
  /** Whether the model server compacts (see remote-compaction.ts) rather than writing a summary. */
  readonly remote: boolean;
  /** A sampling request of this turn as it would be sent now (base instructions and history as input). */
  modelRequest(): ModelRequest;
  /** The turn's `x-codex-turn-metadata` JSON, which a compaction request carries with its own kind and trigger. */
  turnMetadata(): string | null;
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
 * Compacts the thread's conversation: the model (or, for OpenAI, the model server) condenses the whole history,
 * then the history is replaced by the opening context, the user's messages and that handoff. Observed from the
 * reference 0.169.0, and done in its order: item/started `contextCompaction`; for a summary, the current usage
 * re-announced once the response starts and then the response's usage; the rollout's `compacted` line (with
 * `replacement_history`); the usage again, its `last` now the estimated size of the compacted conversation;
 * item/completed.
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

  const { message, replacement } = host.remote
    ? await compactOnServer(host, trigger, phase)
    : await summarise(host, trigger, phase);
  thread.history.splice(0, thread.history.length, ...replacement);
  host.persist({ type: 'compacted', payload: { message, replacement_history: replacement } });
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

interface Compacted {
  /** The `compacted` line's `message`: the summary message's text ('' for a server-side compaction). */
  readonly message: string;
  readonly replacement: ResponseItem[];
}

/** Streams a compaction request; returns its output items and usage. */
async function sample(
  host: CompactionHost,
  request: ModelRequest,
  headers: Readonly<Record<string, string>>,
  onCreated: () => void,
): Promise<{ output: ResponseItem[]; usage: TokenUsage | null }> {
  const output: ResponseItem[] = [];
  let usage: TokenUsage | null = null;
  for await (const event of host.stream(request, headers)) {
    if (event.type === 'created') onCreated();
    else if (event.type === 'outputItemDone') output.push(event.item);
    else if (event.type === 'completed') usage = event.usage;
  }
  return { output, usage };
}

/**
 * Asks the model, without tools, for a handoff summary of the whole history (our prompt, or config.toml
 * `compact_prompt`), records its answer and usage, and returns the conversation that ends with the summary.
 */
async function summarise(host: CompactionHost, trigger: CompactionTrigger, phase: CompactionPhase): Promise<Compacted> {
  const { thread, turnId } = host;
  const base = host.modelRequest();
  const promptText = thread.settings.config.compact_prompt ?? SUMMARIZATION_PROMPT;
  const prompt: ResponseItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text: promptText }] };
  const request: ModelRequest = { ...base, input: [...base.input, prompt], tools: [] };
  const headers = turnMetadataHeader(host, { trigger, phase, implementation: 'responses' });
  // The usage as it stands is re-announced once the response starts [observed].
  const { output, usage } = await sample(host, request, headers, () => announceUsage(host));
  for (const done of output) {
    const copy = done.type === 'message' ? { ...done, internal_chat_message_metadata_passthrough: { turn_id: turnId } } : done;
    host.persist(records.responseItem(copy));
  }
  host.recordUsage(usage);
  const summary = summaryFromOutput(output);
  return { message: summaryMessageText(summary), replacement: compactedHistory(thread.history, summaryMessage(summary)) };
}

/**
 * Lets the model server compact: the turn's own request with a `compaction_trigger` last; its one `compaction`
 * item ends the new conversation. Observed from the reference: neither the output nor its usage is recorded.
 */
async function compactOnServer(host: CompactionHost, trigger: CompactionTrigger, phase: CompactionPhase): Promise<Compacted> {
  const { thread } = host;
  const base = host.modelRequest();
  const request: ModelRequest = { ...base, input: [...base.input, COMPACTION_TRIGGER] };
  const headers = turnMetadataHeader(host, { trigger, phase, implementation: 'responses_compaction_v2' });
  const { output } = await sample(host, request, headers, () => {});
  return { message: '', replacement: compactedHistory(thread.history, compactionItemOf(output)) };
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
 * `x-codex-turn-metadata` of a compaction request: the turn's own metadata, marked `request_kind: "compaction"`
 * with the trigger, so the provider can tell compactions from turns [observed on 0.169.0].
 */
function turnMetadataHeader(
  host: Pick<CompactionHost, 'thread' | 'turnId' | 'turnMetadata'>,
  compaction: { trigger: CompactionTrigger; phase: CompactionPhase; implementation: string },
): Record<string, string> {
  const { trigger, phase, implementation } = compaction;
  const turn = host.turnMetadata();
  const base: Record<string, unknown> =
    turn === null ? { session_id: host.thread.id, thread_id: host.thread.id, turn_id: host.turnId } : (JSON.parse(turn) as Record<string, unknown>);
  const metadata = {
    ...base,
    request_kind: 'compaction',
    root_turn_id: host.turnId,
    compaction: {
      trigger,
      reason: trigger === 'manual' ? 'user_requested' : 'context_limit',
      implementation,
      phase,
    },
  };
  return { 'x-codex-turn-metadata': JSON.stringify(metadata) };
}
