import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { attemptUpgrade } from '../helpers/http.js';
import { RecordingWsProxy } from '../helpers/recording-ws-proxy.js';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { startTestServer } from '../helpers/server.js';
import { makeTempFile } from '../helpers/temp-home.js';

/** The proxy the end-to-end test relies on: it must relay faithfully and its schema check must be able to fail. */
describe('the recording websocket proxy', () => {
  it('relays a session both ways and finds our server schema-clean', async (t) => {
    const server = await startTestServer(t);
    const proxy = await RecordingWsProxy.start(t, server.url);
    const client = await RpcTestClient.connect(proxy.url);
    await client.initialize();
    client.notify('initialized');
    await client.request('thread/loaded/list', {});
    await client.close();

    assert.deepEqual(proxy.clientMethods(), ['initialize', 'initialized', 'thread/loaded/list']);
    const { validated, violations } = await proxy.checkServerFrames();
    assert.deepEqual(violations, []);
    assert.ok(validated >= 2, `validated ${validated} server messages`);
    assert.ok(proxy.frames.some((frame) => frame.kind === 'close' && frame.direction === 'client→server'), 'the close is relayed');
  });

  it('reports a server message that breaks the reference schema', async (t) => {
    const bad = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(bad, 'listening');
    t.after(async () => {
      for (const socket of bad.clients) socket.terminate();
      await new Promise<void>((resolve) => bad.close(() => resolve()));
    });
    bad.on('connection', (socket) => socket.send(JSON.stringify({ method: 'turn/started', params: {} })));
    const proxy = await RecordingWsProxy.start(t, `ws://127.0.0.1:${(bad.address() as AddressInfo).port}`);

    const client = new WebSocket(proxy.url);
    t.after(() => client.terminate());
    await once(client, 'message');
    const { validated, violations } = await proxy.checkServerFrames();
    assert.equal(validated, 1);
    assert.equal(violations.length, 1);
    assert.match(violations[0] ?? '', /emittedAtMs/);
  });

  it('passes the bearer token on and relays a refused upgrade unchanged', async (t) => {
    const tokenFile = await makeTempFile(t, 'token', 'proxy-token\n');
    const server = await startTestServer(t, { wsAuth: 'capability-token', wsTokenFile: tokenFile });
    const proxy = await RecordingWsProxy.start(t, server.url);

    const refused = await attemptUpgrade(proxy.url, { Authorization: 'Bearer wrong' });
    assert.deepEqual({ status: refused.status, body: refused.body }, { status: 401, body: 'invalid websocket bearer token' });
    assert.equal((await attemptUpgrade(proxy.url, { Authorization: 'Bearer proxy-token' })).status, 101);
    assert.deepEqual(
      proxy.upgrades.map((upgrade) => upgrade.status),
      [401, 101],
    );
  });
});
