import assert from 'node:assert/strict';
import { readFile, realpath } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { RpcTestClient } from '../helpers/rpc-client.js';
import type { ServerMessage } from '../helpers/rpc-client.js';
import { errorOf, resultOf } from '../helpers/rpc-results.js';
import { spawnCli, startTestServer } from '../helpers/server.js';
import { makeTempHome } from '../helpers/temp-home.js';

/**
 * docs/protocol.md#handshake, #notification-opt-out and #errors, run over both transports: the same core serves
 * websocket frames and stdio lines, so the same table must hold on each.
 */
interface Transport {
  readonly name: string;
  connect(t: TestContext): Promise<{ client: RpcTestClient; codexHome: string }>;
}

const websocket: Transport = {
  name: 'websocket',
  async connect(t) {
    const server = await startTestServer(t);
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    return { client, codexHome: server.codexHome };
  },
};

const stdio: Transport = {
  name: 'stdio',
  async connect(t) {
    const codexHome = await makeTempHome(t);
    const cli = spawnCli(t, ['--listen', 'stdio://'], { CODEX_HOME: codexHome, LOG_LEVEL: 'warn' });
    const client = RpcTestClient.overStdio(cli.child);
    t.after(() => client.close());
    return { client, codexHome };
  },
};

/** Sends a harmless request and returns what the server sent between now and its response. */
async function messagesBeforeNextResponse(client: RpcTestClient): Promise<ServerMessage[]> {
  const before = client.received.length;
  const response = await client.request('thread/loaded/list', {}, `fence-${before}`);
  assert.deepEqual(resultOf(response), { data: [], nextCursor: null });
  return client.received.slice(before, client.received.indexOf(response));
}

for (const transport of [websocket, stdio]) {
  describe(`handshake and error table over ${transport.name}`, () => {
    it('answers initialize with the server facts, then sends the remote-control snapshot', async (t) => {
      const { client, codexHome } = await transport.connect(t);
      const result = await client.initialize({ experimentalApi: false }, 'probe-client');
      assert.match(String(result.userAgent), /^probe-client\/0\.169\.0 \(.+; .+\) .+ \(probe-client; 1\.0\.0\)$/);
      assert.equal(result.codexHome, await realpath(codexHome));
      assert.equal(result.platformFamily, 'unix');
      assert.equal(result.platformOs, 'linux');
      const snapshot = await client.notification('remoteControl/status/changed');
      const installationId = await readFile(join(codexHome, 'installation_id'), 'utf8');
      assert.deepEqual(snapshot.params, {
        status: 'disabled',
        serverName: hostname(),
        installationId,
        environmentId: null,
      });
      assert.equal(typeof snapshot.emittedAtMs, 'number');
      assert.ok(client.received.indexOf(snapshot) > 0, 'the snapshot follows the initialize response');
    });

    it('refuses requests before initialize with "Not initialized"', async (t) => {
      const { client } = await transport.connect(t);
      const response = await client.request('thread/loaded/list', {}, 5);
      assert.equal(response.id, 5);
      assert.deepEqual(errorOf(response), { code: -32600, message: 'Not initialized' });
      const unimplemented = await client.request('thread/start', {});
      assert.deepEqual(errorOf(unimplemented), { code: -32600, message: 'Not initialized' });
    });

    it('refuses a second initialize with "Already initialized"', async (t) => {
      const { client } = await transport.connect(t);
      await client.initialize();
      const again = await client.request('initialize', { clientInfo: { name: 'x', version: '1' } });
      assert.deepEqual(errorOf(again), { code: -32600, message: 'Already initialized' });
    });

    it('reports bad initialize params and stays uninitialized', async (t) => {
      const { client } = await transport.connect(t);
      const missing = await client.request('initialize', {});
      assert.deepEqual(errorOf(missing), { code: -32600, message: 'Invalid request: missing field `clientInfo`' });
      const wrongType = await client.request('initialize', { clientInfo: { name: 5, version: '0' } });
      assert.deepEqual(errorOf(wrongType), {
        code: -32600,
        message: 'Invalid request: invalid type: integer `5`, expected a string',
      });
      const next = await client.request('thread/loaded/list', {});
      assert.deepEqual(errorOf(next), { code: -32600, message: 'Not initialized' });
    });

    it('answers an unknown method with the reference\'s "unknown variant" text, even before initialize', async (t) => {
      const { client } = await transport.connect(t);
      const before = errorOf(await client.request('no/such/method', {}));
      assert.equal(before.code, -32600);
      assert.ok(
        before.message.startsWith(
          'Invalid request: unknown variant `no/such/method`, expected one of `initialize`, `server/diagnostics`, ',
        ),
        before.message,
      );
      assert.ok(before.message.endsWith('`fuzzyFileSearch/sessionUpdate`, `fuzzyFileSearch/sessionStop`'));
      await client.initialize();
      const after = errorOf(await client.request('no/such/method', {}));
      assert.equal(after.message, before.message);
    });

    it('answers methods the reference knows but we do not implement with -32601', async (t) => {
      const { client } = await transport.connect(t);
      await client.initialize({ experimentalApi: true });
      assert.deepEqual(errorOf(await client.request('memory/status', {})), {
        code: -32601,
        message: 'memory/status is not supported yet',
      });
    });

    it('gates experimental methods on the experimentalApi capability', async (t) => {
      const { client } = await transport.connect(t);
      await client.initialize({ experimentalApi: false });
      assert.deepEqual(errorOf(await client.request('collaborationMode/list', {})), {
        code: -32600,
        message: 'collaborationMode/list requires experimentalApi capability',
      });
    });

    it('words parameter errors as the reference\'s deserializer does', async (t) => {
      const { client } = await transport.connect(t);
      await client.initialize();
      const cases: [unknown, string][] = [
        [{ limit: 'x' }, 'Invalid request: invalid type: string "x", expected u32'],
        [{ limit: -1 }, 'Invalid request: invalid value: integer `-1`, expected u32'],
        [{ limit: 1.5 }, 'Invalid request: invalid type: floating point `1.5`, expected u32'],
        [{ cursor: 7 }, 'Invalid request: invalid type: integer `7`, expected a string'],
        ['str', 'Invalid request: invalid type: string "str", expected struct ThreadLoadedListParams'],
      ];
      for (const [params, message] of cases) {
        const response = await client.request('thread/loaded/list', params);
        assert.deepEqual(errorOf(response), { code: -32600, message }, JSON.stringify(params));
      }
    });

    it('echoes request ids with their type and accepts a jsonrpc member', async (t) => {
      const { client } = await transport.connect(t);
      await client.initialize();
      for (const id of ['abc', 0, -3, 'hooks-list-1f2e']) {
        const response = await client.request('thread/loaded/list', {}, id);
        assert.equal(response.id, id);
      }
      client.send({ jsonrpc: '2.0', id: 'with-jsonrpc', method: 'thread/loaded/list', params: {} });
      const response = await client.waitFor((message) => message.id === 'with-jsonrpc');
      assert.deepEqual(resultOf(response), { data: [], nextCursor: null });
      for (const message of client.received) assert.ok(!('jsonrpc' in message));
    });

    it('serves requests without the initialized notification and ignores client notifications', async (t) => {
      const { client } = await transport.connect(t);
      await client.initialize();
      assert.deepEqual(await client.call('thread/loaded/list', { limit: 0 }), {
        data: [],
        nextCursor: null,
      });
      client.notify('initialized');
      client.notify('initialized', {});
      client.notify('thread/loaded/list', {});
      client.notify('some/unknown/notification', { x: 1 });
      assert.deepEqual(await messagesBeforeNextResponse(client), []);
    });

    it('treats absent params as an empty object (a documented leniency)', async (t) => {
      const { client } = await transport.connect(t);
      await client.initialize();
      assert.deepEqual(resultOf(await client.request('thread/loaded/list')), { data: [], nextCursor: null });
    });

    it('suppresses notifications the client opted out of', async (t) => {
      const { client } = await transport.connect(t);
      await client.initialize({ optOutNotificationMethods: ['remoteControl/status/changed'] });
      const silence = await messagesBeforeNextResponse(client);
      assert.deepEqual(silence, []);
      assert.ok(!client.received.some((message) => message.method === 'remoteControl/status/changed'));
    });

    it('drops malformed and non-request messages without a reply and keeps the connection', async (t) => {
      const { client } = await transport.connect(t);
      await client.initialize({ optOutNotificationMethods: ['remoteControl/status/changed'] });
      for (const raw of [
        '{"id":1,"method":',
        '[1,2,3]',
        '42',
        'null',
        '[{"id":1,"method":"thread/loaded/list","params":{}},{"id":2,"method":"thread/loaded/list","params":{}}]',
        '{"id":3,"params":{}}',
        '{"id":null,"method":"thread/loaded/list","params":{}}',
        '{"id":1.5,"method":"thread/loaded/list","params":{}}',
        '{"id":true,"method":"thread/loaded/list","params":{}}',
        '{"id":13,"method":5,"params":{}}',
        '{"id":999,"result":{}}',
        '{"id":998,"error":{"code":1,"message":"x"}}',
      ]) {
        client.sendRaw(raw);
      }
      assert.deepEqual(await messagesBeforeNextResponse(client), []);
    });

    it('answers pipelined requests in the order they were sent', async (t) => {
      const { client } = await transport.connect(t);
      await client.initialize({ optOutNotificationMethods: ['remoteControl/status/changed'] });
      const first = client.received.length;
      const ids = Array.from({ length: 50 }, (_, index) => `p${index}`);
      for (const id of ids) client.send({ id, method: 'thread/loaded/list', params: {} });
      await client.waitFor((message) => message.id === 'p49');
      assert.deepEqual(
        client.received.slice(first).map((message) => message.id),
        ids,
      );
    });
  });
}
