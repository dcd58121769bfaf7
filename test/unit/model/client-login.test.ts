import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigToml } from '../../../src/config/schema.js';
import { HttpModelClient } from '../../../src/model/client.js';
import { resolveProvider, type OpenaiAuthSource, type OpenaiLogin } from '../../../src/model/provider.js';
import { REQUEST, failure } from './client-harness.js';

/** A fetch that records where it was sent and answers 401. */
function recordingFetch(calls: { url: string; headers: Record<string, string> }[]): typeof fetch {
  return async (input, init) => {
    calls.push({ url: String(input), headers: init?.headers as Record<string, string> });
    return new Response('{"error":{"message":"no"}}', { status: 401 });
  };
}

function source(login: OpenaiLogin): OpenaiAuthSource {
  return { login: async () => login, refreshAfterUnauthorized: async () => false };
}

describe('HttpModelClient with the Codex login', () => {
  it('sends the built-in openai provider to the ChatGPT Codex backend for a ChatGPT login', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const provider = resolveProvider({} as ConfigToml, { OPENAI_API_KEY: 'sk-env' });
    const chatgpt = { headers: { authorization: 'Bearer at', 'chatgpt-account-id': 'acct' }, chatgpt: true, generation: 0 };
    const client = new HttpModelClient({ provider, openaiAuth: source(chatgpt), fetch: recordingFetch(calls) });
    await failure(client.stream(REQUEST, { signal: AbortSignal.timeout(5_000) }));
    assert.equal(calls[0]?.url, 'https://chatgpt.com/backend-api/codex/responses');
    // The login wins over OPENAI_API_KEY.
    assert.equal(calls[0]?.headers.authorization, 'Bearer at');
    assert.equal(calls[0]?.headers['chatgpt-account-id'], 'acct');

    const apiKey = { headers: { authorization: 'Bearer sk-file' }, chatgpt: false, generation: -1 };
    const keyClient = new HttpModelClient({ provider, openaiAuth: source(apiKey), fetch: recordingFetch(calls) });
    await failure(keyClient.stream(REQUEST, { signal: AbortSignal.timeout(5_000) }));
    assert.equal(calls[1]?.url, 'https://api.openai.com/v1/responses');
    assert.equal(calls[1]?.headers.authorization, 'Bearer sk-file');
  });

  it('keeps a provider key of its own over the login', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const config = {
      model_provider: 'mock',
      model_providers: { mock: { base_url: 'http://127.0.0.1:9/v1', env_key: 'MOCK_KEY', requires_openai_auth: true } },
    } as ConfigToml;
    const provider = resolveProvider(config, { MOCK_KEY: 'sk-mock' });
    const chatgpt = { headers: { authorization: 'Bearer at' }, chatgpt: true, generation: 0 };
    const client = new HttpModelClient({ provider, openaiAuth: source(chatgpt), fetch: recordingFetch(calls) });
    await failure(client.stream(REQUEST, { signal: AbortSignal.timeout(5_000) }));
    assert.equal(calls[0]?.url, 'http://127.0.0.1:9/v1/responses');
    assert.equal(calls[0]?.headers.authorization, 'Bearer sk-mock');
  });
});
