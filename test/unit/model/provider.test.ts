import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigTomlSchema, type ConfigToml } from '../../../src/config/schema.js';
import { ProviderConfigError, resolveProvider } from '../../../src/model/provider.js';
import { COMPATIBLE_CODEX_VERSION } from '../../../src/util/version.js';

/** A config as load.ts would produce it: validated by the real schema. */
function config(table: Record<string, unknown>): ConfigToml {
  return ConfigTomlSchema.parse(table);
}

function providerError(code: ProviderConfigError['code'], message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ProviderConfigError);
    assert.equal(error.code, code);
    assert.equal(error.message, message);
    return true;
  };
}

describe('resolveProvider', () => {
  it('defaults to the built-in openai provider with the reference defaults', () => {
    assert.deepEqual(resolveProvider(config({}), {}), {
      id: 'openai',
      name: 'OpenAI',
      model: null,
      baseUrl: 'https://api.openai.com/v1',
      wireApi: 'responses',
      bearerToken: null,
      bearerTokenIsFallback: true,
      chatgptBaseUrl: 'https://chatgpt.com/backend-api/codex',
      requiresOpenaiAuth: true,
      httpHeaders: { version: COMPATIBLE_CODEX_VERSION },
      queryParams: {},
      requestMaxRetries: 4,
      streamMaxRetries: 5,
      streamIdleTimeoutMs: 300_000,
      requestAttestation: false,
      bedrock: null,
    });
  });

  it('reads OPENAI_BASE_URL, OPENAI_API_KEY and the organization/project headers for openai', () => {
    const provider = resolveProvider(config({ model: 'gpt-5.5' }), {
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/',
      OPENAI_API_KEY: 'sk-env',
      OPENAI_ORGANIZATION: 'org-1',
      OPENAI_PROJECT: '  ',
    });
    assert.equal(provider.model, 'gpt-5.5');
    assert.equal(provider.baseUrl, 'http://127.0.0.1:9/v1');
    assert.equal(provider.bearerToken, 'sk-env');
    // A Codex login wins over the variable, and the base URL is the variable's for a ChatGPT login too.
    assert.equal(provider.bearerTokenIsFallback, true);
    assert.equal(provider.chatgptBaseUrl, null);
    assert.deepEqual(provider.httpHeaders, { version: COMPATIBLE_CODEX_VERSION, 'OpenAI-Organization': 'org-1' });
  });

  it('resolves a configured provider with every key', () => {
    const provider = resolveProvider(
      config({
        model: 'mock-model',
        model_provider: 'mock',
        model_providers: {
          mock: {
            name: 'Mock',
            base_url: 'http://127.0.0.1:4590/v1',
            env_key: 'MOCK_KEY',
            http_headers: { 'x-extra': '1' },
            env_http_headers: { 'x-env': 'MOCK_HEADER', 'x-missing': 'NOT_SET' },
            query_params: { 'api-version': '1' },
            request_max_retries: 0,
            stream_max_retries: 1,
            stream_idle_timeout_ms: 50,
            request_attestation: true,
          },
        },
      }),
      { MOCK_KEY: 'sk-mock', MOCK_HEADER: 'h' },
    );
    assert.deepEqual(provider, {
      id: 'mock',
      name: 'Mock',
      model: 'mock-model',
      baseUrl: 'http://127.0.0.1:4590/v1',
      wireApi: 'responses',
      bearerToken: 'sk-mock',
      bearerTokenIsFallback: false,
      chatgptBaseUrl: null,
      requiresOpenaiAuth: false,
      httpHeaders: { 'x-extra': '1', 'x-env': 'h' },
      queryParams: { 'api-version': '1' },
      requestMaxRetries: 0,
      streamMaxRetries: 1,
      streamIdleTimeoutMs: 50,
      requestAttestation: true,
      bedrock: null,
    });
  });

  it('caps retries at 100 like the reference', () => {
    const provider = resolveProvider(
      config({ model_provider: 'p', model_providers: { p: { name: 'P', request_max_retries: 1000, stream_max_retries: 500 } } }),
      {},
    );
    assert.equal(provider.requestMaxRetries, 100);
    assert.equal(provider.streamMaxRetries, 100);
  });

  it('fails with the reference text when env_key is unset or blank', () => {
    const table = config({ model_provider: 'p', model_providers: { p: { name: 'P', env_key: 'MISSING_KEY_X' } } });
    assert.throws(() => resolveProvider(table, {}), providerError('missingEnvVar', 'Missing environment variable: `MISSING_KEY_X`.'));
    assert.throws(() => resolveProvider(table, { MISSING_KEY_X: ' ' }), (error: unknown) => {
      assert.ok(error instanceof ProviderConfigError);
      assert.equal(error.envVar, 'MISSING_KEY_X');
      return true;
    });
  });

  it('appends env_key_instructions to the missing-variable message', () => {
    const table = config({
      model_provider: 'p',
      model_providers: { p: { name: 'P', env_key: 'K', env_key_instructions: 'Get one at example.com.' } },
    });
    assert.throws(
      () => resolveProvider(table, {}),
      providerError('missingEnvVar', 'Missing environment variable: `K`. Get one at example.com.'),
    );
  });

  it('uses experimental_bearer_token when there is no env_key', () => {
    const provider = resolveProvider(
      config({ model_provider: 'p', model_providers: { p: { name: 'P', experimental_bearer_token: 'tok' } } }),
      {},
    );
    assert.equal(provider.bearerToken, 'tok');
  });

  it('rejects an unknown model_provider', () => {
    assert.throws(
      () => resolveProvider(config({ model_provider: 'nope' }), {}),
      providerError('unknownProvider', 'Model provider `nope` not found'),
    );
  });

  it('ignores a table that redefines a built-in provider', () => {
    const provider = resolveProvider(
      config({ model_providers: { openai: { name: 'Mine', base_url: 'http://127.0.0.1:1/v1' } } }),
      {},
    );
    assert.equal(provider.name, 'OpenAI');
    assert.equal(provider.baseUrl, 'https://api.openai.com/v1');
  });

  it('knows the local built-in providers', () => {
    assert.equal(resolveProvider(config({ model_provider: 'ollama' }), {}).baseUrl, 'http://localhost:11434/v1');
    assert.equal(resolveProvider(config({ model_provider: 'lmstudio' }), { CODEX_OSS_PORT: '4321' }).baseUrl, 'http://localhost:4321/v1');
    assert.throws(() => resolveProvider(config({ model_provider: 'amazon-bedrock-runtime' }), {}), { name: 'ProviderConfigError' });
  });

  it('resolves amazon-bedrock with its base_url and aws region from its own table, and the Mantle header', () => {
    const bedrock = resolveProvider(config({ model_provider: 'amazon-bedrock' }), {});
    assert.deepEqual(bedrock.bedrock, { region: null, profile: null, baseUrl: null });
    assert.equal(bedrock.requiresOpenaiAuth, false);
    assert.equal(bedrock.bearerToken, null);
    assert.deepEqual(bedrock.httpHeaders, { 'x-amzn-mantle-client-agent': 'codex' });
    const table = {
      model_provider: 'amazon-bedrock',
      model_providers: { 'amazon-bedrock': { base_url: 'http://127.0.0.1:9/openai/v1', aws: { region: ' eu-west-1 ', profile: 'p' } } },
    };
    assert.deepEqual(resolveProvider(config(table), {}).bedrock, {
      region: 'eu-west-1',
      profile: 'p',
      baseUrl: 'http://127.0.0.1:9/openai/v1',
    });
  });

  it("takes model and model_provider from the active profile first", () => {
    const table = config({
      model: 'top',
      model_provider: 'a',
      profile: 'fast',
      profiles: { fast: { model: 'quick', model_provider: 'b' } },
      model_providers: { a: { name: 'A' }, b: { name: 'B', base_url: 'http://b/v1' } },
    });
    const provider = resolveProvider(table, {});
    assert.equal(provider.id, 'b');
    assert.equal(provider.model, 'quick');
    assert.throws(
      () => resolveProvider(config({ profile: 'gone' }), {}),
      providerError('unknownProfile', 'config profile `gone` not found'),
    );
  });
});
