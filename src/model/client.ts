import type { ReadableStream } from 'node:stream/web';
import { describeConnectionFailure } from '../net/connection-failure.js';
import type { BedrockCredentialSource } from './bedrock/bedrock-credentials.js';
import { resolveBedrockRoute } from './bedrock/bedrock-route.js';
import { MODEL_ERROR_MESSAGES, ModelError, STREAM_DISCONNECTED_PREFIX, statusLine } from './errors.js';
import { readModelEvents, type ModelEvent } from './events.js';
import type { GatewayTokenSource, OpenaiAuthSource, OpenaiLogin, ResolvedProvider } from './provider.js';
import { buildRequestBody, buildRequestHeaders, responsesUrl, type ModelRequest } from './request.js';
import { readSseEvents } from './sse.js';

/** A retry the client is about to make, reported before it waits `delayMs`. */
export interface RetryInfo {
  /**
   * `request`: the HTTP request failed (connect error, 429, 5xx) and is sent again; nothing was yielded for it.
   * `stream`: the stream broke after it started and the request is re-issued from scratch — every event yielded
   * since the previous retry (or the start) belongs to the abandoned attempt and must be discarded.
   */
  readonly phase: 'request' | 'stream';
  /** 1-based number of this retry within its phase's budget. */
  readonly attempt: number;
  /** The budget: the provider's `request_max_retries` or `stream_max_retries`. */
  readonly maxRetries: number;
  readonly delayMs: number;
  /** The failure being retried. */
  readonly error: ModelError;
}

/**
 * Headers decided just in time before a model request is sent (`x-oai-attestation`). It resolves quickly and
 * never rejects, except with `signal`'s reason once that aborts.
 */
export type RequestHeadersHook = (signal: AbortSignal) => Promise<Readonly<Record<string, string>>>;

export interface StreamOptions {
  /** Aborting cancels the request or stream at once; the iteration then rejects with the signal's reason. */
  readonly signal: AbortSignal;
  /** Extra request headers (e.g. `x-codex-turn-metadata`); they win over all others. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Asked once per sampling attempt: before the first request and before each re-issue after a broken stream,
   * but not again when the same request is re-sent after a connect error, 429 or 5xx. The reference builds
   * these headers with the request options, and its transport re-sends the built request on such failures.
   */
  readonly requestHeaders?: RequestHeadersHook;
  /** Called before every retry (e.g. to send the reference's "Reconnecting… n/m" notification). */
  readonly onRetry?: (info: RetryInfo) => void;
}

/**
 * The seam between the agent loop and the model (the openai-agents-js `Model` shape): one call streams one
 * sampling request as normalised events. The loop never sees HTTP or SSE, and tests can implement this
 * interface with a scripted fake.
 */
export interface ModelClient {
  /**
   * Streams the model's answer to `request`. A successful iteration ends with a `completed` event.
   *
   * @throws ModelError when the request or stream fails for good (retries already spent).
   * @throws the signal's reason when `options.signal` aborts.
   */
  stream(request: ModelRequest, options: StreamOptions): AsyncIterable<ModelEvent>;
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface HttpModelClientOptions {
  readonly provider: ResolvedProvider;
  /** The Codex login, for providers that use it (see {@link OpenaiAuthSource}). */
  readonly openaiAuth?: OpenaiAuthSource;
  /** The gateway token, for a provider that declares `gateway_oauth` (see {@link GatewayTokenSource}). */
  readonly gatewayToken?: GatewayTokenSource;
  /** The stored Amazon Bedrock login, for the `amazon-bedrock` provider (see {@link BedrockCredentialSource}). */
  readonly bedrockAuth?: BedrockCredentialSource;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** First backoff delay (doubling per retry, ±10 % jitter). Default 200 ms, the reference's. */
  readonly backoffBaseMs?: number;
  /** Default: a cleared-on-abort timer. */
  readonly sleep?: Sleep;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Where each request that fails for good is logged once (provider, URL, status, retries; never a credential). */
  readonly log?: FailureLog;
  /** The server's environment, to mention a proxy setting this client does not use. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The part of a pino logger the client needs. */
export interface FailureLog {
  warn(details: Record<string, unknown>, message: string): void;
}

export const DEFAULT_BACKOFF_BASE_MS = 200;

/** The reference's backoff: `base · 2^(attempt-1)` scaled by a jitter in [0.9, 1.1). `attempt` is 1-based. */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const raw = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.floor(raw * (0.9 + 0.2 * random()));
}

export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** `retry-after-ms`, else `retry-after` (seconds or an HTTP date), in milliseconds. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | null {
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : null;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function errorField(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    const error = typeof value === 'object' && value !== null ? (value as { error?: unknown }).error : undefined;
    return typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const UNEXPECTED_BODY_MAX_BYTES = 1000;

/**
 * The reference's `UnexpectedResponseError` text:
 * `unexpected status 404 Not Found: <message>, url: …, cf-ray: …, request id: …`.
 */
function unexpectedStatusMessage(status: number, body: string, url: string, headers: Headers): string {
  const error = errorField(body);
  const message = typeof error?.message === 'string' ? error.message.trim() : '';
  let shown = message !== '' ? message : body.trim();
  if (shown === '') shown = 'Unknown error';
  else if (message === '' && Buffer.byteLength(shown) > UNEXPECTED_BODY_MAX_BYTES) {
    shown = `${Buffer.from(shown).subarray(0, UNEXPECTED_BODY_MAX_BYTES).toString('utf8').replace(/\uFFFD+$/, '')}...`;
  }
  let text = `unexpected status ${statusLine(status)}: ${shown}, url: ${url}`;
  const cfRay = headers.get('cf-ray');
  if (cfRay !== null) text += `, cf-ray: ${cfRay}`;
  const requestId = headers.get('x-request-id') ?? headers.get('x-oai-request-id');
  if (requestId !== null) text += `, request id: ${requestId}`;
  return text;
}

/**
 * The error for a non-2xx answer, classified like the reference (`api_bridge.rs`), with `retryable` saying
 * whether this client sends the request again (connect errors, 429 other than a usage limit, 5xx other than an
 * overloaded 503).
 */
export function httpStatusError(status: number, headers: Headers, body: string, url: string): ModelError {
  const error = errorField(body);
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const type = typeof error?.type === 'string' ? error.type : undefined;
  const httpStatusCode = status;
  if (status === 503 && (code === 'server_is_overloaded' || code === 'slow_down')) {
    return new ModelError('serverOverloaded', MODEL_ERROR_MESSAGES.serverOverloaded, { httpStatusCode, url });
  }
  if (status === 400) {
    // The raw body is the message and the kind is `other`, not `badRequest` [observed]: the reference keeps
    // `badRequest` for settings it refuses, not for the provider's 400s.
    const message = body.trim() === '' ? unexpectedStatusMessage(status, body, url, headers) : body;
    return new ModelError('other', message, { httpStatusCode, url });
  }
  if (status === 401) {
    return new ModelError('unauthorized', unexpectedStatusMessage(status, body, url, headers), { httpStatusCode, url });
  }
  if (status === 429) {
    if (type === 'usage_limit_reached') {
      return new ModelError('usageLimitExceeded', MODEL_ERROR_MESSAGES.usageLimitReached, { httpStatusCode, url });
    }
    if (type === 'usage_not_included') {
      return new ModelError('usageLimitExceeded', MODEL_ERROR_MESSAGES.usageNotIncluded, { httpStatusCode, url });
    }
    const requestId = headers.get('x-request-id') ?? headers.get('x-oai-request-id') ?? headers.get('cf-ray');
    const suffix = requestId === null ? '' : `, request id: ${requestId}`;
    const message = `exceeded retry limit, last status: ${statusLine(429)}${suffix}`;
    return new ModelError('responseTooManyFailedAttempts', message, {
      httpStatusCode,
      url,
      retryable: true,
      retryAfterMs: retryAfterMs(headers),
    });
  }
  if (status >= 500) {
    const message =
      status === 500 ? MODEL_ERROR_MESSAGES.internalServerError : unexpectedStatusMessage(status, body, url, headers);
    return new ModelError('internalServerError', message, {
      httpStatusCode,
      url,
      retryable: true,
      retryAfterMs: retryAfterMs(headers),
    });
  }
  return new ModelError('other', unexpectedStatusMessage(status, body, url, headers), { httpStatusCode, url });
}

/**
 * The fetch-based {@link ModelClient} for a Responses-API provider: `POST {base_url}/responses` with the
 * provider's headers and query parameters, SSE read with the provider's idle timeout.
 *
 * Retries: a request that fails before streaming (connect error, 429 honouring `retry-after`, 5xx) is sent again
 * up to `request_max_retries` times; a stream that breaks after it started (connection lost, idle timeout,
 * closed before `response.completed`, a retryable `response.failed`) is re-issued up to `stream_max_retries`
 * times, each re-issue with a fresh request budget. Delays are exponential with jitter unless the server named
 * one. Non-retryable failures (401, 400, usage limits, context window, overloaded) are thrown at once.
 */
export class HttpModelClient implements ModelClient {
  readonly provider: ResolvedProvider;
  readonly #openaiAuth: OpenaiAuthSource | undefined;
  readonly #gatewayToken: GatewayTokenSource | undefined;
  readonly #bedrockAuth: BedrockCredentialSource | undefined;
  readonly #fetch: typeof fetch;
  readonly #backoffBaseMs: number;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #log: FailureLog | undefined;
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(options: HttpModelClientOptions) {
    this.provider = options.provider;
    this.#openaiAuth = options.openaiAuth;
    this.#gatewayToken = options.gatewayToken;
    this.#bedrockAuth = options.bedrockAuth;
    this.#fetch = options.fetch ?? fetch;
    this.#backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.#sleep = options.sleep ?? sleep;
    this.#random = options.random ?? Math.random;
    this.#log = options.log;
    this.#env = options.env ?? {};
  }

  /** Streams one sampling request; a failure that ends it (retries spent) is logged once, then thrown. */
  async *stream(request: ModelRequest, options: StreamOptions): AsyncGenerator<ModelEvent, void, undefined> {
    let retries = 0;
    const counted: StreamOptions = {
      ...options,
      onRetry: (info) => {
        retries++;
        options.onRetry?.(info);
      },
    };
    try {
      yield* this.#stream(request, counted);
    } catch (error) {
      if (error instanceof ModelError && !options.signal.aborted) {
        this.#log?.warn(
          {
            provider: this.provider.id,
            url: error.url === null ? null : withoutQuery(error.url),
            status: error.httpStatusCode,
            kind: error.kind,
            retries,
            reason: error.message,
          },
          'model request failed',
        );
      }
      throw error;
    }
  }

  async *#stream(request: ModelRequest, options: StreamOptions): AsyncGenerator<ModelEvent, void, undefined> {
    const { signal } = options;
    const body = JSON.stringify(buildRequestBody(request));
    const maxRetries = this.provider.streamMaxRetries;
    for (let retries = 0; ; ) {
      // One controller per attempt, so leaving the loop (done, failed, or the consumer stopped) always ends the fetch.
      const attempt = new AbortController();
      const attemptSignal = AbortSignal.any([signal, attempt.signal]);
      try {
        const justInTime = (await options.requestHeaders?.(attemptSignal)) ?? {};
        const headers = { ...justInTime, ...options.headers };
        const responseBody = await this.#connect(request, body, headers, options, attemptSignal);
        try {
          const idleTimeoutMs = this.provider.streamIdleTimeoutMs;
          const raw = readSseEvents(responseBody, { idleTimeoutMs, signal: attemptSignal });
          yield* readModelEvents(raw);
          return;
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          if (!(error instanceof ModelError) || !error.retryable || retries >= maxRetries) throw error;
          retries++;
          await this.#pause({ phase: 'stream', attempt: retries, maxRetries, error }, options);
        }
      } finally {
        attempt.abort();
      }
    }
  }

  /** Sends the request until it is accepted (2xx with a body), retrying what `request_max_retries` covers. */
  async #connect(
    request: ModelRequest,
    body: string,
    headers: Readonly<Record<string, string>>,
    options: StreamOptions,
    signal: AbortSignal,
  ): Promise<ReadableStream<Uint8Array>> {
    const maxRetries = this.provider.requestMaxRetries;
    for (let retries = 0; ; ) {
      try {
        return await this.#send(request, body, headers, signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (!(error instanceof ModelError) || !error.retryable || retries >= maxRetries) throw error;
        retries++;
        await this.#pause({ phase: 'request', attempt: retries, maxRetries, error }, options);
      }
    }
  }

  /**
   * One HTTP attempt. With ChatGPT tokens (client-managed or in auth.json), a 401 obtains fresh tokens (see
   * {@link OpenaiAuthSource.refreshAfterUnauthorized}) and sends the request once more with them; a second 401, or
   * a refresh that yields nothing, fails with the 401; a refresh the issuer refuses fails with its message.
   */
  async #send(
    request: ModelRequest,
    body: string,
    extraHeaders: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<ReadableStream<Uint8Array>> {
    const auth = this.#loginAuth();
    const login = auth ? await auth.login(signal) : null;
    try {
      return await this.#post(request, body, extraHeaders, signal, login);
    } catch (error) {
      if (auth === null || login === null || !(error instanceof ModelError) || error.kind !== 'unauthorized') throw error;
      let renewed: boolean;
      try {
        renewed = await auth.refreshAfterUnauthorized(login, signal);
      } catch (refreshError) {
        if (signal.aborted) throw signal.reason;
        // The issuer refused the refresh token: its message says to sign in again, which is what the user must do.
        throw new ModelError('unauthorized', refreshError instanceof Error ? refreshError.message : String(refreshError), {
          httpStatusCode: error.httpStatusCode,
          cause: refreshError,
        });
      }
      if (!renewed) throw error;
      return await this.#post(request, body, extraHeaders, signal, await auth.login(signal));
    }
  }

  /** The login source when this provider authenticates with the Codex login rather than a key of its own. */
  #loginAuth(): OpenaiAuthSource | null {
    const { bearerToken, bearerTokenIsFallback, requiresOpenaiAuth } = this.provider;
    if (!requiresOpenaiAuth || this.#openaiAuth === undefined) return null;
    return bearerToken === null || bearerTokenIsFallback ? this.#openaiAuth : null;
  }

  async #post(
    request: ModelRequest,
    body: string,
    extraHeaders: Readonly<Record<string, string>>,
    signal: AbortSignal,
    login: OpenaiLogin | null,
  ): Promise<ReadableStream<Uint8Array>> {
    const { chatgptBaseUrl } = this.provider;
    // Bedrock: the stored login decides the endpoint and authenticates the finished request (bearer or SigV4).
    const bedrock = this.provider.bedrock === null ? null : await resolveBedrockRoute(this.provider.bedrock, this.#bedrockAuth, this.#env);
    const target =
      bedrock !== null
        ? { ...this.provider, baseUrl: bedrock.baseUrl }
        : login?.chatgpt && chatgptBaseUrl !== null
          ? { ...this.provider, baseUrl: chatgptBaseUrl }
          : this.provider;
    const url = responsesUrl(target);
    const bearerToken = login === null ? this.provider.bearerToken : null;
    const gateway = this.#gatewayToken === undefined ? null : await this.#gatewayToken.header(signal);
    const built = buildRequestHeaders(this.provider, request.identity, bearerToken, {
      ...login?.headers,
      ...extraHeaders,
      ...(gateway === null ? {} : { [gateway[0]]: gateway[1] }),
    });
    const headers = bedrock === null ? built : await bedrock.authorize({ method: 'POST', url, headers: built, body });
    let response: Response;
    // A server that accepts the connection but never answers counts as idle, like a stream that stops sending.
    const answer = new AbortController();
    const idleMs = this.provider.streamIdleTimeoutMs;
    const timer = setTimeout(() => answer.abort(timeoutError(idleMs)), idleMs);
    try {
      // Encoded here: given a string, fetch first rescans the whole body for lone surrogates (`toUSVString`) and
      // then encodes it with a TextEncoder, about three times the cost of one Buffer.from for a request that
      // carries the instructions, the tools and the whole history.
      const payload = Buffer.from(body, 'utf8');
      response = await this.#fetch(url, { method: 'POST', headers, body: payload, signal: AbortSignal.any([signal, answer.signal]) });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const cause = answer.signal.aborted ? answer.signal.reason : error;
      const failure = describeConnectionFailure(cause, url, providerSetting(this.provider), this.#env);
      // reqwest's wording, which the reference shows as a stream error, then why and what to check.
      const message = `${STREAM_DISCONNECTED_PREFIX}error sending request for url (${url}): ${failure.explanation}`;
      throw new ModelError('httpConnectionFailed', message, { retryable: true, cause, url });
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => {
        if (signal.aborted) throw signal.reason;
        return '';
      });
      throw httpStatusError(response.status, response.headers, text, url);
    }
    if (response.body === null) throw ModelError.streamDisconnected('response has no body');
    return response.body as ReadableStream<Uint8Array>;
  }

  async #pause(retry: Omit<RetryInfo, 'delayMs'>, options: StreamOptions): Promise<void> {
    const delayMs = retry.error.retryAfterMs ?? backoffDelay(retry.attempt, this.#backoffBaseMs, this.#random);
    options.onRetry?.({ ...retry, delayMs });
    await this.#sleep(delayMs, options.signal);
  }
}

/** What decides where model requests go, for the failure sentence. */
function providerSetting(provider: ResolvedProvider): string {
  if (provider.id === 'openai') return 'OPENAI_BASE_URL / the `openai` provider (or chatgpt_base_url for a ChatGPT login)';
  return `base_url of [model_providers.${provider.id}] in config.toml`;
}

function timeoutError(ms: number): Error {
  const error = new Error(`no response within ${ms} ms (stream_idle_timeout_ms)`);
  error.name = 'TimeoutError';
  return error;
}

/** A URL for the log: query parameters may carry provider keys. */
function withoutQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}
