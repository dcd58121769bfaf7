import type { Metric, Registry } from 'prom-client';
import type { PromClient } from './prom-client-module.js';

/** How a request ended: `ok`, or the JSON-RPC error code it was answered with. */
export type RequestOutcome = 'ok' | number;

/** Answers of one method with one outcome. */
interface OutcomeCount {
  readonly labels: { readonly method: string; readonly outcome: string };
  count: number;
  /** How much of `count` the prom-client counter has been given already. */
  reported: number;
}

/** One method's figures since the server started. */
interface MethodTally {
  readonly outcomes: Map<RequestOutcome, OutcomeCount>;
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

/** One exposition line of a histogram, in the shape prom-client's registry formats. */
interface HistogramValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName: string;
}

/**
 * `app_server_requests_total` and `app_server_request_duration_seconds`, counted per request at the cost of a map
 * lookup and a few additions. Every request is counted (each one once), so prom-client's own `inc`/`observe`, which
 * hash and validate the labels on each call, cost more than the cheapest requests themselves. The figures are
 * kept here and handed to the registry only when it is scraped; the exposition text is the one prom-client's
 * Counter and Histogram print.
 */
export class RequestTally {
  readonly #byMethod = new Map<string, MethodTally>();
  readonly #bounds: readonly number[];
  /** Every (method, outcome) in the order it first occurred: the order of the counter's series. */
  readonly #series: OutcomeCount[] = [];

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
  }

  /**
   * Adds the two metrics to `registry`, reading the figures counted so far and from then on. The server loads
   * prom-client only when it first needs the registry, so it is handed in here.
   */
  register(registry: Registry, prom: PromClient): void {
    const series = this.#series;
    new prom.Counter({
      name: 'app_server_requests_total',
      help: 'Client requests answered, by method and outcome (ok or the JSON-RPC error code).',
      labelNames: ['method', 'outcome'],
      registers: [registry],
      collect() {
        for (const answers of series) {
          if (answers.count === answers.reported) continue;
          this.inc(answers.labels, answers.count - answers.reported);
          answers.reported = answers.count;
        }
      },
    });
    registry.registerMetric(this.#durationMetric() as unknown as Metric);
  }

  /** Counts one answered request; `method` is already a bounded label value. */
  record(method: string, outcome: RequestOutcome, seconds: number): void {
    let tally = this.#byMethod.get(method);
    if (tally === undefined) {
      tally = { outcomes: new Map(), buckets: new Array<number>(this.#bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.#byMethod.set(method, tally);
    }
    let answers = tally.outcomes.get(outcome);
    if (answers === undefined) {
      answers = { labels: { method, outcome: String(outcome) }, count: 0, reported: 0 };
      tally.outcomes.set(outcome, answers);
      this.#series.push(answers);
    }
    answers.count += 1;
    let bucket = 0;
    while (bucket < this.#bounds.length && seconds > (this.#bounds[bucket] as number)) bucket++;
    tally.buckets[bucket] = (tally.buckets[bucket] as number) + 1;
    tally.sum += seconds;
    tally.count += 1;
  }

  /** The duration histogram as the registry reads a metric: what prom-client's Histogram `get()` returns. */
  #durationMetric() {
    const name = 'app_server_request_duration_seconds';
    const help = 'Time from dispatching a client request to writing its answer.';
    const bounds = this.#bounds;
    const byMethod = this.#byMethod;
    return {
      name,
      help,
      type: 'histogram' as const,
      aggregator: 'sum' as const,
      get: async () => {
        const values: HistogramValue[] = [];
        for (const [method, tally] of byMethod) {
          let cumulative = 0;
          bounds.forEach((bound, index) => {
            cumulative += tally.buckets[index] as number;
            values.push({ labels: { le: bound, method }, value: cumulative, metricName: `${name}_bucket` });
          });
          values.push(
            { labels: { le: '+Inf', method }, value: tally.count, metricName: `${name}_bucket` },
            { labels: { method }, value: tally.sum, metricName: `${name}_sum` },
            { labels: { method }, value: tally.count, metricName: `${name}_count` },
          );
        }
        return { name, help, type: 'histogram', values, aggregator: 'sum' };
      },
    };
  }
}
