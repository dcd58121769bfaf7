import type { ModelClient, StreamOptions } from '../../src/model/client.js';
import { ModelError } from '../../src/model/errors.js';
import { CLOSED_BEFORE_COMPLETED_REASON, type ModelEvent, type ResponseItem, type TokenUsage } from '../../src/model/events.js';
import type { ModelRequest } from '../../src/model/request.js';
import { untilAborted } from '../../src/util/abortable.js';

/*
 * An in-process ModelClient fed a script: each model request the turn loop makes takes the next scripted reply and
 * plays it as the normalised events `HttpModelClient` would yield, with no HTTP, SSE or timers in between. Turn-loop
 * tests use it to run a turn in milliseconds; the whole-server tests keep the fake Responses server
 * (fake-model-server.ts) for the wire.
 */

/**
 * One step of a reply: an event to yield, or what the real client does around events.
 * - `retry`: the client is about to retry a failure (`onRetry` is told, as the real client tells it before waiting
 *   its backoff). After a `stream` retry, the events already yielded belong to the abandoned attempt, as they do with
 *   the real client; the steps that follow are the new attempt.
 * - `fail`: the stream fails for good with `error` (retries spent, or a failure that is never retried).
 * - `pause`: the stream stops sending until `until` settles, or rejects with the signal's reason when the turn is
 *   interrupted first (a model still thinking when the user interrupts).
 */
export type ScriptStep =
  | ModelEvent
  | { readonly type: 'retry'; readonly phase: 'request' | 'stream'; readonly error: ModelError; readonly maxRetries?: number }
  | { readonly type: 'fail'; readonly error: unknown }
  | { readonly type: 'pause'; readonly until: Promise<void> };

/** What the model answers one request with. */
export type ScriptedReply = readonly ScriptStep[];

/** One request the turn loop made, with the headers it carried (its just-in-time headers under `headers` too). */
export interface ScriptedRequest {
  readonly request: ModelRequest;
  /** `request.input` as the items the turn loop puts there. */
  readonly input: readonly ResponseItem[];
  /** The names of the tools offered (a namespace by its name). */
  readonly toolNames: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  /** The abort signal the request was streamed with (the turn's). */
  readonly signal: AbortSignal;
}

/** The usage every scripted response reports unless it names its own. */
export const SCRIPTED_USAGE: TokenUsage = {
  inputTokens: 10,
  cachedInputTokens: 0,
  outputTokens: 5,
  reasoningOutputTokens: 0,
  totalTokens: 15,
};

/**
 * A ModelClient playing `replies` in order, one per request. A request beyond the script fails the stream (the
 * turn then fails saying so), so a test never hangs on a model that was asked more than it expected. As with
 * `HttpModelClient`, a reply ends at its `completed` event, and one without it fails as a stream closed too early.
 */
export class ScriptedModel implements ModelClient {
  readonly #replies: ScriptedReply[];
  readonly #requests: ScriptedRequest[] = [];
  readonly #waiters: { count: number; resolve: () => void }[] = [];

  constructor(replies: readonly ScriptedReply[] = []) {
    this.#replies = [...replies];
  }

  /** The requests received so far, in order. */
  get requests(): readonly ScriptedRequest[] {
    return this.#requests;
  }

  /** How many scripted replies no request has taken yet. */
  get unplayed(): number {
    return this.#replies.length;
  }

  /** Adds replies to the end of the script. */
  enqueue(...replies: ScriptedReply[]): void {
    this.#replies.push(...replies);
  }

  /** Resolves once `count` requests have been received (at once when they already have). */
  waitForRequests(count: number): Promise<readonly ScriptedRequest[]> {
    if (this.#requests.length >= count) return Promise.resolve(this.#requests);
    return new Promise((resolve) => {
      this.#waiters.push({ count, resolve: () => resolve(this.#requests) });
    });
  }

  async *stream(request: ModelRequest, options: StreamOptions): AsyncGenerator<ModelEvent, void, undefined> {
    const { signal } = options;
    // The real client asks for its just-in-time headers once per attempt, before sending.
    const justInTime = (await options.requestHeaders?.(signal)) ?? {};
    this.#record({
      request,
      input: request.input as readonly ResponseItem[],
      toolNames: (request.tools as readonly { name?: string }[]).map((tool) => tool.name ?? ''),
      headers: { ...justInTime, ...options.headers },
      signal,
    });
    const reply = this.#replies.shift();
    if (reply === undefined) throw new Error(`the scripted model has no reply for request ${this.#requests.length}`);
    const attempts = { request: 0, stream: 0 };
    for (const step of reply) {
      signal.throwIfAborted();
      switch (step.type) {
        case 'retry': {
          attempts[step.phase] += 1;
          const maxRetries = step.maxRetries ?? attempts[step.phase];
          options.onRetry?.({ phase: step.phase, attempt: attempts[step.phase], maxRetries, delayMs: 0, error: step.error });
          break;
        }
        case 'fail':
          throw step.error;
        case 'pause':
          await untilAborted(step.until, signal);
          break;
        default:
          yield step;
          // As with the real client, `completed` ends the stream: whatever the script has after it is not played.
          if (step.type === 'completed') return;
      }
    }
    // A reply that ran out before `completed` fails as a stream cut short does.
    throw ModelError.streamDisconnected(CLOSED_BEFORE_COMPLETED_REASON);
  }

  #record(entry: ScriptedRequest): void {
    this.#requests.push(entry);
    for (const waiter of this.#waiters.filter((candidate) => candidate.count <= this.#requests.length)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

/* Builders for the common replies. Item ids are what the Responses API would send; tests may name their own. */

/** The event that ends a successful response. */
export function completed(usage: TokenUsage | null = SCRIPTED_USAGE, responseId = 'resp_scripted'): ModelEvent {
  return { type: 'completed', responseId, usage };
}

/** An assistant message streamed as `chunks` (one delta each): added, deltas, done. */
export function messageEvents(
  chunks: string | readonly string[],
  options: { readonly itemId?: string; readonly phase?: 'commentary' | 'final_answer' } = {},
): ModelEvent[] {
  const parts = typeof chunks === 'string' ? [chunks] : chunks;
  const itemId = options.itemId ?? 'msg_scripted';
  const phase = options.phase === undefined ? {} : { phase: options.phase };
  const item = (status: string, content: unknown[]): ResponseItem => ({ type: 'message', role: 'assistant', id: itemId, status, content, ...phase });
  return [
    { type: 'outputItemAdded', item: item('in_progress', []), outputIndex: 0 },
    ...parts.map((delta): ModelEvent => ({ type: 'outputTextDelta', delta, itemId, outputIndex: 0, contentIndex: 0 })),
    { type: 'outputItemDone', item: item('completed', [{ type: 'output_text', text: parts.join(''), annotations: [] }]), outputIndex: 0 },
  ];
}

/** A reasoning item whose summary streams as `summary`: added, part added, delta, done. */
export function reasoningEvents(summary: string, options: { readonly itemId?: string } = {}): ModelEvent[] {
  const itemId = options.itemId ?? 'rs_scripted';
  const item: ResponseItem = { type: 'reasoning', id: itemId, summary: [], content: [] };
  return [
    { type: 'outputItemAdded', item, outputIndex: 0 },
    { type: 'reasoningSummaryPartAdded', summaryIndex: 0, itemId },
    { type: 'reasoningSummaryDelta', delta: summary, summaryIndex: 0, itemId },
    {
      type: 'outputItemDone',
      item: { ...item, summary: [{ type: 'summary_text', text: summary }], encrypted_content: 'opaque' },
      outputIndex: 0,
    },
  ];
}

/** A function call of `name` with `args` (JSON-encoded as the model sends them): added, done. */
export function functionCallEvents(
  name: string,
  args: Readonly<Record<string, unknown>>,
  options: { readonly callId?: string; readonly itemId?: string } = {},
): ModelEvent[] {
  const callId = options.callId ?? 'call_scripted';
  const item: ResponseItem = {
    type: 'function_call',
    id: options.itemId ?? `fc_${callId}`,
    call_id: callId,
    name,
    arguments: JSON.stringify(args),
  };
  return [
    { type: 'outputItemAdded', item: { ...item, arguments: '' }, outputIndex: 0 },
    { type: 'outputItemDone', item, outputIndex: 0 },
  ];
}

/** A whole response answering `text`. */
export function textReply(text: string | readonly string[], usage: TokenUsage | null = SCRIPTED_USAGE): ScriptedReply {
  return [{ type: 'created' }, ...messageEvents(text), completed(usage)];
}

/** A whole response calling one tool. */
export function toolCallReply(
  name: string,
  args: Readonly<Record<string, unknown>>,
  options: { readonly callId?: string } = {},
): ScriptedReply {
  return [{ type: 'created' }, ...functionCallEvents(name, args, options), completed()];
}

/** Token usage with the given input and output counts (no cached or reasoning tokens). */
export function usageOf(inputTokens: number, outputTokens: number): TokenUsage {
  return { inputTokens, cachedInputTokens: 0, outputTokens, reasoningOutputTokens: 0, totalTokens: inputTokens + outputTokens };
}
