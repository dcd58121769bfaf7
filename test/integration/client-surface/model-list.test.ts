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

/** The reference 0.169.0's built-in catalogue as its model/list shows it, hidden ones included [observed]. */
const CATALOGUE: ReadonlyArray<readonly [id: string, hidden: boolean]> = [
  ['gpt-6.1-sol', false],
  ['gpt-6-astra', false],
  ['gpt-6-sol', false],
  ['gpt-6-luna', false],
  ['gpt-5.6-sol', false],
  ['gpt-6.1-terra', false],
  ['gpt-5.6-terra', false],
  ['gpt-5.6-luna', false],
  ['gpt-daybreak-blue-latest', true],
  ['gpt-daybreak-red-latest', true],
  ['gpt-5.5', false],
  ['codex-auto-review', true],
];
const VISIBLE_CATALOGUE = CATALOGUE.filter(([, hidden]) => !hidden).map(([id]) => id);

/** The entries after the built-in catalogue: what the configured provider adds. */
function beyondCatalogue(data: Model[]): Model[] {
  return data.filter((model) => !CATALOGUE.some(([id]) => id === model.id));
}

describe('model/list', () => {
  it('lists the built-in catalogue as the reference does, its first model the default', async (t) => {
    const rpc = await client(t, config('http://127.0.0.1:9/v1'));
    const all = (await rpc.call('model/list', { includeHidden: true })).data;
    assert.deepEqual(
      all.slice(0, CATALOGUE.length).map((m) => [m.id, m.hidden]),
      CATALOGUE.map(([id, hidden]) => [id, hidden]),
    );
    assert.deepEqual(all.filter((m) => m.isDefault).map((m) => m.id), ['gpt-6.1-sol']);
    const visible = (await rpc.call('model/list', {})).data;
    assert.deepEqual(visible.slice(0, VISIBLE_CATALOGUE.length).map((m) => m.id), VISIBLE_CATALOGUE);
    const legacy = all.find((m) => m.id === 'gpt-5.5') as unknown as Record<string, unknown>;
    assert.equal(legacy.defaultReasoningEffort, 'medium');
    assert.deepEqual(
      (legacy.supportedReasoningEfforts as Array<{ reasoningEffort: string }>).map((e) => e.reasoningEffort),
      ['low', 'medium', 'high', 'xhigh'],
    );
    assert.equal(legacy.upgrade, 'gpt-6-sol');
  });

  it('adds the configured model after the catalogue when the catalogue does not know it', async (t) => {
    const rpc = await client(t, config('http://127.0.0.1:9/v1', 'model_reasoning_effort = "high"'));
    const result = await rpc.call('model/list', { includeHidden: true });
    const data = beyondCatalogue(result.data);
    assert.equal(result.nextCursor, null);
    assert.deepEqual(data.map((m) => m.id), ['mock-model']);
    const [model] = data;
    assert.equal(model?.isDefault, false);
    assert.equal(model?.defaultReasoningEffort, 'high');
    assert.deepEqual(model?.supportedReasoningEfforts.map((e) => e.reasoningEffort), ['low', 'medium', 'high']);
    assert.equal((model as unknown as Record<string, unknown>).upgrade, null);
  });

  it('adds the models an OpenAI-compatible provider reports, asking with its credentials', async (t) => {
    const provider = await modelsProvider(t, { object: 'list', data: [{ id: 'remote-a' }, { id: 'mock-model' }, { id: 'remote-b' }] });
    process.env.MODEL_LIST_TEST_KEY = 'secret-key';
    t.after(() => delete process.env.MODEL_LIST_TEST_KEY);
    const rpc = await client(t, config(provider.baseUrl, '', 'env_key = "MODEL_LIST_TEST_KEY"'));
    const data = beyondCatalogue((await rpc.call('model/list', {})).data);
    assert.deepEqual(data.map((m) => [m.id, m.isDefault]), [['mock-model', false], ['remote-a', false], ['remote-b', false]]);
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
    const visible = beyondCatalogue((await rpc.call('model/list', {})).data);
    assert.deepEqual(visible.map((m) => m.id), ['mock-model']);
    assert.deepEqual(visible[0]?.supportedReasoningEfforts.map((e) => e.reasoningEffort), ['low', 'xhigh']);
    assert.equal(visible[0]?.defaultReasoningEffort, 'low');
    const all = beyondCatalogue((await rpc.call('model/list', { includeHidden: true })).data);
    assert.deepEqual(all.map((m) => [m.id, m.hidden]), [['mock-model', false], ['secret', true]]);
  });

  it('pages with the reference cursor rules and errors', async (t) => {
    const provider = await modelsProvider(t, { data: [{ id: 'a' }, { id: 'b' }] });
    const rpc = await client(t, config(provider.baseUrl));
    const total = VISIBLE_CATALOGUE.length + 3;
    const first = await rpc.call('model/list', { limit: 2 });
    assert.deepEqual(first.data.map((m) => m.id), VISIBLE_CATALOGUE.slice(0, 2));
    assert.equal(first.nextCursor, '2');
    const last = await rpc.call('model/list', { limit: 2, cursor: String(total - 1) });
    assert.deepEqual(last.data.map((m) => m.id), ['b']);
    assert.equal(last.nextCursor, null);
    const zero = await rpc.call('model/list', { limit: 0 });
    assert.equal(zero.data.length, 1);
    assert.deepEqual((await rpc.request('model/list', { cursor: 'garbage' })).error, {
      code: -32600,
      message: 'invalid cursor: garbage',
    });
    assert.deepEqual((await rpc.request('model/list', { cursor: '99' })).error, {
      code: -32600,
      message: `cursor 99 exceeds total models ${total}`,
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
