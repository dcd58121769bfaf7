import type { RetryInfo } from '../../model/client.js';
import type { ModelEvent, ResponseItem, TokenUsage } from '../../model/events.js';
import type { RolloutItem } from '../../persistence/rollout-schema.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { Turn } from '../../protocol/v2/turn.js';
import { webSearchCallForHistory } from '../../tools/web-search/web-search-call.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import * as records from '../rollout/rollout-records.js';
import type { LiveItems } from './live-items.js';
import { withTurnMetadata } from './turn-views.js';

/** Where one model response's output goes within its turn. */
export interface ModelOutputSink {
  readonly thread: LoadedThread;
  /** The turn as thread/read shows it; completed items are added to it. */
  readonly record: Turn;
  readonly persist: (item: RolloutItem) => void;
  /** A final answer of the turn (not commentary): what turn/completed carries. */
  readonly onAnswer: (item: ThreadItem) => void;
  /** The response completed with this usage (reported once its tool calls have run). */
  readonly onUsage: (usage: TokenUsage | null) => void;
}

/*
 * How each streamed model event becomes the turn's items: live notifications through LiveItems, completed output
 * into the conversation, the turn's items and the rollout. Split from the turn runner, which decides what to do
 * with a completed output item (a tool call to run, or the end of the response).
 */

/** Applies one model event; returns the output item once it is complete (a tool call among them), else null. */
export function applyModelEvent(event: ModelEvent, live: LiveItems, sink: ModelOutputSink): ResponseItem | null {
  switch (event.type) {
    case 'created':
      return null;
    case 'outputItemAdded':
      live.started(event.item);
      return null;
    case 'outputTextDelta':
      live.textDelta(event.itemId, event.delta);
      return null;
    case 'reasoningSummaryPartAdded':
      live.summaryPartAdded(event.itemId, event.summaryIndex);
      return null;
    case 'reasoningSummaryDelta':
      live.summaryDelta(event.itemId, event.summaryIndex, event.delta);
      return null;
    case 'reasoningContentDelta':
      live.contentDelta(event.itemId, event.contentIndex, event.delta);
      return null;
    case 'outputItemDone':
      completeOutputItem(event.item, live, sink);
      return event.item;
    case 'completed':
      sink.onUsage(event.usage);
      return null;
  }
}

function completeOutputItem(output: ResponseItem, live: LiveItems, sink: ModelOutputSink): void {
  const { thread, record } = sink;
  const item = live.completed(output);
  // A hosted web search is replayed cut down to its defined fields, as the reference does.
  const kept = output.type === 'web_search_call' ? webSearchCallForHistory(output) : output;
  thread.history.push(kept);
  if (item !== null) {
    record.items.push(item);
    // turn/completed shows the last answer; commentary (progress narration) never counts [observed].
    if (item.type === 'agentMessage' && item.phase !== 'commentary') sink.onAnswer(item);
    const completed = records.itemCompleted(thread.id, record.id, item);
    if (completed !== null) sink.persist(completed);
  }
  sink.persist(records.responseItem(withTurnMetadata(kept, record.id)));
}

/** A retry is coming: tell subscribers (`error` with `willRetry: true`) and drop the abandoned attempt's live items. */
export function announceRetry(thread: LoadedThread, turnId: string, info: RetryInfo, live: LiveItems | null): void {
  if (info.phase === 'stream') live?.reset();
  thread.emit(ServerNotifications.error, {
    error: {
      message: `Reconnecting... ${info.attempt}/${info.maxRetries}`,
      codexErrorInfo: info.error.toCodexErrorInfo(),
      additionalDetails: info.error.message,
      misalignment: null,
    },
    willRetry: true,
    threadId: thread.id,
    turnId,
  });
}
