import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';
import { resultOf } from '../../helpers/thread-server.js';

/** A provider whose `GET /v1/models` answers `body` (and records who asked). */
async function modelsProvider(t: TestContext, body: unknown) {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    if (request.method === 'GET' && (request.url ?? '').startsWith('/v1/models')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen };
}

function config(baseUrl: string, extra = '', providerExtra = ''): string {
  return [
    'model = "mock-model"',
    'model_provider = "mock"',
    extra,
    '[model_providers.mock]',
    'name = "mock"',
    `base_url = "${baseUrl}"`,
    'wire_api = "responses"',
    providerExtra,
    '',
  ].join('\n');
}

async function client(t: TestContext, configToml: string): Promise<RpcTestClient> {
  const server = await startTestServer(t, {}, configToml);
  const rpc = await RpcTestClient.connect(server.url);
  t.after(() => rpc.close());
  await rpc.initialize({ experimentalApi: true });
  return rpc;
}

type Model = { id: string; isDefault: boolean; hidden: boolean; defaultReasoningEffort: string; supportedReasoningEfforts: Array<{ reasoningEffort: string }> };

describe('model/list', () => {
  it('lists the configured model first, as the default, when the provider lists nothing', async (t) => {
    const rpc = await client(t, config('http://127.0.0.1:9/v1', 'model_reasoning_effort = "high"'));
    const result = resultOf(await rpc.request('model/list', { includeHidden: true }));
    const data = result.data as Model[];
    assert.equal(result.nextCursor, null);
    assert.deepEqual(data.map((m) => m.id), ['mock-model']);
    const [model] = data;
    assert.equal(model?.isDefault, true);
    assert.equal(model?.defaultReasoningEffort, 'high');
    assert.deepEqual(model?.supportedReasoningEfforts.map((e) => e.reasoningEffort), ['low', 'medium', 'high']);
    assert.equal((model as unknown as Record<string, unknown>).upgrade, null);
  });

  it('adds the models an OpenAI-compatible provider reports, asking with its credentials', async (t) => {
    const provider = await modelsProvider(t, { object: 'list', data: [{ id: 'remote-a' }, { id: 'mock-model' }, { id: 'remote-b' }] });
    process.env.MODEL_LIST_TEST_KEY = 'secret-key';
    t.after(() => delete process.env.MODEL_LIST_TEST_KEY);
    const rpc = await client(t, config(provider.baseUrl, '', 'env_key = "MODEL_LIST_TEST_KEY"'));
    const data = resultOf(await rpc.request('model/list', {})).data as Model[];
    assert.deepEqual(data.map((m) => [m.id, m.isDefault]), [['mock-model', true], ['remote-a', false], ['remote-b', false]]);
    assert.equal(provider.seen[0]?.headers.authorization, 'Bearer secret-key');
  });

  it('reads the Codex catalogue dialect: names, efforts, hidden models', async (t) => {
    const provider = await modelsProvider(t, {
      models: [
        {
          slug: 'mock-model',
          display_name: 'Mock',
          description: 'The mock',
          default_reasoning_level: 'low',
          supported_reasoning_levels: [{ effort: 'low', description: 'quick' }, { effort: 'xhigh', description: 'deep' }],
        },
        { slug: 'secret', visibility: 'hide' },
      ],
    });
    const rpc = await client(t, config(provider.baseUrl));
    const visible = resultOf(await rpc.request('model/list', {})).data as Model[];
    assert.deepEqual(visible.map((m) => m.id), ['mock-model']);
    assert.deepEqual(visible[0]?.supportedReasoningEfforts.map((e) => e.reasoningEffort), ['low', 'xhigh']);
    assert.equal(visible[0]?.defaultReasoningEffort, 'low');
    const all = resultOf(await rpc.request('model/list', { includeHidden: true })).data as Model[];
    assert.deepEqual(all.map((m) => [m.id, m.hidden]), [['mock-model', false], ['secret', true]]);
  });

  it('pages with the reference cursor rules and errors', async (t) => {
    const provider = await modelsProvider(t, { data: [{ id: 'a' }, { id: 'b' }] });
    const rpc = await client(t, config(provider.baseUrl));
    const first = resultOf(await rpc.request('model/list', { limit: 2 }));
    assert.deepEqual((first.data as Model[]).map((m) => m.id), ['mock-model', 'a']);
    assert.equal(first.nextCursor, '2');
    const second = resultOf(await rpc.request('model/list', { limit: 2, cursor: '2' }));
    assert.deepEqual((second.data as Model[]).map((m) => m.id), ['b']);
    assert.equal(second.nextCursor, null);
    const zero = resultOf(await rpc.request('model/list', { limit: 0 }));
    assert.equal((zero.data as Model[]).length, 1);
    assert.deepEqual((await rpc.request('model/list', { cursor: 'garbage' })).error, {
      code: -32600,
      message: 'invalid cursor: garbage',
    });
    assert.deepEqual((await rpc.request('model/list', { cursor: '9' })).error, {
      code: -32600,
      message: 'cursor 9 exceeds total models 3',
    });
  });

  it('refuses a provider that is not configured, with the reference text and data', async (t) => {
    const rpc = await client(t, config('http://127.0.0.1:9/v1'));
    const response = await rpc.request('model/list', { modelProvider: 'nope' });
    assert.deepEqual(response.error, {
      code: -32600,
      message:
        'This chat uses model provider “nope”, which is no longer configured. Restore this provider’s configuration to continue.',
      data: { type: 'modelProviderNotConfigured', modelProvider: 'nope' },
    });
  });
});
