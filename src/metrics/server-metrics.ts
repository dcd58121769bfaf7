import type { Counter, Histogram, Registry } from 'prom-client';
import { isKnownClientMethod } from '../protocol/method-catalogue.js';
import { loadPromClient } from './prom-client-module.js';
import type { PromClient } from './prom-client-module.js';
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
 * Events counted before the registry exists, replayed into it when it is built. Bounded: reaching this many
 * starts building it (which takes a moment, during which a few more may queue).
 */
const MAX_UNREGISTERED_EVENTS = 1024;

/** The prom-client side of the metrics, built when first needed. */
interface BuiltMetrics {
  readonly registry: Registry;
  readonly modelRequests: Counter<'outcome'>;
  readonly modelSeconds: Histogram<'outcome'>;
  readonly overloadRejections: Counter;
  readonly outboundCoalesced: Counter;
  readonly slowClientDisconnects: Counter;
}

/**
 * The server's Prometheus metrics (beyond the reference), served on `GET /metrics`. One registry per server
 * (not prom-client's global one), so servers started side by side in one process count separately.
 *
 * Label values are bounded: a method the protocol does not know is counted as `unknown` (a hostile client must
 * not be able to create a time series per made-up name), outcomes are `ok` or a JSON-RPC error code, model
 * outcomes an HTTP status class or `network_error`.
 *
 * prom-client is not needed to count: requests are tallied in plain numbers (RequestTally), and the rarer events
 * wait in a short queue until the registry exists. It is built (prom-client loaded, Node's default metrics
 * started) on the first scrape, when that queue fills, or when `prepare` is called; the server calls it as an idle
 * chore shortly after start-up, so start-up does not pay for it and the default metrics (GC, event loop) observe
 * the process from then on.
 */
export class ServerMetrics {
  readonly #sources: MetricsSources;
  readonly #requests = new RequestTally(SECONDS_BUCKETS);
  #built: BuiltMetrics | undefined;
  #building: Promise<BuiltMetrics> | undefined;
  #unregistered: Array<(built: BuiltMetrics) => void> = [];

  constructor(sources: MetricsSources) {
    this.#sources = sources;
  }

  /** Builds the registry now if it is not built yet (resolves when it is). */
  async prepare(): Promise<void> {
    await this.#registry();
  }

  /** Counts one answered request. */
  requestAnswered(method: string, outcome: RequestOutcome, seconds: number): void {
    const label = isKnownClientMethod(method) ? method : 'unknown';
    this.#requests.record(label, outcome, seconds);
  }

  overloadRejected(): void {
    this.#count((built) => built.overloadRejections.inc());
  }

  outboundCoalesced(count = 1): void {
    this.#count((built) => built.outboundCoalesced.inc(count));
  }

  slowClientDisconnected(): void {
    this.#count((built) => built.slowClientDisconnects.inc());
  }

  /**
   * `fetch` that counts model requests and times them to their response headers. The model client takes it as
   * its transport, so the client itself needs no knowledge of metrics.
   */
  observeModelFetch(inner: typeof fetch): typeof fetch {
    return async (input, init) => {
      const started = performance.now();
      const record = (outcome: string) => {
        const seconds = (performance.now() - started) / 1000;
        this.#count((built) => {
          built.modelRequests.inc({ outcome });
          built.modelSeconds.observe({ outcome }, seconds);
        });
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
    const { registry } = await this.#registry();
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  #count(event: (built: BuiltMetrics) => void): void {
    if (this.#built !== undefined) {
      event(this.#built);
      return;
    }
    this.#unregistered.push(event);
    if (this.#unregistered.length < MAX_UNREGISTERED_EVENTS) return;
    // Fire-and-forget: the build rejects only if prom-client cannot be loaded, which every scrape then reports;
    // the queue stays bounded meanwhile, the oldest events dropped.
    void this.#registry().catch(() => undefined);
    if (this.#unregistered.length > 4 * MAX_UNREGISTERED_EVENTS) this.#unregistered.shift();
  }

  #registry(): Promise<BuiltMetrics> {
    this.#building ??= loadPromClient().then((prom) => {
      const built = buildMetrics(prom, this.#sources, this.#requests);
      this.#built = built;
      for (const event of this.#unregistered.splice(0)) event(built);
      return built;
    });
    return this.#building;
  }
}

function buildMetrics(prom: PromClient, sources: MetricsSources, requests: RequestTally): BuiltMetrics {
  const registry = new prom.Registry();
  const registers = [registry];
  prom.collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, read: () => number) =>
    new prom.Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge('app_server_connections_open', 'Open client connections (websocket and stdio).', sources.openConnections);
  gauge('app_server_connections_initialized', 'Connections that completed initialize.', sources.initializedConnections);
  gauge('app_server_queued_requests', 'Requests received but not yet dispatched, all connections.', sources.queuedRequests);
  gauge(
    'app_server_outbound_queued_bytes',
    'Bytes waiting for slow clients in the outbound queues, all connections.',
    sources.queuedOutboundBytes,
  );
  gauge('app_server_active_turns', 'Turns running now.', sources.activeTurns);
  gauge('app_server_loaded_threads', 'Threads loaded in memory.', sources.loadedThreads);
  requests.register(registry, prom);
  return {
    registry,
    modelRequests: new prom.Counter({
      name: 'app_server_model_requests_total',
      help: 'Requests to the model provider, by outcome (HTTP status class, or network_error).',
      labelNames: ['outcome'],
      registers,
    }),
    modelSeconds: new prom.Histogram({
      name: 'app_server_model_request_duration_seconds',
      help: 'Time from sending a model request to its response headers (the stream then runs on).',
      labelNames: ['outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    overloadRejections: new prom.Counter({
      name: 'app_server_overload_rejections_total',
      help: 'Requests answered -32001 (server overloaded) because their connection had too many queued.',
      registers,
    }),
    outboundCoalesced: new prom.Counter({
      name: 'app_server_outbound_events_coalesced_total',
      help: 'Best-effort notifications merged into a later one for a slow client (no content lost).',
      registers,
    }),
    slowClientDisconnects: new prom.Counter({
      name: 'app_server_slow_client_disconnects_total',
      help: 'Connections closed (1008) for staying over the outbound byte budget.',
      registers,
    }),
  };
}
