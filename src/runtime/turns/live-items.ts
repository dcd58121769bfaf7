import type { ResponseItem } from '../../model/events.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import {
  webSearchCallAction,
  webSearchQuery,
  wireWebSearchAction,
} from '../../tools/web-search/web-search-call.js';
import type { LoadedThread } from '../threads/loaded-thread.js';

/**
 * The items of one model response being streamed: started on `output_item.added`, fed by deltas, completed
 * on `output_item.done`. Messages become agentMessage items, reasoning becomes reasoning items, hosted web searches
 * webSearch items; other kinds (tool calls) have no live item here.
 */
export class LiveItems {
  readonly #thread: LoadedThread;
  readonly #turnId: string;
  readonly #items = new Map<string, { startedAtMs: number; summary: string[]; content: string[]; text: string }>();

  constructor(thread: LoadedThread, turnId: string) {
    this.#thread = thread;
    this.#turnId = turnId;
  }

  started(raw: ResponseItem): void {
    const id = itemIdOf(raw);
    if (id === null || !SHOWN_KINDS.has(raw.type) || this.#items.has(id)) return;
    const startedAtMs = Date.now();
    this.#items.set(id, { startedAtMs, summary: [], content: [], text: '' });
    let item: ThreadItem;
    if (raw.type === 'message') item = agentMessageItem(id, '', raw, startedAtMs, null);
    else if (raw.type === 'reasoning') item = { type: 'reasoning', id, summary: [], content: [], startedAtMs, completedAtMs: null };
    // A search in progress shows no query yet [observed].
    else item = { type: 'webSearch', id, query: '', action: { type: 'other' }, results: null, startedAtMs, completedAtMs: null };
    this.#thread.emit(ServerNotifications.itemStarted, {
      item,
      threadId: this.#thread.id,
      turnId: this.#turnId,
      startedAtMs,
    });
  }

  textDelta(itemId: string | null, delta: string): void {
    const live = itemId === null ? undefined : this.#items.get(itemId);
    if (live === undefined || itemId === null) return;
    live.text += delta;
    this.#thread.emit(ServerNotifications.agentMessageDelta, {
      threadId: this.#thread.id,
      turnId: this.#turnId,
      itemId,
      delta,
    });
  }

  summaryPartAdded(itemId: string | null, summaryIndex: number): void {
    const live = itemId === null ? undefined : this.#items.get(itemId);
    if (live === undefined || itemId === null) return;
    this.#thread.emit(ServerNotifications.reasoningSummaryPartAdded, {
      threadId: this.#thread.id,
      turnId: this.#turnId,
      itemId,
      summaryIndex,
    });
  }

  summaryDelta(itemId: string | null, summaryIndex: number, delta: string): void {
    const live = itemId === null ? undefined : this.#items.get(itemId);
    if (live === undefined || itemId === null) return;
    this.#thread.emit(ServerNotifications.reasoningSummaryTextDelta, {
      threadId: this.#thread.id,
      turnId: this.#turnId,
      itemId,
      delta,
      summaryIndex,
    });
  }

  contentDelta(itemId: string | null, contentIndex: number, delta: string): void {
    const live = itemId === null ? undefined : this.#items.get(itemId);
    if (live === undefined || itemId === null) return;
    this.#thread.emit(ServerNotifications.reasoningTextDelta, {
      threadId: this.#thread.id,
      turnId: this.#turnId,
      itemId,
      delta,
      contentIndex,
    });
  }

  /** The finished protocol item of a done output item (started now if it never was), or null for tool calls. */
  completed(raw: ResponseItem): ThreadItem | null {
    const id = itemIdOf(raw);
    if (id === null || !SHOWN_KINDS.has(raw.type)) return null;
    if (raw.type === 'message' && raw['role'] !== 'assistant') return null;
    if (!this.#items.has(id)) this.started(raw);
    const live = this.#items.get(id);
    this.#items.delete(id);
    const startedAtMs = live?.startedAtMs ?? Date.now();
    const completedAtMs = Date.now();
    const item = finishedItem(id, raw, startedAtMs, completedAtMs);
    this.#thread.emit(ServerNotifications.itemCompleted, {
      item,
      threadId: this.#thread.id,
      turnId: this.#turnId,
      ...(item.type === 'agentMessage' ? { contentTokenCount: null } : {}),
      completedAtMs,
    });
    return item;
  }

  /** A stream retry abandons whatever was in progress; the next attempt starts its items again. */
  reset(): void {
    this.#items.clear();
  }
}

/** Output item kinds that are shown to clients as items while they stream. */
const SHOWN_KINDS: ReadonlySet<string> = new Set(['message', 'reasoning', 'web_search_call']);

function finishedItem(id: string, raw: ResponseItem, startedAtMs: number, completedAtMs: number): ThreadItem {
  switch (raw.type) {
    case 'message':
      return agentMessageItem(id, outputText(raw), raw, startedAtMs, completedAtMs);
    case 'reasoning':
      return {
        type: 'reasoning',
        id,
        summary: textsOf(raw['summary'], 'summary_text'),
        content: textsOf(raw['content'], 'reasoning_text'),
        startedAtMs,
        completedAtMs,
      };
    default: {
      const action = webSearchCallAction(raw['action']);
      return {
        type: 'webSearch',
        id,
        query: webSearchQuery(action),
        action: wireWebSearchAction(action),
        results: null,
        startedAtMs,
        completedAtMs,
      };
    }
  }
}

function agentMessageItem(
  id: string,
  text: string,
  raw: ResponseItem,
  startedAtMs: number,
  completedAtMs: number | null,
): ThreadItem {
  const phase = raw['phase'];
  return {
    type: 'agentMessage',
    id,
    text,
    phase: phase === 'commentary' || phase === 'final_answer' ? phase : null,
    moderation: null,
    memoryCitation: null,
    delivery: null,
    questions: null,
    startedAtMs,
    completedAtMs,
  };
}

function itemIdOf(raw: ResponseItem): string | null {
  const id = raw['id'];
  return typeof id === 'string' && id !== '' ? id : null;
}

/** The message's text; a one-part message yields the very string history holds, so the two share memory. */
function outputText(raw: ResponseItem): string {
  const texts = textsOf(raw['content'], 'output_text');
  return texts.length === 1 ? (texts[0] as string) : texts.join('');
}

function textsOf(parts: unknown, type: string): string[] {
  if (!Array.isArray(parts)) return [];
  const texts: string[] = [];
  for (const part of parts as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const { type: partType, text } = part as { type?: unknown; text?: unknown };
    if (partType === type && typeof text === 'string') texts.push(text);
  }
  return texts;
}
