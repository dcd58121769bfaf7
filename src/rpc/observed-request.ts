import type { ServerMetrics } from '../metrics/server-metrics.js';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import type { InboundRequest, RequestOutcome } from './connection.js';

/** The JSON-RPC code an error is answered with, as RpcConnection answers it. */
function codeOf(error: unknown): number {
  return error instanceof RpcError ? error.code : ErrorCode.InternalError;
}

function report(metrics: ServerMetrics, method: string, started: number, outcome: 'ok' | number): void {
  metrics.requestAnswered(method, outcome, (performance.now() - started) / 1000);
}

function settled(metrics: ServerMetrics, method: string, started: number, outcome: RequestOutcome): RequestOutcome {
  if (outcome.deferred === undefined) {
    report(metrics, method, started, 'ok');
    return outcome;
  }
  // Observe the deferred answer without handling its rejection for the connection, which still gets it.
  outcome.deferred.then(
    () => report(metrics, method, started, 'ok'),
    (error: unknown) => report(metrics, method, started, codeOf(error)),
  );
  return outcome;
}

/**
 * Runs `handle(request)` and reports to `metrics` how the request ended and how long it took, wherever the answer
 * comes from: a synchronous result or throw, a promise, or a deferred answer (`command/exec` answers at exit). The
 * outcome passed on to the connection is the same one, unchanged. Every request comes through here, so the
 * synchronous path allocates no closures.
 */
export function observeRequest(
  metrics: ServerMetrics,
  request: InboundRequest,
  handle: (request: InboundRequest) => RequestOutcome | Promise<RequestOutcome>,
): RequestOutcome | Promise<RequestOutcome> {
  const started = performance.now();
  const { method } = request;
  let outcome: RequestOutcome | Promise<RequestOutcome>;
  try {
    outcome = handle(request);
  } catch (error) {
    report(metrics, method, started, codeOf(error));
    throw error;
  }
  if (!(outcome instanceof Promise)) return settled(metrics, method, started, outcome);
  return outcome.then(
    (answer) => settled(metrics, method, started, answer),
    (error: unknown) => {
      report(metrics, method, started, codeOf(error));
      throw error;
    },
  );
}
