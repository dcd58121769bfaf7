import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as prom from 'prom-client';
import { Counter, Histogram, Registry } from 'prom-client';
import { RequestTally } from '../../../src/metrics/request-tally.js';

const BOUNDS = [0.001, 0.01, 0.1, 1];

/** What prom-client's own Counter and Histogram print for the same requests: the text RequestTally must match. */
function promClientPair(registry: Registry) {
  const requests = new Counter({
    name: 'app_server_requests_total',
    help: 'Client requests answered, by method and outcome (ok or the JSON-RPC error code).',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'app_server_request_duration_seconds',
    help: 'Time from dispatching a client request to writing its answer.',
    labelNames: ['method'],
    buckets: BOUNDS,
    registers: [registry],
  });
  return (method: string, outcome: 'ok' | number, value: number) => {
    requests.inc({ method, outcome: String(outcome) });
    seconds.observe({ method }, value);
  };
}

describe('RequestTally', () => {
  it('prints what prom-client Counter and Histogram print, across scrapes, in first-seen order', async () => {
    const ours = new Registry();
    const tally = new RequestTally(BOUNDS);
    tally.register(ours, prom);
    const reference = new Registry();
    const record = promClientPair(reference);
    const both = (method: string, outcome: 'ok' | number, value: number) => {
      tally.record(method, outcome, value);
      record(method, outcome, value);
    };
    assert.equal(await ours.metrics(), await reference.metrics());
    both('initialize', 'ok', 0.0004);
    both('thread/loaded/list', 'ok', 0.001);
    both('thread/loaded/list', -32600, 0.7);
    assert.equal(await ours.metrics(), await reference.metrics());
    both('unknown', -32600, 1000);
    both('initialize', -32600, 0.01);
    both('thread/loaded/list', 'ok', 0.05);
    const text = await ours.metrics();
    assert.equal(text, await reference.metrics());
    assert.match(text, /app_server_request_duration_seconds_bucket\{le="\+Inf",method="unknown"\} 1/);
  });
});
