import type { ReadableStream, ReadableStreamDefaultReader, ReadableStreamReadResult } from 'node:stream/web';
import { createParser } from 'eventsource-parser';
import { ModelError } from './errors.js';

/** One SSE event's `data:` payload, parsed: a JSON object with a string `type`. */
export type SseJsonEvent = Record<string, unknown> & { readonly type: string };

export interface ReadSseOptions {
  /** No SSE event for this long fails the stream with `idle timeout waiting for SSE`. */
  readonly idleTimeoutMs: number;
  /** Aborting stops reading (the body is cancelled) and rejects with the signal's reason. */
  readonly signal: AbortSignal;
}

/** The reason texts of the reference (`codex-api/src/sse/responses.rs`). */
export const IDLE_TIMEOUT_REASON = 'idle timeout waiting for SSE';

function isJsonEvent(value: unknown): value is SseJsonEvent {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/** The `data:` of one event as a typed JSON object, or undefined for anything else (skipped, like the reference). */
function parseData(data: string): SseJsonEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isJsonEvent(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Why a body read failed, in words: undici says `terminated` and puts the socket's story in `cause`. */
function describeReadError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || cause === error.message ? error.message : `${error.message}: ${cause}`;
}

type ReadOutcome = { readonly chunk: ReadableStreamReadResult<Uint8Array> } | { readonly idle: true };

/** One `reader.read()`, given up after `timeoutMs` or on abort. The timer and listener never outlive it. */
function readWithDeadline(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ReadOutcome> {
  return new Promise<ReadOutcome>((resolve, reject) => {
    const onAbort = () => {
      cleanup();
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve({ idle: true });
    }, Math.max(0, timeoutMs));
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    reader.read().then(
      (chunk) => {
        cleanup();
        resolve({ chunk });
      },
      (error: unknown) => {
        cleanup();
        if (signal.aborted) reject(signal.reason);
        else reject(ModelError.streamDisconnected(describeReadError(error), { cause: error }));
      },
    );
  });
}

/**
 * Reads a Responses API event stream (a fetch Response body) and yields each event's `data:` parsed as JSON.
 * The `event:` line is ignored — events are told apart by the JSON `type`, like the reference; a `data:` that
 * is not a JSON object with a string `type` is skipped. An event still unterminated when the body ends is dropped
 * (SSE semantics).
 *
 * The body ending is not an error here: the caller decides whether the stream was complete.
 *
 * @throws ModelError `responseStreamDisconnected` (`… idle timeout waiting for SSE` when no event — parsable
 *   or not — arrives for `idleTimeoutMs`; or the transport's reason when reading fails), retryable.
 * @throws the signal's reason when aborted. In every case, and when the consumer stops early, the body is
 *   cancelled, which closes the connection.
 */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
  options: ReadSseOptions,
): AsyncGenerator<SseJsonEvent, void, undefined> {
  const { idleTimeoutMs, signal } = options;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const pending: string[] = [];
  let dispatched = 0;
  const parser = createParser({
    onEvent: (event) => {
      dispatched++;
      pending.push(event.data);
    },
  });
  let done = false;
  try {
    signal.throwIfAborted();
    let deadline = Date.now() + idleTimeoutMs;
    while (!done) {
      const outcome = await readWithDeadline(reader, deadline - Date.now(), signal);
      if ('idle' in outcome) throw ModelError.streamDisconnected(IDLE_TIMEOUT_REASON);
      const { chunk } = outcome;
      if (chunk.done) {
        done = true;
        parser.feed(decoder.decode());
      } else {
        const before = dispatched;
        parser.feed(decoder.decode(chunk.value, { stream: true }));
        // The reference's idle timer restarts per SSE event, not per byte (comments and partial lines do not count).
        if (dispatched !== before) deadline = Date.now() + idleTimeoutMs;
      }
      // Indexed, not shift(): one network chunk can carry hundreds of events.
      for (let index = 0; index < pending.length; index++) {
        const event = parseData(pending[index] as string);
        if (event !== undefined) yield event;
        signal.throwIfAborted();
      }
      pending.length = 0;
    }
  } finally {
    if (!done) {
      // Cancelling rejects nothing we wait on; a failure here means the stream is already gone.
      await reader.cancel().catch(() => undefined);
    }
    reader.releaseLock();
  }
}
