import type { ServerMetrics } from '../metrics/server-metrics.js';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import type { RequestOutcome } from './connection.js';

/** The JSON-RPC code an error is answered with, as RpcConnection answers it. */
function codeOf(error: unknown): number {
  return error instanceof RpcError ? error.code : ErrorCode.InternalError;
}

/**
 * Runs `handle` and reports to `metrics` how the request ended and how long it took, wherever the answer comes
 * from: a synchronous result or throw, a promise, or a deferred answer (`command/exec` answers at exit). The
 * outcome passed on to the connection is the same one, unchanged.
 */
export function observeRequest(
  metrics: ServerMetrics,
  method: string,
  handle: () => RequestOutcome | Promise<RequestOutcome>,
): RequestOutcome | Promise<RequestOutcome> {
  const started = performance.now();
  const report = (outcome: 'ok' | number) =>
    metrics.requestAnswered(method, outcome, (performance.now() - started) / 1000);
  const settled = (outcome: RequestOutcome): RequestOutcome => {
    if (outcome.deferred === undefined) {
      report('ok');
      return outcome;
    }
    // Observe the deferred answer without handling its rejection for the connection, which still gets it.
    outcome.deferred.then(
      () => report('ok'),
      (error: unknown) => report(codeOf(error)),
    );
    return outcome;
  };
  let outcome: RequestOutcome | Promise<RequestOutcome>;
  try {
    outcome = handle();
  } catch (error) {
    report(codeOf(error));
    throw error;
  }
  if (!(outcome instanceof Promise)) return settled(outcome);
  return outcome.then(settled, (error: unknown) => {
    report(codeOf(error));
    throw error;
  });
}
