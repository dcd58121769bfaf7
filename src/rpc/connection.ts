import type { RequestId } from '../protocol/common.js';
import { classifyMessage } from '../protocol/envelope.js';
import type { InboundMessage, OutboundMessage } from '../protocol/envelope.js';
import { RpcError, RpcErrors } from '../protocol/errors.js';
import { MAX_MESSAGE_NESTING_DEPTH, nestsDeeperThan } from '../protocol/nesting-depth.js';
import { ClientRequestError, ConnectionClosedError } from '../runtime/clients/client-channel.js';
import type { MessageTransport } from './message-transport.js';
import { DEFAULT_OUTBOUND_LIMITS, OutboundQueue } from './outbound-queue.js';
import type { OutboundLimits, OutboundObserver } from './outbound-queue.js';
import type { Logger } from '../util/logger.js';

/** One inbound request as the dispatcher hands it to the router. */
export interface InboundRequest {
  readonly id: RequestId;
  readonly method: string;
  readonly params: unknown;
}

/**
 * What the router returns for a request: the result, plus work that must happen after the response is on the
 * wire (the reference sends e.g. `remoteControl/status/changed` right after the `initialize` response).
 */
export interface RequestOutcome {
  readonly result: unknown;
  /**
   * When set, `result` is ignored: the answer is this promise's value (or its rejection's error), written once it
   * settles while the next requests are already being handled (`command/exec` answers when its process exits).
   */
  readonly deferred?: Promise<unknown>;
  readonly afterResponse?: readonly (() => void)[];
}

export interface RpcConnectionOptions {
  readonly transport: MessageTransport;
  readonly log: Logger;
  /** Server-wide counter: the reference draws server request ids from one sequence for all connections. */
  readonly nextServerRequestId: () => number;
  /**
   * Answers one request, synchronously when it can. Throwing (or rejecting with) an RpcError answers that
   * JSON-RPC error; anything else becomes -32603.
   */
  readonly handleRequest: (request: InboundRequest) => RequestOutcome | Promise<RequestOutcome>;
  readonly handleNotification: (method: string, params: unknown) => void;
  /** Requests waiting beyond this many are answered -32001 at once instead of being queued. */
  readonly maxQueuedRequests: number;
  /**
   * Whether a request of this method may run while earlier ones of the same connection still run (read-only
   * methods: rpc/overlapping-requests.ts); every request is handled strictly one after another when absent.
   */
  readonly mayOverlap?: (method: string) => boolean;
  /** How many overlapping requests may run at once. */
  readonly maxOverlapping?: number;
  /** Learns of each request answered -32001 because the queue was full. */
  readonly onOverload?: () => void;
  /** Learns of merged output chunks and of a cut-off slow client. */
  readonly outboundObserver?: OutboundObserver;
  /** When a slow client is slowed down and cut off; DEFAULT_OUTBOUND_LIMITS when absent. */
  readonly outboundLimits?: OutboundLimits;
}

/** What a connection holds right now: for tests and diagnostics (everything is zero once it closed). */
export interface ConnectionStats {
  readonly queuedRequests: number;
  readonly pendingServerRequests: number;
  readonly outboundQueuedMessages: number;
  readonly outboundQueuedBytes: number;
  readonly inputPaused: boolean;
}

interface PendingServerRequest {
  readonly method: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One JSON-RPC peer over one transport: parses and classifies inbound text, dispatches requests in arrival
 * order (one at a time, but for runs of reads that may overlap), correlates the answers to server→client
 * requests, and settles everything when the transport closes. It knows no methods; the router does.
 */
export class RpcConnection {
  readonly #options: RpcConnectionOptions;
  readonly #queue: InboundRequest[] = [];
  readonly #pending = new Map<number, PendingServerRequest>();
  readonly #closeListeners: (() => void)[] = [];
  readonly #outbound: OutboundQueue;
  readonly #closing = new AbortController();
  /** True while #drainQueue runs: a request answered inside it can make the outbound side call it again. */
  #dispatching = false;
  /** True while #drainQueue waits for the client to read (it runs again once the backlog cleared). */
  #waitingForWritable = false;
  /** Requests started whose asynchronous handler has not settled yet. */
  #running = 0;
  /** Whether one of them may not overlap: then no other request starts until it settled. */
  #runningExclusive = false;
  #closed = false;

  constructor(options: RpcConnectionOptions) {
    this.#options = options;
    this.#outbound = new OutboundQueue(
      options.transport,
      options.outboundLimits ?? DEFAULT_OUTBOUND_LIMITS,
      options.log,
      options.outboundObserver,
    );
    options.transport.onMessage((text) => this.#receive(text));
    options.transport.onClose((reason) => this.#onTransportClosed(reason));
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  /**
   * Aborts (with a ConnectionClosedError) when the connection is gone: work done only for this client, such as a
   * long read or fetch, listens to it and stops.
   */
  get closedSignal(): AbortSignal {
    return this.#closing.signal;
  }

  get stats(): ConnectionStats {
    return {
      queuedRequests: this.#queue.length,
      pendingServerRequests: this.#pending.size,
      outboundQueuedMessages: this.#outbound.queuedMessages,
      outboundQueuedBytes: this.#outbound.queuedBytes,
      inputPaused: this.#outbound.inputPaused,
    };
  }

  /** Runs once when the connection is gone, after pending server requests were rejected. */
  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#closeListeners.push(listener);
  }

  /**
   * Writes a notification; `emittedAtMs` is added to every one, as the reference does (now, unless a replay gives
   * the original time). `threadSeq`, when given, follows it (ours; see NotificationExtras).
   */
  sendNotification(
    method: string,
    params: unknown,
    extras: { emittedAtMs?: number | undefined; threadSeq?: number | undefined } = {},
  ): void {
    const envelope = { method, params, emittedAtMs: extras.emittedAtMs ?? Date.now() };
    this.#write(extras.threadSeq === undefined ? envelope : { ...envelope, threadSeq: extras.threadSeq });
  }

  /**
   * Sends a server→client request with a fresh integer id and waits for the client's answer. `onSent` learns
   * the id (for `serverRequest/resolved`).
   */
  sendRequest(
    method: string,
    params: unknown,
    signal?: AbortSignal,
    onSent?: (id: number) => void,
  ): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ConnectionClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.#options.nextServerRequestId();
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = () => {
        if (this.#pending.delete(id)) reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(fn: (value: T) => void) => (value: T) => {
        signal?.removeEventListener('abort', onAbort);
        fn(value);
      };
      this.#pending.set(id, { method, resolve: settle(resolve), reject: settle(reject) });
      this.#write({ method, id, params });
      onSent?.(id);
    });
  }

  /** Closes the transport; pending server requests are rejected with ConnectionClosedError. */
  close(reason = 'closed by server'): void {
    this.#options.transport.close(reason);
  }

  #receive(text: string): void {
    // As the reference's parser does; it also keeps deep structures from overflowing the stack of handlers.
    if (nestsDeeperThan(text, MAX_MESSAGE_NESTING_DEPTH)) {
      this.#options.log.error('Failed to deserialize JSONRPCMessage: recursion limit exceeded');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      this.#options.log.error({ err: (error as Error).message }, 'Failed to deserialize JSONRPCMessage');
      return;
    }
    const message = classifyMessage(parsed);
    if (!message) {
      this.#options.log.error('Failed to deserialize JSONRPCMessage: not a JSON-RPC request, notification or response');
      return;
    }
    this.#route(message);
  }

  #route(message: InboundMessage): void {
    switch (message.kind) {
      case 'request':
        if (this.#queue.length >= this.#options.maxQueuedRequests) {
          this.#write({ error: RpcErrors.overloaded().toWire(), id: message.id });
          this.#options.onOverload?.();
          return;
        }
        this.#queue.push(message);
        this.#drainQueue();
        return;
      case 'notification':
        try {
          this.#options.handleNotification(message.method, message.params);
        } catch (error) {
          this.#options.log.error({ err: error, method: message.method }, 'notification handler failed');
        }
        return;
      case 'response':
      case 'error': {
        const pending = typeof message.id === 'number' ? this.#pending.get(message.id) : undefined;
        if (!pending || typeof message.id !== 'number') {
          this.#options.log.warn({ id: message.id }, 'could not find callback for response; dropping it');
          return;
        }
        this.#pending.delete(message.id);
        if (message.kind === 'response') pending.resolve(message.result);
        else pending.reject(new ClientRequestError(message.error.code, message.error.message, message.error.data));
        return;
      }
    }
  }

  /**
   * Starts queued requests in arrival order, so a client's order is the order of effects. A handler that answers
   * synchronously is answered in the same tick (most are: this is the hot path). An asynchronous one holds the
   * queue until it settles, unless it and the requests after it may overlap (`mayOverlap`, read-only methods): a
   * run of those runs side by side, each answered when ready, and the next other request waits for all of them.
   * While the client is behind on reading, no further request is started (its answer would only wait in memory):
   * the queue fills, and requests beyond its bound get -32001.
   *
   * Nothing a handler does can stop the loop: a throw or rejection becomes that request's error answer, and
   * answering itself never throws (see #respond), so every settled request lets the queue move on.
   */
  #drainQueue(): void {
    if (this.#dispatching || this.#waitingForWritable) return;
    this.#dispatching = true;
    while (this.#queue.length > 0 && !this.#closed) {
      if (this.#outbound.backlogged) {
        this.#waitingForWritable = true;
        this.#outbound.whenWritable(() => {
          this.#waitingForWritable = false;
          this.#drainQueue();
        });
        break;
      }
      const request = this.#queue[0] as InboundRequest;
      const overlaps = this.#options.mayOverlap?.(request.method) ?? false;
      if (this.#running > 0) {
        if (this.#runningExclusive || !overlaps) break;
        if (this.#running >= (this.#options.maxOverlapping ?? 1)) break;
      }
      this.#queue.shift();
      this.#dispatch(request, overlaps);
    }
    this.#dispatching = false;
  }

  #dispatch(request: InboundRequest, overlaps: boolean): void {
    let outcome: RequestOutcome | Promise<RequestOutcome>;
    try {
      outcome = this.#options.handleRequest(request);
    } catch (error) {
      this.#fail(request, error);
      return;
    }
    if (!(outcome instanceof Promise)) {
      this.#respond(request, outcome);
      return;
    }
    this.#running += 1;
    if (!overlaps) this.#runningExclusive = true;
    // Both callbacks never throw, so the chain cannot end in an unhandled rejection.
    void outcome
      .then(
        (settled) => this.#respond(request, settled),
        (error: unknown) => this.#fail(request, error),
      )
      .then(() => {
        this.#running -= 1;
        if (!overlaps) this.#runningExclusive = false;
        this.#drainQueue();
      });
  }

  /**
   * Writes a request's answer, then runs its after-response work. Never throws: a result that cannot be
   * serialized (a cycle, a BigInt) is answered -32603 instead, and a failing after-response task is logged and
   * does not keep the others from running.
   */
  #respond(request: InboundRequest, outcome: RequestOutcome): void {
    const { deferred, afterResponse } = outcome;
    if (deferred !== undefined) {
      // Both callbacks never throw, so the chain cannot end in an unhandled rejection.
      void deferred.then(
        (result) => this.#respond(request, afterResponse === undefined ? { result } : { result, afterResponse }),
        (error: unknown) => this.#fail(request, error),
      );
      return;
    }
    try {
      this.#write({ id: request.id, result: outcome.result });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#fail(request, new Error(`the result could not be serialized: ${reason}`, { cause: error }));
      return;
    }
    for (const task of afterResponse ?? []) this.#runAfterResponse(request, task);
  }

  #runAfterResponse(request: InboundRequest, task: () => void): void {
    const failed = (error: unknown) =>
      this.#options.log.error({ err: error, method: request.method }, 'work after a response failed');
    try {
      // Typed as synchronous, but an async function fits that type too: its rejection is caught the same way.
      const returned: unknown = task();
      if (returned instanceof Promise) returned.catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  /** Writes a request's error answer. Never throws (an answer that cannot be written is logged). */
  #fail(request: InboundRequest, error: unknown): void {
    const rpcError =
      error instanceof RpcError ? error : RpcErrors.internal(error instanceof Error ? error.message : String(error));
    if (!(error instanceof RpcError)) {
      this.#options.log.error({ err: error, method: request.method }, 'request handler failed');
    }
    try {
      this.#write({ error: rpcError.toWire(), id: request.id });
    } catch (writeError) {
      // An error's `data` may fail to serialize: the client still gets an answer, without it. (Should the transport
      // itself throw, that is logged too: nothing more can be written.)
      this.#options.log.error({ err: writeError, method: request.method }, 'could not write an error answer');
      try {
        this.#write({ error: RpcErrors.internal(String(writeError)).toWire(), id: request.id });
      } catch (fallbackError) {
        this.#options.log.error({ err: fallbackError, method: request.method }, 'could not write any answer');
      }
    }
  }

  #write(message: OutboundMessage): void {
    if (this.#closed) return;
    this.#outbound.push(message);
  }

  #onTransportClosed(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#outbound.close();
    this.#options.log.debug({ reason }, 'connection closed');
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) request.reject(new ConnectionClosedError());
    this.#closing.abort(new ConnectionClosedError());
    for (const listener of this.#closeListeners.splice(0)) listener();
  }
}
