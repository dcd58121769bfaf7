import type { NotificationDefinition, NotificationParamsOf } from '../../protocol/registry-types.js';

/**
 * Envelope members sent beside `method` and `params`. `emittedAtMs` is the reference's (defaults to now; a replay
 * keeps the original time); `threadSeq` is ours (docs/reliability.md#reconnect-and-replay), sent only to clients that
 * opted into the experimental API.
 */
export interface NotificationExtras {
  readonly threadSeq?: number;
  readonly emittedAtMs?: number;
}

/**
 * How the runtime reaches one client: notifications and server→client requests. Implemented by the rpc layer
 * (rpc/session.ts) so that threads, approvals and attestation never import connection code.
 */
export interface ClientChannel {
  /** Server-wide unique, increasing in connection order (attestation asks the lowest capable id). */
  readonly connectionId: number;
  /** Sends a notification unless the client opted out of its method. Dropped silently once closed. */
  notify<D extends NotificationDefinition>(
    definition: D,
    params: NotificationParamsOf<D>,
    extras?: NotificationExtras,
  ): void;
  /**
   * Sends a server→client request and resolves with the client's `result`. Rejects with
   * `ClientRequestError` when the client answers an error, `ConnectionClosedError` when the connection goes
   * first, and the signal's reason when aborted. `onSent` learns the request's id once it is written.
   */
  request(
    method: string,
    params: unknown,
    options?: { signal?: AbortSignal; onSent?: (requestId: number) => void },
  ): Promise<unknown>;
  /** True until the connection closes. */
  readonly isOpen: boolean;
  /** Whether the client opted into the experimental API (experimental fields of server requests go to it). */
  readonly experimentalApi: boolean;
  /** Whether the client opted into `attestation/generate` requests (`capabilities.requestAttestation`). */
  readonly requestAttestation: boolean;
  /** Runs `listener` once when the connection closes (at once if it already has). */
  onClose(listener: () => void): void;
}

/** The client answered a server request with a JSON-RPC error. */
export class ClientRequestError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'ClientRequestError';
    this.code = code;
    this.data = data;
  }
}

/** The connection closed while a server request was waiting for its answer. */
export class ConnectionClosedError extends Error {
  constructor(message = 'connection closed') {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}
