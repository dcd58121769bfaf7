import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { httpRequest } from '../helpers/http.js';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { exitCodeOf, spawnCli, startTestServer } from '../helpers/server.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { sseReply, textTurnFrames } from '../helpers/fake-model-server.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../helpers/thread-server.js';

/** The value of one sample of the exposition text (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(httpBase: string, headers: Record<string, string> = {}): Promise<string> {
  const answer = await httpRequest(`${httpBase}/metrics`, { headers });
  assert.equal(answer.status, 200, answer.body);
  assert.match(String(answer.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return answer.body;
}

/** `GET /metrics` (beyond the reference): Prometheus text on the websocket port. */
describe('metrics', () => {
  it('counts connections, and requests by method and outcome with bounded labels', async (t) => {
    const { url, httpBase } = await startTestServer(t);
    const before = await scrape(httpBase);
    assert.equal(sample(before, 'app_server_connections_open'), 0);
    assert.match(before, /^process_resident_memory_bytes \d+/m);

    const client = await RpcTestClient.connect(url);
    t.after(() => client.close());
    const idle = await scrape(httpBase);
    assert.equal(sample(idle, 'app_server_connections_open'), 1);
    assert.equal(sample(idle, 'app_server_connections_initialized'), 0);

    await client.initialize();
    await client.request('thread/loaded/list', {});
    await client.request('thread/loaded/list', {});
    await client.request('thread/read', { threadId: 'not-a-uuid' });
    await client.request('made/up/method', {});
    const text = await scrape(httpBase);
    assert.equal(sample(text, 'app_server_connections_initialized'), 1);
    assert.equal(sample(text, 'app_server_requests_total{method="initialize",outcome="ok"}'), 1);
    assert.equal(sample(text, 'app_server_requests_total{method="thread/loaded/list",outcome="ok"}'), 2);
    assert.equal(sample(text, 'app_server_requests_total{method="thread/read",outcome="-32600"}'), 1);
    // A made-up method name never becomes a label of its own.
    assert.equal(sample(text, 'app_server_requests_total{method="unknown",outcome="-32600"}'), 1);
    assert.doesNotMatch(text, /made\/up/);
    assert.equal(sample(text, 'app_server_request_duration_seconds_count{method="thread/loaded/list"}'), 2);
    assert.equal(sample(text, 'app_server_queued_requests'), 0);
    assert.equal(sample(text, 'app_server_outbound_queued_bytes'), 0);
    assert.equal(sample(text, 'app_server_overload_rejections_total'), 0);
  });

  it('shows a running turn and counts the model requests', async (t) => {
    let release: () => void = () => {};
    const until = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { client, server, fake } = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['hello']), { hold: { count: 1, until } })],
    });
    const threadId = await startThread(client);
    const turnId = await startTextTurn(client, threadId, 'hi');
    await fake.waitForRequests(1);
    const running = await scrape(server.httpBase);
    assert.equal(sample(running, 'app_server_active_turns'), 1);
    assert.equal(sample(running, 'app_server_loaded_threads'), 1);
    assert.equal(sample(running, 'app_server_model_requests_total{outcome="2xx"}'), 1);
    release();
    await turnCompleted(client, turnId);
    const done = await scrape(server.httpBase);
    assert.equal(sample(done, 'app_server_active_turns'), 0);
    assert.equal(sample(done, 'app_server_model_request_duration_seconds_count{outcome="2xx"}'), 1);
  });

  it('follows the Origin rule, and asks for the bearer token with --metrics-require-auth', async (t) => {
    const home = await makeTempHome(t);
    const tokenFile = join(home, 'ws-token');
    await writeFile(tokenFile, 'metrics-test-token\n');
    const { httpBase } = await startTestServer(t, {
      wsAuth: 'capability-token',
      wsTokenFile: tokenFile,
      metricsRequireAuth: true,
    });
    assert.equal((await httpRequest(`${httpBase}/metrics`, { headers: { origin: 'https://example.com' } })).status, 403);
    const refused = await httpRequest(`${httpBase}/metrics`);
    assert.deepEqual([refused.status, refused.body], [401, 'missing websocket bearer token']);
    await scrape(httpBase, { authorization: 'Bearer metrics-test-token' });

    const open = await startTestServer(t, { wsAuth: 'capability-token', wsTokenFile: tokenFile });
    await scrape(open.httpBase);
  });

  it('refuses --metrics-require-auth without --ws-auth', async (t) => {
    const codexHome = await makeTempHome(t);
    const cli = spawnCli(t, ['--listen', 'ws://127.0.0.1:0', '--metrics-require-auth'], { CODEX_HOME: codexHome });
    assert.equal(await exitCodeOf(cli), 1);
    assert.match(cli.stderr(), /--metrics-require-auth requires --ws-auth/);
  });
});
