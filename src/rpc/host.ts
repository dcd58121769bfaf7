import type { HandlerTable } from '../handlers/context.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { ClientNotifications } from '../protocol/registry.js';
import type {
  NotificationDefinition,
  NotificationParamsOf,
  ParamsOf,
  RequestDefinition,
} from '../protocol/registry-types.js';
import { ConnectionClosedError } from '../runtime/clients/client-channel.js';
import type { Broadcaster } from '../runtime/clients/broadcast.js';
import type { NotificationExtras } from '../runtime/clients/client-channel.js';
import type { MessageTransport } from './message-transport.js';
import type { Logger } from '../util/logger.js';
import { RpcConnection } from './connection.js';
import { observeRequest } from './observed-request.js';
import { MAX_OVERLAPPING_REQUESTS, mayOverlap } from './overlapping-requests.js';
import type { ConnectionStats, InboundRequest } from './connection.js';
import type { OutboundLimits } from './outbound-queue.js';
import { Router } from './router.js';
import { Session } from './session.js';

export interface RpcHostOptions {
  readonly handlers: HandlerTable;
  readonly log: Logger;
  /**
   * Per-connection bound on requests waiting for dispatch; beyond it requests get -32001. Default 128, the
   * reference's CHANNEL_CAPACITY.
   */
  readonly maxQueuedRequestsPerConnection?: number;
  /** Counts requests and overload rejections when the server exposes metrics. */
  readonly metrics?: ServerMetrics;
  /** Slow-client limits of every connection (DEFAULT_OUTBOUND_LIMITS when absent). */
  readonly outboundLimits?: OutboundLimits;
}

/**
 * The JSON-RPC side of the server, shared by every transport: it turns each attached transport into a
 * connection with its own session, hands out server-wide connection and server-request ids, and knows which
 * connections are live so shutdown can close them and broadcasts reach them.
 */
export class RpcHost implements Broadcaster {
  readonly #router: Router;
  readonly #log: Logger;
  readonly #maxQueued: number;
  readonly #metrics: ServerMetrics | undefined;
  readonly #outboundLimits: OutboundLimits | undefined;
  readonly #connections = new Map<number, RpcConnection>();
  readonly #sessions = new Map<number, Session>();
  #nextConnectionId = 0;
  #nextServerRequestId = 0;
  #draining = false;

  constructor(options: RpcHostOptions) {
    this.#log = options.log;
    this.#metrics = options.metrics;
    this.#maxQueued = options.maxQueuedRequestsPerConnection ?? 128;
    this.#outboundLimits = options.outboundLimits;
    this.#router = new Router({ handlers: options.handlers, isDraining: () => this.#draining });
  }

  /** Number of live connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Number of live connections that completed `initialize`. */
  get initializedConnectionCount(): number {
    let count = 0;
    for (const session of this.#sessions.values()) if (session.isInitialized) count++;
    return count;
  }

  /** Requests received and not yet dispatched, over every live connection. */
  get queuedRequestCount(): number {
    let count = 0;
    for (const connection of this.#connections.values()) count += connection.stats.queuedRequests;
    return count;
  }

  /** What each live connection holds, in connection order (tests check that nothing piles up or leaks). */
  connectionStats(): ConnectionStats[] {
    return [...this.#connections.values()].map((connection) => connection.stats);
  }

  /** Starts speaking JSON-RPC on a transport. The connection lives until the transport closes. */
  attach(transport: MessageTransport): Session {
    const connectionId = this.#nextConnectionId++;
    const log = this.#log.child({ connectionId });
    let session: Session | undefined;
    const route = (request: InboundRequest) => {
      if (!session) throw new Error('session not ready');
      return this.#router.route(session, request, log);
    };
    const metrics = this.#metrics;
    const connection = new RpcConnection({
      transport,
      log,
      maxQueuedRequests: this.#maxQueued,
      mayOverlap,
      maxOverlapping: MAX_OVERLAPPING_REQUESTS,
      ...(this.#outboundLimits === undefined ? {} : { outboundLimits: this.#outboundLimits }),
      nextServerRequestId: () => this.#nextServerRequestId++,
      handleRequest: metrics ? (request) => observeRequest(metrics, request, route) : route,
      onOverload: () => this.#metrics?.overloadRejected(),
      outboundObserver: {
        coalesced: () => this.#metrics?.outboundCoalesced(),
        slowClientDisconnected: () => this.#metrics?.slowClientDisconnected(),
      },
      handleNotification: (method) => {
        // `initialized` needs no action (requests are served as soon as `initialize` was answered); any other
        // client notification is ignored, as the reference does.
        if (method !== ClientNotifications.initialized.method) log.debug({ method }, 'ignoring client notification');
      },
    });
    session = new Session(connectionId, connection);
    this.#connections.set(connectionId, connection);
    this.#sessions.set(connectionId, session);
    connection.onClose(() => {
      this.#connections.delete(connectionId);
      this.#sessions.delete(connectionId);
    });
    log.info({ transport: transport.description }, 'client connected');
    return session;
  }

  /** From now on requests are refused with the draining error; `/readyz` reports 503. */
  beginDrain(): void {
    this.#draining = true;
  }

  get isDraining(): boolean {
    return this.#draining;
  }

  /**
   * Sends a notification to every live connection that has completed `initialize` (before that, a client gets
   * nothing but responses), in connection order, subject to each one's opt-outs.
   */
  broadcast<D extends NotificationDefinition>(
    definition: D,
    params: NotificationParamsOf<D>,
    extras?: NotificationExtras,
  ): void {
    for (const session of this.#sessions.values()) {
      if (session.isInitialized) session.notify(definition, params, extras);
    }
  }

  /**
   * Sends one server request to every initialized connection and settles with the first answer (a result or the
   * client's error), as the reference's un-targeted requests do (`account/chatgptAuthTokens/refresh`); the copies
   * still pending are then withdrawn. Connections that close meanwhile do not count; with none left (or none to
   * begin with) it rejects with ConnectionClosedError.
   */
  requestFromClients<D extends RequestDefinition>(definition: D, params: ParamsOf<D>, signal: AbortSignal): Promise<unknown> {
    const sessions = [...this.#sessions.values()].filter((session) => session.isInitialized && session.isOpen);
    if (sessions.length === 0) return Promise.reject(new ConnectionClosedError());
    const withdraw = new AbortController();
    const combined = AbortSignal.any([signal, withdraw.signal]);
    return new Promise<unknown>((resolve, reject) => {
      let closed = 0;
      for (const session of sessions) {
        session.request(definition.method, params, { signal: combined }).then(
          (result) => {
            withdraw.abort();
            resolve(result);
          },
          (error: unknown) => {
            if (error instanceof ConnectionClosedError && ++closed < sessions.length) return;
            withdraw.abort();
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      }
    });
  }

  /** Closes every live connection; their pending server requests are settled as "connection closed". */
  closeAll(reason: string): void {
    for (const connection of [...this.#connections.values()]) connection.close(reason);
  }
}
