import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';
import { resultOf } from '../../helpers/thread-server.js';

const MOCK_CONFIG = [
  'model = "mock-model"',
  'model_provider = "mock"',
  '[model_providers.mock]',
  'name = "mock"',
  'base_url = "http://127.0.0.1:9/v1"',
  'wire_api = "responses"',
  '',
].join('\n');

async function connect(t: TestContext, configToml = MOCK_CONFIG, experimentalApi = true) {
  const server = await startTestServer(t, {}, configToml);
  const client = await RpcTestClient.connect(server.url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi });
  return { server, client };
}

/** The reference's layer version: sha256 of the table as compact JSON with sorted keys. */
function versionOf(json: string): string {
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

describe('the start-up surface the terminal UI needs', () => {
  it('account/read without a login: no account, and no OpenAI auth needed for a custom provider', async (t) => {
    const { client } = await connect(t);
    assert.deepEqual(await client.call('account/read', {}), {
      account: null,
      userId: null,
      requiresOpenaiAuth: false,
      workspaceRouting: null,
    });
  });

  it('account/read reports an API key stored in auth.json only for a provider that uses the OpenAI login', async (t) => {
    const { client, server } = await connect(t, '');
    assert.equal((await client.call('account/read', {})).requiresOpenaiAuth, true);
    assert.equal((await client.call('account/read', {})).account, null);
    await writeFile(join(server.codexHome, 'auth.json'), JSON.stringify({ OPENAI_API_KEY: 'sk-test' }));
    assert.deepEqual((await client.call('account/read', { refreshToken: true })).account, { type: 'apiKey' });
  });

  it('configRequirements/read accepts a request without params and reports no requirements', async (t) => {
    const { client } = await connect(t);
    client.send({ id: 'req', method: 'configRequirements/read' });
    const response = await client.waitFor((m) => m.id === 'req', 'configRequirements/read');
    assert.deepEqual(resultOf(response), { supportsIndependentSpeedModes: true, requirements: null });
  });

  it('answers the experimental start-up calls, and refuses them without the capability', async (t) => {
    const { client } = await connect(t);
    assert.deepEqual(await client.call('account/bedrock/checkGovCloudRequirements', {}), {
      isGovCloud: false,
      shouldWarn: false,
    });
    assert.deepEqual(await client.call('collaborationMode/list', {}), {
      data: [{ name: 'Default', mode: 'default', model: null, reasoning_effort: null }],
    });
    const plain = await RpcTestClient.connect((await startTestServer(t, {}, MOCK_CONFIG)).url);
    t.after(() => plain.close());
    await plain.initialize(null);
    const refused = await plain.request('collaborationMode/list', {});
    assert.deepEqual(refused.error, {
      code: -32600,
      message: 'collaborationMode/list requires experimentalApi capability',
    });
  });

  it('plugin/installed: no marketplaces on a server without plugins', async (t) => {
    const { client } = await connect(t);
    assert.deepEqual(await client.call('plugin/installed', {}), {
      marketplaces: [],
      marketplaceLoadErrors: [],
    });
  });

  it('config/read gives the effective config, its origins, and the layers only when asked', async (t) => {
    const { client, server } = await connect(t, `${MOCK_CONFIG}[sandbox_workspace_write]\nnetwork_access = true\n`);
    const plain = await client.call('config/read', {});
    assert.equal('layers' in plain, false);
    const config = plain.config;
    assert.equal(config.model, 'mock-model');
    assert.equal(config.model_provider, 'mock');
    assert.equal(config.approval_policy, null);
    assert.equal(config.review_model, null);
    assert.deepEqual(config.sandbox_workspace_write, {
      writable_roots: [],
      network_access: true,
      exclude_tmpdir_env_var: false,
      exclude_slash_tmp: false,
    });
    const configPath = join(server.codexHome, 'config.toml');
    const fileTable = {
      model: 'mock-model',
      model_provider: 'mock',
      model_providers: { mock: { base_url: 'http://127.0.0.1:9/v1', name: 'mock', wire_api: 'responses' } },
      sandbox_workspace_write: { network_access: true },
    };
    const userLayer = { name: { type: 'user', file: configPath, profile: null }, version: versionOf(JSON.stringify(fileTable)) };
    const origins = plain.origins as Record<string, unknown>;
    assert.deepEqual(Object.keys(origins).sort(), [
      'model',
      'model_provider',
      'model_providers.mock.base_url',
      'model_providers.mock.name',
      'model_providers.mock.wire_api',
      'sandbox_workspace_write.network_access',
    ]);
    assert.deepEqual(origins.model, userLayer);

    const layered = await client.call('config/read', { includeLayers: true, cwd: '.' });
    const layers = layered.layers as Array<Record<string, unknown>>;
    assert.equal(layers.length, 1);
    assert.deepEqual(layers[0]?.name, userLayer.name);
    assert.equal(layers[0]?.version, userLayer.version);
    assert.equal((layers[0]?.config as Record<string, unknown>).model, 'mock-model');
  });

  it('config/read puts -c overrides in a sessionFlags layer that wins over config.toml', async (t) => {
    const server = await startTestServer(t, { config: ['model_verbosity="low"', 'model="flag-model"'] }, MOCK_CONFIG);
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true });
    const result = await client.call('config/read', { includeLayers: true });
    const config = result.config;
    assert.equal(config.model, 'flag-model');
    assert.equal(config.model_verbosity, 'low');
    const layers = result.layers as Array<{ name: { type: string }; version: string }>;
    assert.deepEqual(layers.map((layer) => layer.name.type), ['sessionFlags', 'user']);
    assert.equal(layers[0]?.version, versionOf('{"model":"flag-model","model_verbosity":"low"}'));
    const origins = result.origins as Record<string, { name: { type: string } }>;
    assert.equal(origins.model?.name.type, 'sessionFlags');
    assert.equal(origins.model_provider?.name.type, 'user');
  });
});
