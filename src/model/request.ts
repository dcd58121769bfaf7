import type { ResolvedProvider } from './provider.js';

/**
 * One sampling request of a turn, in the agent loop's terms. The turn runner builds it from thread state;
 * {@link buildRequestBody} and {@link buildRequestHeaders} turn it into what goes on the wire.
 */
export interface ModelRequest {
  /** The model slug (`model` in the body). */
  readonly model: string;
  /**
   * The whole history to send (Responses API items, store=false), verbatim: base instructions as the first
   * developer message, earlier turns' items exactly as received, this turn's user message, tool outputs.
   */
  readonly input: readonly unknown[];
  /** Tool specs (`function`, `custom`, `web_search`, …), verbatim. */
  readonly tools: readonly unknown[];
  /** Default true, like the reference. */
  readonly parallelToolCalls?: boolean;
  /** The thread's service tier (`service_tier`, e.g. `flex`); absent when it has none. */
  readonly serviceTier?: string;
  /**
   * e.g. `{ effort: 'medium' }` or `{ summary: 'auto' }`. When present, the body also asks for
   * `include: ["reasoning.encrypted_content"]` so reasoning items can be sent back on the next request.
   */
  readonly reasoning?: Readonly<Record<string, unknown>>;
  /** `text` controls, e.g. `{ verbosity: 'low' }` for catalogue models that support verbosity. */
  readonly text?: Readonly<Record<string, unknown>>;
  /** The thread id, in the reference. */
  readonly promptCacheKey: string;
  /** `client_metadata` (turn_id, session_id, thread_id, x-codex-window-id, …). */
  readonly clientMetadata?: Readonly<Record<string, string>>;
  /** Who is asking; becomes the per-request identity headers. */
  readonly identity: RequestIdentity;
}

/** The identity headers of a request. */
export interface RequestIdentity {
  /** Sent as `thread-id` and `x-client-request-id` (and `session-id` when there is no `sessionId`). */
  readonly threadId: string;
  /** Sent as `session-id`: the root thread's id, which a sub-agent's requests carry instead of their own. */
  readonly sessionId?: string;
  /** `originator`: the initializing client's `clientInfo.name` (the reference's default is `codex_cli_rs`). */
  readonly originator: string;
  /** `user-agent`: the same string `initialize` returns as `userAgent`. */
  readonly userAgent: string;
}

/** The reference's `include` value when reasoning is requested. */
export const REASONING_INCLUDE = ['reasoning.encrypted_content'] as const;

/**
 * The JSON body of `POST /responses`, keys in the reference's order: `model`, `stream`, `service_tier` (only
 * when the thread has one [observed]), `input`, `tools`,
 * `tool_choice`, `parallel_tool_calls`, `reasoning`, `store`, `include`, `prompt_cache_key`, `text` (only when
 * given), `client_metadata` (only when given). Without reasoning the reference sends `reasoning: null` and
 * `include: []` (its serializer always writes both). `input` and `tools` are the caller's arrays, not copies.
 */
export function buildRequestBody(request: ModelRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    stream: true,
    ...(request.serviceTier === undefined ? {} : { service_tier: request.serviceTier }),
    input: request.input,
    tools: request.tools,
    tool_choice: 'auto',
    parallel_tool_calls: request.parallelToolCalls ?? true,
    reasoning: request.reasoning ?? null,
    store: false,
    include: request.reasoning === undefined ? [] : [...REASONING_INCLUDE],
    prompt_cache_key: request.promptCacheKey,
  };
  if (request.text !== undefined) body.text = request.text;
  if (request.clientMetadata !== undefined) body.client_metadata = request.clientMetadata;
  return body;
}

/**
 * `{baseUrl}/responses`, then `?k=v&…` from the provider's `query_params`, joined as the reference joins them
 * (not percent-encoded: values like `api-version=2025-04-01-preview` are sent as written).
 */
export function responsesUrl(provider: Pick<ResolvedProvider, 'baseUrl' | 'queryParams'>): string {
  const url = `${provider.baseUrl.replace(/\/+$/, '')}/responses`;
  const query = Object.entries(provider.queryParams)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  return query === '' ? url : `${url}?${query}`;
}

/**
 * The headers of one request, names lower-cased, later sources winning: `accept: text/event-stream`,
 * `content-type: application/json`, `authorization: Bearer <key>` (when `bearerToken` is not null),
 * `originator`, `user-agent`, `session-id`, `thread-id`, `x-client-request-id`, then the provider's
 * `http_headers`/`env_http_headers`, then `extra` (e.g. `x-oai-attestation`, `x-codex-turn-metadata`,
 * `x-codex-window-id`, or login headers).
 */
export function buildRequestHeaders(
  provider: Pick<ResolvedProvider, 'httpHeaders'>,
  identity: RequestIdentity,
  bearerToken: string | null,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    'content-type': 'application/json',
  };
  if (bearerToken !== null) headers.authorization = `Bearer ${bearerToken}`;
  headers.originator = identity.originator;
  headers['user-agent'] = identity.userAgent;
  headers['session-id'] = identity.sessionId ?? identity.threadId;
  headers['thread-id'] = identity.threadId;
  headers['x-client-request-id'] = identity.threadId;
  for (const source of [provider.httpHeaders, extra]) {
    for (const [name, value] of Object.entries(source)) headers[name.toLowerCase()] = value;
  }
  return headers;
}
