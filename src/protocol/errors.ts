import { lazySchema } from '../util/lazy-schema.js';
import * as z from 'zod';

/**
 * JSON-RPC error codes the server puts on the wire. The reference uses -32600 for nearly everything a client
 * can get wrong (unknown method, bad params, handshake violations); -32601 only for methods it knows but
 * does not implement.
 */
export const ErrorCode = {
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  Overloaded: -32001,
} as const;

export const JsonRpcErrorBodySchema = lazySchema(() => z
  .object({
    code: z.number().int().meta({ format: 'int64' }),
    message: z.string(),
    data: z.unknown().optional(),
  })
  .meta({ id: 'JSONRPCErrorError' }));
export type JsonRpcErrorBody = z.infer<typeof JsonRpcErrorBodySchema>;

/**
 * An error that goes on the wire as a JSON-RPC error response. Everything a handler throws that is not an
 * RpcError is mapped to -32603 by the router, so internal errors never leak their type, only their message.
 */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RpcError';
    this.code = code;
    this.data = data;
  }

  /** The `error` member of a JSON-RPC error response; `data` only when there is some. */
  toWire(): JsonRpcErrorBody {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** The catalogue of errors with fixed texts, verbatim from the reference. */
export const RpcErrors = {
  notInitialized: () => new RpcError(ErrorCode.InvalidRequest, 'Not initialized'),
  alreadyInitialized: () => new RpcError(ErrorCode.InvalidRequest, 'Already initialized'),
  /** Parameter or method-name problems; `detail` is a serde-style message (see protocol/serde-message.ts). */
  invalidRequest: (detail: string) => new RpcError(ErrorCode.InvalidRequest, `Invalid request: ${detail}`),
  /** Handler-level rejections that the reference words without the `Invalid request:` prefix. */
  badRequest: (message: string) => new RpcError(ErrorCode.InvalidRequest, message),
  experimentalRequired: (descriptor: string) =>
    new RpcError(ErrorCode.InvalidRequest, `${descriptor} requires experimentalApi capability`),
  notSupportedYet: (method: string) => new RpcError(ErrorCode.MethodNotFound, `${method} is not supported yet`),
  overloaded: () => new RpcError(ErrorCode.Overloaded, 'Server overloaded; retry later.'),
  draining: () =>
    new RpcError(ErrorCode.InvalidRequest, 'Server is draining; retry after reconnecting', {
      reason: 'serverShuttingDown',
    }),
  /** turn/steer into a turn that takes no input (a review); `data` is the turn error the client can act on. */
  notSteerable: (kind: 'review' | 'compact') => {
    const message = `cannot steer a ${kind} turn`;
    return new RpcError(ErrorCode.InvalidRequest, message, {
      message,
      codexErrorInfo: { activeTurnNotSteerable: { turnKind: kind } },
      additionalDetails: null,
      misalignment: null,
    });
  },
  /** turn/start while such a turn runs (the reference reports it as an internal error, Rust debug text included). */
  notSteerableSubmission: (kind: 'review' | 'compact') =>
    new RpcError(
      ErrorCode.InternalError,
      `failed to submit turn input: ActiveTurnNotSteerable { turn_kind: ${kind === 'review' ? 'Review' : 'Compact'} }`,
    ),
  internal: (message: string, cause?: unknown) =>
    new RpcError(ErrorCode.InternalError, message, undefined, { cause }),
} as const;
