import { STATUS_CODES } from 'node:http';

/**
 * Why a model call failed, named after the protocol's `CodexErrorInfo` value a turn reports for it (see
 * {@link ModelError.toCodexErrorInfo}).
 */
export type ModelErrorKind =
  | 'unauthorized'
  | 'badRequest'
  | 'internalServerError'
  | 'serverOverloaded'
  | 'usageLimitExceeded'
  | 'contextWindowExceeded'
  | 'responseStreamDisconnected'
  | 'responseTooManyFailedAttempts'
  | 'httpConnectionFailed'
  | 'other';

/** The part of the protocol's `CodexErrorInfo` union (v2 `TurnError.codexErrorInfo`) a model error maps to. */
export type ModelErrorInfo =
  | 'unauthorized'
  | 'badRequest'
  | 'internalServerError'
  | 'serverOverloaded'
  | 'usageLimitExceeded'
  | 'contextWindowExceeded'
  | 'other'
  | { responseStreamDisconnected: { httpStatusCode: number | null } }
  | { responseTooManyFailedAttempts: { httpStatusCode: number | null } }
  | { httpConnectionFailed: { httpStatusCode: number | null } };

export interface ModelErrorOptions {
  readonly httpStatusCode?: number | null;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number | null;
  readonly cause?: unknown;
  /** The URL of the request that failed. */
  readonly url?: string | null;
}

/** The reference's texts for the failures it words itself (`CodexErr`'s Display). */
export const MODEL_ERROR_MESSAGES = {
  /** HTTP 500. Probed from 0.169.0: note the curly apostrophe. */
  internalServerError: 'We’re currently experiencing high demand, which may cause temporary errors.',
  serverOverloaded: 'Selected model is at capacity. Please try a different model.',
  contextWindowExceeded:
    "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
  quotaExceeded: 'Quota exceeded. Check your plan and billing details.',
  usageNotIncluded: 'To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.',
  usageLimitReached: "You've hit your usage limit. Try again later.",
} as const;

/** Prefix of every failure that happens after the HTTP handshake succeeded (`CodexErr::Stream`). */
export const STREAM_DISCONNECTED_PREFIX = 'stream disconnected before completion: ';

/**
 * A failed model call. Thrown by {@link ModelClient.stream} (and the SSE/event readers under it) for every
 * failure except an abort, which rejects with the signal's reason instead.
 *
 * `retryable` says whether re-issuing the same request may succeed; the HTTP client has already spent its
 * retry budget when this reaches a caller, so a caller should not retry again on its own.
 */
export class ModelError extends Error {
  readonly kind: ModelErrorKind;
  /** The HTTP status behind the failure, when there was one. */
  readonly httpStatusCode: number | null;
  readonly retryable: boolean;
  /** The delay the server asked for (`retry-after`, or "try again in Ns" in `response.failed`). */
  readonly retryAfterMs: number | null;
  /** The URL of the request that failed, when known (for the server log). */
  readonly url: string | null;

  constructor(kind: ModelErrorKind, message: string, options: ModelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.httpStatusCode = options.httpStatusCode ?? null;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.url = options.url ?? null;
  }

  /**
   * A stream that broke after the request was accepted: `stream disconnected before completion: <reason>`,
   * retryable. `reason` is e.g. `stream closed before response.completed` or `idle timeout waiting for SSE`.
   */
  static streamDisconnected(reason: string, options: ModelErrorOptions = {}): ModelError {
    return new ModelError('responseStreamDisconnected', `${STREAM_DISCONNECTED_PREFIX}${reason}`, {
      retryable: true,
      ...options,
    });
  }

  /** The `codexErrorInfo` of a turn that failed with this error. */
  toCodexErrorInfo(): ModelErrorInfo {
    const httpStatusCode = this.httpStatusCode;
    switch (this.kind) {
      case 'responseStreamDisconnected':
        return { responseStreamDisconnected: { httpStatusCode } };
      case 'responseTooManyFailedAttempts':
        return { responseTooManyFailedAttempts: { httpStatusCode } };
      case 'httpConnectionFailed':
        return { httpConnectionFailed: { httpStatusCode } };
      case 'unauthorized':
      case 'badRequest':
      case 'internalServerError':
      case 'serverOverloaded':
      case 'usageLimitExceeded':
      case 'contextWindowExceeded':
      case 'other':
        return this.kind;
      default: {
        const never: never = this.kind;
        return never;
      }
    }
  }
}

/** `401 Unauthorized`, the way the reference (Rust's http crate) prints a status. */
export function statusLine(status: number): string {
  const reason = STATUS_CODES[status];
  return reason === undefined ? String(status) : `${status} ${reason}`;
}
