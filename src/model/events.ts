import { lazySchema } from '../util/lazy-schema.js';
import * as z from 'zod';
import { MODEL_ERROR_MESSAGES, ModelError } from './errors.js';
import type { SseJsonEvent } from './sse.js';

/*
 * The Responses API stream events the agent loop consumes (reference: `codex-api/src/sse/responses.rs`), as
 * loose schemas: only the fields read here are checked, everything else is allowed. An event that does not
 * match its schema is ignored, like the reference ignores an event whose fields it cannot read.
 */

/**
 * An output item (`message`, `reasoning`, `function_call`, `custom_tool_call`, …, or a type this server does
 * not know) exactly as the model sent it: history and rollouts store it, and the next request sends it back,
 * unchanged.
 */
export type ResponseItem = Record<string, unknown> & { readonly type: string };

/** Token counts of one response (the protocol's token usage breakdown, camelCase). */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningOutputTokens: number;
  readonly totalTokens: number;
}

/**
 * A normalised model stream event. A successful stream ends with exactly one `completed`, which is the last
 * event; `outputItemDone` items are what drive history and tool calls, the others are for live display.
 */
export type ModelEvent =
  | { readonly type: 'created' }
  | { readonly type: 'outputItemAdded'; readonly item: ResponseItem; readonly outputIndex: number | null }
  | {
      readonly type: 'outputTextDelta';
      readonly delta: string;
      readonly itemId: string | null;
      readonly outputIndex: number | null;
      readonly contentIndex: number | null;
    }
  | {
      readonly type: 'reasoningSummaryDelta';
      readonly delta: string;
      readonly summaryIndex: number;
      readonly itemId: string | null;
    }
  | { readonly type: 'reasoningSummaryPartAdded'; readonly summaryIndex: number; readonly itemId: string | null }
  | {
      readonly type: 'reasoningContentDelta';
      readonly delta: string;
      readonly contentIndex: number;
      readonly itemId: string | null;
    }
  | { readonly type: 'outputItemDone'; readonly item: ResponseItem; readonly outputIndex: number | null }
  | { readonly type: 'completed'; readonly responseId: string; readonly usage: TokenUsage | null };

const ItemSchema = lazySchema(() => z.looseObject({ type: z.string() }));
const itemId = lazySchema(() => z.string().optional());
const index = lazySchema(() => z.int().optional());

export const ResponseCreatedEventSchema = lazySchema(() => z.looseObject({
  type: z.literal('response.created'),
  // The reference only needs `response` to be there (not null).
  response: z.unknown().refine((value) => value !== undefined && value !== null),
}));

export const OutputItemEventSchema = lazySchema(() => z.looseObject({
  type: z.enum(['response.output_item.added', 'response.output_item.done']),
  item: ItemSchema,
  output_index: index,
}));

export const OutputTextDeltaEventSchema = lazySchema(() => z.looseObject({
  type: z.literal('response.output_text.delta'),
  delta: z.string(),
  item_id: itemId,
  output_index: index,
  content_index: index,
}));

export const ReasoningSummaryTextDeltaEventSchema = lazySchema(() => z.looseObject({
  type: z.literal('response.reasoning_summary_text.delta'),
  delta: z.string(),
  summary_index: z.int(),
  item_id: itemId,
}));

export const ReasoningSummaryPartAddedEventSchema = lazySchema(() => z.looseObject({
  type: z.literal('response.reasoning_summary_part.added'),
  summary_index: z.int(),
  item_id: itemId,
}));

export const ReasoningTextDeltaEventSchema = lazySchema(() => z.looseObject({
  type: z.literal('response.reasoning_text.delta'),
  delta: z.string(),
  content_index: z.int(),
  item_id: itemId,
}));

export const ResponseUsageSchema = lazySchema(() => z.looseObject({
  input_tokens: z.int(),
  input_tokens_details: z.looseObject({ cached_tokens: z.int() }).nullish(),
  output_tokens: z.int(),
  output_tokens_details: z.looseObject({ reasoning_tokens: z.int() }).nullish(),
  total_tokens: z.int(),
}));

/** `response.completed`; the event without a `response` is ignored, a `response` without an `id` is an error. */
export const ResponseCompletedEventSchema = lazySchema(() => z.looseObject({
  type: z.literal('response.completed'),
  response: z.unknown(),
}));
export const CompletedResponseSchema = lazySchema(() => z.looseObject({ id: z.string(), usage: ResponseUsageSchema.nullish() }));

export const ResponseErrorSchema = lazySchema(() => z.looseObject({
  type: z.string().nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
}));

export const ResponseFailedEventSchema = lazySchema(() => z.looseObject({
  type: z.literal('response.failed'),
  response: z.looseObject({ error: z.unknown() }).nullish(),
}));

/** "try again in 1.5s", "try again in 20ms", "Try again in 3 seconds" (the reference's pattern). */
const TRY_AGAIN_PATTERN = /try again in\s*(\d+(?:\.\d+)?)\s*(s|ms|seconds?)/i;

/** The delay a `rate_limit_exceeded` error message asks for, in milliseconds. */
export function retryDelayFromMessage(message: string): number | null {
  const match = TRY_AGAIN_PATTERN.exec(message);
  if (!match) return null;
  const value = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  return unit === 'ms' ? Math.floor(value) : Math.round(value * 1000);
}

/** The error a `response.failed` event ends the stream with. */
export function responseFailedError(response: { error?: unknown } | null | undefined): ModelError {
  const parsed = ResponseErrorSchema.safeParse(response?.error);
  if (!parsed.success) return ModelError.streamDisconnected('response.failed event received');
  const { code, message } = parsed.data;
  switch (code) {
    case 'context_length_exceeded':
      return new ModelError('contextWindowExceeded', MODEL_ERROR_MESSAGES.contextWindowExceeded);
    case 'insufficient_quota':
      return new ModelError('usageLimitExceeded', MODEL_ERROR_MESSAGES.quotaExceeded);
    case 'usage_not_included':
      return new ModelError('usageLimitExceeded', MODEL_ERROR_MESSAGES.usageNotIncluded);
    default: {
      const text = message ?? '';
      const retryAfterMs = code === 'rate_limit_exceeded' ? retryDelayFromMessage(text) : null;
      return ModelError.streamDisconnected(text, { retryAfterMs });
    }
  }
}

function usageFrom(usage: z.infer<typeof ResponseUsageSchema> | null | undefined): TokenUsage | null {
  if (!usage) return null;
  return {
    inputTokens: usage.input_tokens,
    cachedInputTokens: usage.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage.output_tokens,
    reasoningOutputTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: usage.total_tokens,
  };
}

/** What one raw event means: an event to pass on, the end of a failed stream, or nothing. */
export type NormalizedEvent =
  | { readonly event: ModelEvent }
  | { readonly failure: ModelError }
  | undefined;

/**
 * Normalises one raw stream event. Output items are passed on as the same object that was received (never a
 * copy), so they stay verbatim.
 */
export function normalizeEvent(raw: SseJsonEvent): NormalizedEvent {
  switch (raw.type) {
    case 'response.created':
      return ResponseCreatedEventSchema.safeParse(raw).success ? { event: { type: 'created' } } : undefined;
    case 'response.output_item.added':
    case 'response.output_item.done': {
      const parsed = OutputItemEventSchema.safeParse(raw);
      if (!parsed.success) return undefined;
      const item = raw.item as ResponseItem;
      const outputIndex = parsed.data.output_index ?? null;
      const type = raw.type === 'response.output_item.added' ? 'outputItemAdded' : 'outputItemDone';
      return { event: { type, item, outputIndex } };
    }
    case 'response.output_text.delta': {
      // The hot path of a streamed answer (one event per token): checked by hand, the schema only on odd input.
      const fast = raw as Record<string, unknown>;
      if (
        typeof fast['delta'] === 'string' &&
        (fast['item_id'] === undefined || typeof fast['item_id'] === 'string') &&
        (fast['output_index'] === undefined || Number.isInteger(fast['output_index'])) &&
        (fast['content_index'] === undefined || Number.isInteger(fast['content_index']))
      ) {
        return {
          event: {
            type: 'outputTextDelta',
            delta: fast['delta'],
            itemId: (fast['item_id'] as string | undefined) ?? null,
            outputIndex: (fast['output_index'] as number | undefined) ?? null,
            contentIndex: (fast['content_index'] as number | undefined) ?? null,
          },
        };
      }
      const parsed = OutputTextDeltaEventSchema.safeParse(raw);
      if (!parsed.success) return undefined;
      const { delta, item_id, output_index, content_index } = parsed.data;
      return {
        event: {
          type: 'outputTextDelta',
          delta,
          itemId: item_id ?? null,
          outputIndex: output_index ?? null,
          contentIndex: content_index ?? null,
        },
      };
    }
    case 'response.reasoning_summary_text.delta': {
      const parsed = ReasoningSummaryTextDeltaEventSchema.safeParse(raw);
      if (!parsed.success) return undefined;
      const { delta, summary_index, item_id } = parsed.data;
      return { event: { type: 'reasoningSummaryDelta', delta, summaryIndex: summary_index, itemId: item_id ?? null } };
    }
    case 'response.reasoning_summary_part.added': {
      const parsed = ReasoningSummaryPartAddedEventSchema.safeParse(raw);
      if (!parsed.success) return undefined;
      const { summary_index, item_id } = parsed.data;
      return { event: { type: 'reasoningSummaryPartAdded', summaryIndex: summary_index, itemId: item_id ?? null } };
    }
    case 'response.reasoning_text.delta': {
      const parsed = ReasoningTextDeltaEventSchema.safeParse(raw);
      if (!parsed.success) return undefined;
      const { delta, content_index, item_id } = parsed.data;
      return { event: { type: 'reasoningContentDelta', delta, contentIndex: content_index, itemId: item_id ?? null } };
    }
    case 'response.completed': {
      const parsed = ResponseCompletedEventSchema.safeParse(raw);
      if (!parsed.success || parsed.data.response === undefined || parsed.data.response === null) return undefined;
      const response = CompletedResponseSchema.safeParse(parsed.data.response);
      if (!response.success) {
        const detail = response.error.issues.map((issue) => `${issue.path.join('.') || 'response'}: ${issue.message}`);
        return { failure: ModelError.streamDisconnected(`failed to parse ResponseCompleted: ${detail.join('; ')}`) };
      }
      return { event: { type: 'completed', responseId: response.data.id, usage: usageFrom(response.data.usage) } };
    }
    case 'response.failed': {
      const parsed = ResponseFailedEventSchema.safeParse(raw);
      if (!parsed.success || !parsed.data.response) return undefined;
      return { failure: responseFailedError(parsed.data.response) };
    }
    default:
      return undefined;
  }
}

/** The reason a stream that ends without `response.completed` fails with. */
export const CLOSED_BEFORE_COMPLETED_REASON = 'stream closed before response.completed';

/**
 * Turns raw stream events into {@link ModelEvent}s. Ends right after `completed` (what follows is not read).
 *
 * Unlike the reference, which keeps reading until the connection closes, `response.completed` and
 * `response.failed` end the stream at once: the Responses API sends nothing after either, and a server that
 * kept the connection open would otherwise run into the idle timeout.
 *
 * @throws ModelError for `response.failed` (see {@link responseFailedError}), for an unreadable
 *   `response.completed`, and `… stream closed before response.completed` when the events run out first;
 *   plus whatever `source` throws.
 */
export async function* readModelEvents(
  source: AsyncIterable<SseJsonEvent>,
): AsyncGenerator<ModelEvent, void, undefined> {
  for await (const raw of source) {
    const normalized = normalizeEvent(raw);
    if (normalized === undefined) continue;
    if ('failure' in normalized) throw normalized.failure;
    yield normalized.event;
    if (normalized.event.type === 'completed') return;
  }
  throw ModelError.streamDisconnected(CLOSED_BEFORE_COMPLETED_REASON);
}
