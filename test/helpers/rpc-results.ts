import assert from 'node:assert/strict';
import type { RpcErrorBody, RpcResponse } from './protocol-types.js';

/** A response as the untyped `RpcTestClient.request` returns it. */
type AnyMessage = Record<string, unknown>;

/**
 * An error response to a typed call, thrown by `RpcTestClient.call`. Carries the server's `code`, `message` and
 * `data` as own fields, so `assert.rejects(client.call(...), { code: -32600, message: '...' })` matches on them.
 */
export class RpcError extends Error {
  readonly code: number;
  readonly data?: unknown;
  /** The request method that failed, for the test's failure message. */
  readonly method: string;

  constructor(method: string, body: RpcErrorBody) {
    super(body.message);
    this.name = 'RpcError';
    this.code = body.code;
    this.method = method;
    if ('data' in body) this.data = body.data;
  }
}

/** True when a typed response is an error (narrows it). */
export function isErrorResponse<R>(response: RpcResponse<R>): response is Extract<RpcResponse<R>, { error: RpcErrorBody }> {
  return response.error !== undefined;
}

/** The result of a response, failing the test with the error when there is one. */
export function resultOf<R>(response: RpcResponse<R>): R;
export function resultOf(response: AnyMessage): Record<string, unknown>;
export function resultOf(response: AnyMessage): unknown {
  assert.ok('result' in response, `expected a result, got ${JSON.stringify(response)}`);
  return response.result;
}

/** The error of a response, failing the test when it succeeded. */
export function errorOf(response: { readonly error?: unknown }): RpcErrorBody {
  assert.ok(response.error, `expected an error, got ${JSON.stringify(response)}`);
  return response.error as RpcErrorBody;
}
