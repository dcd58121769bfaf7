import type * as z from 'zod';
import { BackendRequestError, type ChatgptBackend } from '../../auth/chatgpt-backend.js';
import { statusLine } from '../../model/errors.js';

/** Who asks ChatGPT's backend about apps: the signed-in backend and the client's originator. */
export interface AppBackendScope {
  readonly backend: ChatgptBackend;
  readonly originator: string;
}

export interface AppBackendRequest {
  readonly method: 'GET' | 'POST';
  /** The path under `chatgpt_base_url`, with its query. */
  readonly path: string;
  readonly body?: unknown;
  /** Headers besides the originator and the product SKU every apps request carries. */
  readonly headers?: Record<string, string>;
  readonly timeoutMs: number;
}

/**
 * One JSON request of the app directory or metadata reads, its failures worded as the reference words them (the
 * caller prefixes them): `Failed to send request`, `Request failed with status <status>: <body>`, `Failed to parse
 * JSON response`, each thrown as the caller's error class.
 */
export async function appBackendJson<S extends z.ZodType>(
  scope: AppBackendScope,
  request: AppBackendRequest,
  schema: S,
  failure: new (message: string) => Error,
): Promise<z.output<S>> {
  const url = `${scope.backend.baseUrl.replace(/\/+$/, '')}/${request.path}`;
  let answer;
  try {
    answer = await scope.backend.exchange(request.method, url, {
      ...(request.body === undefined ? {} : { body: request.body }),
      headers: { originator: scope.originator, 'oai-product-sku': 'codex', ...request.headers },
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    if (error instanceof BackendRequestError || error instanceof DOMException) throw new failure('Failed to send request');
    throw error;
  }
  if (answer.status < 200 || answer.status > 299) {
    throw new failure(`Request failed with status ${statusLine(answer.status)}: ${answer.body}`);
  }
  let parsed;
  try {
    parsed = schema.safeParse(JSON.parse(answer.body));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) throw new failure('Failed to parse JSON response');
  return parsed.data;
}
