import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerMetrics } from '../../../src/metrics/server-metrics.js';

const sources = {
  openConnections: () => 3,
  initializedConnections: () => 2,
  queuedRequests: () => 0,
  queuedOutboundBytes: () => 0,
  activeTurns: () => 1,
  loadedThreads: () => 4,
};

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('ServerMetrics', () => {
  it('counts before its registry exists and shows every count in the first scrape', async () => {
    const metrics = new ServerMetrics(sources);
    metrics.requestAnswered('thread/start', 'ok', 0.002);
    metrics.requestAnswered('made/up', -32600, 0.0001);
    metrics.overloadRejected();
    metrics.outboundCoalesced(5);
    metrics.slowClientDisconnected();
    const fetchCounted = metrics.observeModelFetch(async () => new Response('', { status: 503 }));
    await fetchCounted('http://127.0.0.1:1/v1/responses');

    const { body } = await metrics.scrape();
    assert.equal(value(body, 'app_server_requests_total{method="thread/start",outcome="ok"}'), 1);
    assert.equal(value(body, 'app_server_requests_total{method="unknown",outcome="-32600"}'), 1);
    assert.equal(value(body, 'app_server_overload_rejections_total'), 1);
    assert.equal(value(body, 'app_server_outbound_events_coalesced_total'), 5);
    assert.equal(value(body, 'app_server_slow_client_disconnects_total'), 1);
    assert.equal(value(body, 'app_server_model_requests_total{outcome="5xx"}'), 1);
    assert.equal(value(body, 'app_server_model_request_duration_seconds_count{outcome="5xx"}'), 1);
    assert.equal(value(body, 'app_server_connections_open'), 3);
    assert.equal(value(body, 'app_server_loaded_threads'), 4);
    assert.ok(body.includes('process_cpu_user_seconds_total'), 'Node default metrics are collected');

    // Once built, counts go straight to the registry.
    metrics.overloadRejected();
    await metrics.prepare();
    assert.equal(value((await metrics.scrape()).body, 'app_server_overload_rejections_total'), 2);
  });

  it('builds its registry once, however many ask at the same time', async () => {
    const metrics = new ServerMetrics(sources);
    await Promise.all([metrics.prepare(), metrics.prepare(), metrics.scrape()]);
    const { body } = await metrics.scrape();
    // A second registry would have registered the default metrics twice (prom-client throws on that).
    assert.equal(body.match(/^# TYPE app_server_active_turns gauge$/gm)?.length, 1);
  });

  it('keeps every event counted before its registry exists, past the queue size that starts building it', async () => {
    const metrics = new ServerMetrics(sources);
    for (let index = 0; index < 1500; index++) metrics.outboundCoalesced();
    const { body } = await metrics.scrape();
    assert.equal(value(body, 'app_server_outbound_events_coalesced_total'), 1500);
  });
});
