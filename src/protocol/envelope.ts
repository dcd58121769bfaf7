import type { JsonRpcErrorBody } from './errors.js';
import type { RequestId } from './common.js';

/**
 * The four message shapes of the app-server dialect (JSON-RPC 2.0 without the `jsonrpc` member), classified
 * by their keys as the reference's untagged enum does. A present `jsonrpc` member is tolerated and ignored.
 */
export type InboundMessage =
  | { kind: 'request'; id: RequestId; method: string; params: unknown }
  | { kind: 'notification'; method: string; params: unknown }
  | { kind: 'response'; id: RequestId; result: unknown }
  | { kind: 'error'; id: RequestId; error: JsonRpcErrorBody };

/**
 * Request ids are strings or integers. The reference drops a message whose id is null, a float or a boolean
 * (serde finds no matching variant), so we do too.
 */
function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
}

function isErrorBody(value: unknown): value is JsonRpcErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.code === 'number' && Number.isInteger(body.code) && typeof body.message === 'string';
}

/**
 * Classifies parsed JSON. Returns null for anything that is not one of the four shapes (arrays, i.e. batches,
 * scalars, objects without `method`/`result`/`error`, bad ids): the caller logs and drops those without a
 * reply, which is what the reference does.
 */
export function classifyMessage(value: unknown): InboundMessage | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const message = value as Record<string, unknown>;
  const hasId = 'id' in message;
  if (typeof message.method === 'string') {
    if (!hasId) return { kind: 'notification', method: message.method, params: message.params };
    if (!isRequestId(message.id)) return null;
    return { kind: 'request', id: message.id, method: message.method, params: message.params };
  }
  if ('method' in message || !hasId || !isRequestId(message.id)) return null;
  if ('result' in message) return { kind: 'response', id: message.id, result: message.result };
  if (isErrorBody(message.error)) return { kind: 'error', id: message.id, error: message.error };
  return null;
}

/** What the server writes. Key order follows the reference's output, which helps byte-level diffing. */
export type OutboundMessage =
  | { id: RequestId; result: unknown }
  | { error: JsonRpcErrorBody; id: RequestId }
  | { method: string; id: number; params: unknown }
  | { method: string; params: unknown; emittedAtMs: number; threadSeq?: number };
