/** The prom-client module, as `import('prom-client')` resolves it; loaded when the metrics registry is first built. */
export type PromClient = typeof import('prom-client');

/** Loads prom-client (its module body, and the OpenTelemetry API it requires, cost start-up ~3 ms). */
export function loadPromClient(): Promise<PromClient> {
  return import('prom-client');
}
