import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';
import { resultOf } from '../../helpers/thread-server.js';

const CONFIG = [
  'model = "mock-model" # the model',
  'model_provider = "mock"',
  '# effort comment',
  'model_reasoning_effort = "low"',
  '',
  '[tui]',
  '# tui comment',
  'foo = 1',
  '',
  '[model_providers.mock]',
  'name = "mock"',
  'base_url = "http://127.0.0.1:9/v1"',
  '',
].join('\n');

async function connect(t: TestContext, flags: { config?: string[] } = {}) {
  const server = await startTestServer(t, flags, CONFIG);
  const client = await RpcTestClient.connect(server.url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true });
  return { client, configPath: join(server.codexHome, 'config.toml') };
}

describe('config/value/write and config/batchWrite', () => {
  it('edits config.toml in place, keeping comments and unrelated keys, with mode 0600', async (t) => {
    const { client, configPath } = await connect(t);
    const written = resultOf(
      await client.request('config/value/write', { keyPath: 'model', value: 'other-model', mergeStrategy: 'replace' }),
    );
    assert.equal(written.status, 'ok');
    assert.equal(written.filePath, configPath);
    assert.equal(written.overriddenMetadata, null);
    assert.match(String(written.version), /^sha256:[0-9a-f]{64}$/);
    await client.call('config/value/write', { keyPath: 'tui', value: { bar: 2 }, mergeStrategy: 'upsert' });
    await client.call('config/value/write', { keyPath: 'model_reasoning_effort', value: null, mergeStrategy: 'replace' });
    resultOf(
      await client.request('config/batchWrite', {
        edits: [
          { keyPath: 'model_verbosity', value: 'high', mergeStrategy: 'replace' },
          { keyPath: 'projects."/a/b".trust_level', value: 'trusted', mergeStrategy: 'replace' },
        ],
      }),
    );
    assert.equal(
      await readFile(configPath, 'utf8'),
      [
        'model = "other-model" # the model',
        'model_provider = "mock"',
        'model_verbosity = "high"',
        '',
        '[tui]',
        '# tui comment',
        'foo = 1',
        'bar = 2',
        '',
        '[model_providers.mock]',
        'name = "mock"',
        'base_url = "http://127.0.0.1:9/v1"',
        '',
        '[projects."/a/b"]',
        'trust_level = "trusted"',
        '',
      ].join('\n'),
    );
    assert.equal((await stat(configPath)).mode & 0o777, 0o600);
    const read = await client.call('config/read', {});
    const config = read.config as Record<string, unknown>;
    assert.equal(config.model, 'other-model');
    assert.equal(config.model_reasoning_effort, null);
    assert.deepEqual(config.tui, { foo: 1, bar: 2 });
    // New threads run with what was written.
    const thread = await client.call('thread/start', {});
    assert.equal(thread.model, 'other-model');
  });

  it('refuses bad writes with the reference texts and codes, writing nothing', async (t) => {
    const { client, configPath } = await connect(t);
    const before = await readFile(configPath, 'utf8');
    const refusal = async (method: string, params: Record<string, unknown>) => (await client.request(method, params)).error;
    const code = (name: string) => ({ config_write_error_code: name });
    assert.deepEqual(await refusal('config/value/write', { keyPath: 'approval_policy', value: 5, mergeStrategy: 'replace' }), {
      code: -32600,
      message: 'Invalid configuration: invalid type: unit variant, expected string only\nin `approval_policy`\n',
      data: code('configValidationError'),
    });
    assert.deepEqual(
      await refusal('config/batchWrite', {
        edits: [
          { keyPath: 'model', value: 'fine', mergeStrategy: 'replace' },
          { keyPath: 'sandbox_mode', value: 'bogus', mergeStrategy: 'replace' },
        ],
      }),
      {
        code: -32600,
        message:
          'Invalid configuration: unknown variant `bogus`, expected one of `read-only`, `workspace-write`, `danger-full-access`\nin `sandbox_mode`\n',
        data: code('configValidationError'),
      },
    );
    assert.deepEqual(await refusal('config/value/write', { keyPath: 'tui.x', value: { a: null }, mergeStrategy: 'replace' }), {
      code: -32600,
      message: 'invalid value: invalid type: null, expected any valid TOML value',
      data: code('configValidationError'),
    });
    assert.deepEqual(await refusal('config/value/write', { keyPath: '', value: 1, mergeStrategy: 'replace' }), {
      code: -32600,
      message: 'keyPath must not be empty',
      data: code('configValidationError'),
    });
    assert.deepEqual(await refusal('config/value/write', { keyPath: 'a..b', value: 1, mergeStrategy: 'replace' }), {
      code: -32600,
      message: 'keyPath segments must not be empty',
      data: code('configValidationError'),
    });
    assert.deepEqual(
      await refusal('config/value/write', { keyPath: 'model', value: 'x', mergeStrategy: 'replace', expectedVersion: 'sha256:abc' }),
      {
        code: -32600,
        message: 'Configuration was modified since last read. Fetch latest version and retry.',
        data: code('configVersionConflict'),
      },
    );
    assert.deepEqual(
      await refusal('config/value/write', { keyPath: 'model', value: 'x', mergeStrategy: 'replace', filePath: '/tmp/other.toml' }),
      { code: -32600, message: 'Only writes to the user config are allowed', data: code('configLayerReadonly') },
    );
    assert.equal(await readFile(configPath, 'utf8'), before);
  });

  it('accepts the current version and reports a key that a -c flag overrides', async (t) => {
    const { client } = await connect(t, { config: ['model_verbosity="low"'] });
    const layers = (await client.call('config/read', { includeLayers: true })).layers as Array<{
      name: { type: string };
      version: string;
    }>;
    const user = layers.find((layer) => layer.name.type === 'user');
    const result = resultOf(
      await client.request('config/value/write', {
        keyPath: 'model_verbosity',
        value: 'high',
        mergeStrategy: 'replace',
        expectedVersion: user?.version,
      }),
    );
    assert.equal(result.status, 'okOverridden');
    assert.deepEqual(result.overriddenMetadata, {
      message: 'Overridden by session flags',
      overridingLayer: { name: { type: 'sessionFlags' }, version: layers[0]?.version },
      effectiveValue: 'low',
    });
  });

  it('lands the writes of two connections writing at once', async (t) => {
    const server = await startTestServer(t, {}, CONFIG);
    const clients = await Promise.all([RpcTestClient.connect(server.url), RpcTestClient.connect(server.url)]);
    for (const client of clients) {
      t.after(() => client.close());
      await client.initialize({ experimentalApi: true });
    }
    const configPath = join(server.codexHome, 'config.toml');
    // Sent without waiting for answers: each connection's writes interleave with the other's on the server.
    const answers = await Promise.all(
      ['a', 'b', 'c'].flatMap((key, index) =>
        clients.map((client, which) =>
          client.request('config/value/write', {
            keyPath: `tui.${key}${which}`,
            value: index,
            mergeStrategy: 'replace',
          }),
        ),
      ),
    );
    for (const answer of answers) assert.equal(resultOf(answer).status, 'ok');
    const text = await readFile(configPath, 'utf8');
    for (const key of ['a0', 'a1', 'b0', 'b1', 'c0', 'c1']) assert.match(text, new RegExp(`^${key} = \\d$`, 'm'));
    const read = resultOf(await clients[1]!.request('config/read', {}));
    const tui = (read.config as { tui: Record<string, unknown> }).tui;
    assert.deepEqual(
      Object.keys(tui).filter((key) => key !== 'foo').sort(),
      ['a0', 'a1', 'b0', 'b1', 'c0', 'c1'],
    );
  });
});
