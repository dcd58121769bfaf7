import type * as z from 'zod';
import { statusLine } from '../model/errors.js';
import { serdeMessage } from '../protocol/serde-message.js';
import { authHeaders, type ChatgptCredentials } from './codex-auth.js';

/** A ChatGPT login, the only kind the backend accepts. */
export type ChatgptLogin = ChatgptCredentials & { readonly mode: 'chatgpt' | 'chatgptAuthTokens' };

export interface ChatgptBackendOptions {
  readonly chatgptBaseUrl: string;
  /** The caller's user agent (`<client>/<version> (<os>) <terminal> (<client>; <client version>)`). */
  readonly userAgent: string;
  readonly fetch: typeof fetch;
  readonly signal?: AbortSignal;
}

/**
 * A backend request that failed, worded as the reference words it: `GET <url> failed: 404 Not Found;
 * content-type=…; body=…` for a refused request, `error sending request for url (<url>)` when the backend could not
 * be reached, `Decode error for <url>: …` when the answer did not parse. `status` is the HTTP status when there was
 * one (callers map some statuses to answers, e.g. 404 as "feature disabled").
 */
export class BackendRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The base URL trimmed, with `/backend-api` added to a bare chatgpt.com host, as the reference's backend client does. */
function normalizedBase(chatgptBaseUrl: string): string {
  const base = chatgptBaseUrl.replace(/\/+$/, '');
  const isChatgptHost = base.startsWith('https://chatgpt.com') || base.startsWith('https://chat.openai.com');
  return isChatgptHost && !base.includes('/backend-api') ? `${base}/backend-api` : base;
}

/**
 * A path on the backend in the reference's two styles: under `/wham/…` on the ChatGPT backend (a base containing
 * `/backend-api`), under `/api/codex/…` on a Codex API base. `path` is the part both share (e.g. `profiles/me`).
 */
export function chatgptBackendUrl(chatgptBaseUrl: string, path: string): string {
  const base = normalizedBase(chatgptBaseUrl);
  return base.includes('/backend-api') ? `${base}/wham/${path}` : `${base}/api/codex/${path}`;
}

/** A path under `/wham/` whatever the base (the security-setup reminder is only served there). */
export function chatgptWhamUrl(chatgptBaseUrl: string, path: string): string {
  return `${normalizedBase(chatgptBaseUrl)}/wham/${path}`;
}

interface BackendAnswer {
  readonly body: string;
  readonly contentType: string;
}

/** A backend's answer, whatever its status. */
export interface BackendExchange extends BackendAnswer {
  readonly status: number;
}

/**
 * Requests to the ChatGPT backend on behalf of one login: the access token, the `chatgpt-account-id` routing header
 * and the caller's user agent on every request, JSON bodies for POSTs.
 */
export class ChatgptBackend {
  readonly #auth: ChatgptLogin;
  readonly #options: ChatgptBackendOptions;

  constructor(auth: ChatgptLogin, options: ChatgptBackendOptions) {
    this.#auth = auth;
    this.#options = options;
  }

  get baseUrl(): string {
    return this.#options.chatgptBaseUrl;
  }

  /** `GET url`, decoded with `schema`. */
  async getJson<S extends z.ZodType>(
    url: string,
    schema: S,
    options: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<z.output<S>> {
    const answer = await this.#send('GET', url, undefined, options);
    return decode(url, answer, schema);
  }

  /** `POST url` with a JSON body; the answer's body is decoded with `schema`, or ignored without one. */
  async postJson<S extends z.ZodType>(
    url: string,
    body: unknown,
    schema: S,
    options: { signal?: AbortSignal } = {},
  ): Promise<z.output<S>> {
    const answer = await this.#send('POST', url, body, options);
    return decode(url, answer, schema);
  }

  /** `POST url` with a JSON body, for endpoints whose success carries nothing the caller reads. */
  async post(url: string, body: unknown, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#send('POST', url, body, options);
  }

  /**
   * Sends a request and hands back the answer whatever its status; only a backend that could not be reached fails
   * (`error sending request for url (<url>)`). For callers that word refused requests their own way.
   */
  async exchange(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<BackendExchange> {
    const headers: Record<string, string> = {
      'user-agent': this.#options.userAgent,
      ...authHeaders(this.#auth),
      ...options.headers,
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const signals = [this.#options.signal, options.signal].filter((signal) => signal !== undefined);
    let response: Response;
    try {
      response = await this.#options.fetch(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new BackendRequestError(`error sending request for url (${url})`, null, { cause: error });
    }
    return { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') ?? '' };
  }

  async #send(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    options: { headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<BackendAnswer> {
    const answer = await this.exchange(method, url, { body, ...options });
    if (answer.status < 200 || answer.status > 299) {
      throw new BackendRequestError(
        `${method} ${url} failed: ${statusLine(answer.status)}; content-type=${answer.contentType}; body=${answer.body}`,
        answer.status,
      );
    }
    return answer;
  }
}

function decode<S extends z.ZodType>(url: string, answer: BackendAnswer, schema: S): z.output<S> {
  let raw: unknown;
  let problem: string;
  try {
    raw = JSON.parse(answer.body);
    const parsed = schema.safeParse(raw, { reportInput: true });
    if (parsed.success) return parsed.data;
    problem = serdeMessage(schema, raw, parsed.error.issues);
  } catch {
    problem = 'expected value';
  }
  throw new BackendRequestError(
    `Decode error for ${url}: ${problem}; content-type=${answer.contentType}; body=${answer.body}`,
    null,
  );
}

/** Rejects with `message` (the reference's "… timed out" text) when `work` outlasts `ms`; the timer is always cleared. */
export async function withTimeout<T>(
  ms: number,
  message: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new BackendTimeoutError(message));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A backend request that took longer than the reference allows. */
export class BackendTimeoutError extends Error {}
