import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isKnownClientMethod } from '../protocol/method-catalogue.js';
import { RequestTally } from './request-tally.js';
import type { RequestOutcome } from './request-tally.js';

/** Live figures the metrics read when scraped, rather than being told of each change. */
export interface MetricsSources {
  readonly openConnections: () => number;
  readonly initializedConnections: () => number;
  /** Requests received and not yet dispatched, over every connection. */
  readonly queuedRequests: () => number;
  /** Bytes waiting in the outbound queues (back-pressure on slow clients), over every connection. */
  readonly queuedOutboundBytes: () => number;
  readonly activeTurns: () => number;
  readonly loadedThreads: () => number;
}


const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600];

/**
 * The server's Prometheus metrics (beyond the reference), served on `GET /metrics`. One registry per server
 * (not prom-client's global one), so servers started side by side in one process count separately.
 *
 * Label values are bounded: a method the protocol does not know is counted as `unknown` (a hostile client must
 * not be able to create a time series per made-up name), outcomes are `ok` or a JSON-RPC error code, model
 * outcomes an HTTP status class or `network_error`.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #requests: RequestTally;
  readonly #modelRequests: Counter<'outcome'>;
  readonly #modelSeconds: Histogram<'outcome'>;
  readonly #overloadRejections: Counter;
  readonly #outboundCoalesced: Counter;
  readonly #slowClientDisconnects: Counter;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('app_server_connections_open', 'Open client connections (websocket and stdio).', sources.openConnections);
    gauge(
      'app_server_connections_initialized',
      'Connections that completed initialize.',
      sources.initializedConnections,
    );
    gauge('app_server_queued_requests', 'Requests received but not yet dispatched, all connections.', sources.queuedRequests);
    gauge(
      'app_server_outbound_queued_bytes',
      'Bytes waiting for slow clients in the outbound queues, all connections.',
      sources.queuedOutboundBytes,
    );
    gauge('app_server_active_turns', 'Turns running now.', sources.activeTurns);
    gauge('app_server_loaded_threads', 'Threads loaded in memory.', sources.loadedThreads);
    this.#requests = new RequestTally(this.registry, SECONDS_BUCKETS);
    this.#modelRequests = new Counter({
      name: 'app_server_model_requests_total',
      help: 'Requests to the model provider, by outcome (HTTP status class, or network_error).',
      labelNames: ['outcome'],
      registers,
    });
    this.#modelSeconds = new Histogram({
      name: 'app_server_model_request_duration_seconds',
      help: 'Time from sending a model request to its response headers (the stream then runs on).',
      labelNames: ['outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.#overloadRejections = new Counter({
      name: 'app_server_overload_rejections_total',
      help: 'Requests answered -32001 (server overloaded) because their connection had too many queued.',
      registers,
    });
    this.#outboundCoalesced = new Counter({
      name: 'app_server_outbound_events_coalesced_total',
      help: 'Best-effort notifications merged into a later one for a slow client (no content lost).',
      registers,
    });
    this.#slowClientDisconnects = new Counter({
      name: 'app_server_slow_client_disconnects_total',
      help: 'Connections closed (1008) for staying over the outbound byte budget.',
      registers,
    });
  }

  /** Counts one answered request. */
  requestAnswered(method: string, outcome: RequestOutcome, seconds: number): void {
    const label = isKnownClientMethod(method) ? method : 'unknown';
    this.#requests.record(label, outcome, seconds);
  }

  overloadRejected(): void {
    this.#overloadRejections.inc();
  }

  outboundCoalesced(count = 1): void {
    this.#outboundCoalesced.inc(count);
  }

  slowClientDisconnected(): void {
    this.#slowClientDisconnects.inc();
  }

  /**
   * `fetch` that counts model requests and times them to their response headers. The model client takes it as
   * its transport, so the client itself needs no knowledge of metrics.
   */
  observeModelFetch(inner: typeof fetch): typeof fetch {
    return async (input, init) => {
      const started = performance.now();
      const record = (outcome: string) => {
        this.#modelRequests.inc({ outcome });
        this.#modelSeconds.observe({ outcome }, (performance.now() - started) / 1000);
      };
      try {
        const response = await inner(input, init);
        record(`${Math.floor(response.status / 100)}xx`);
        return response;
      } catch (error) {
        record(init?.signal?.aborted ? 'aborted' : 'network_error');
        throw error;
      }
    };
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
