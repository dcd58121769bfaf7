import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameBackendAnswer, startBackendPair } from '../../helpers/backend-pair.js';
import { chatgptAuthJson } from '../../helpers/chatgpt-auth.js';
import { httpReply } from '../../helpers/fake-model-server.js';
import type { HttpReply } from '../../helpers/fake-model-server.js';

/*
 * app/read against ChatGPT's `POST /ps/apps/batch`: the same script against our server and the reference 0.169.0,
 * both signed in with ChatGPT and pointed at one fake backend.
 */

const BATCH = '/backend-api/ps/apps/batch';
const json = (body: unknown, status = 200): HttpReply => httpReply(status, JSON.stringify(body), { 'content-type': 'application/json' });
const THREAD = '0199a213-81c0-7800-8aa1-bbab2a035a53';

const APPS = {
  apps: [
    {
      id: 'conn_b',
      name: 'Bee  Mail!',
      description: 'bee app',
      icon_url: 'https://i/b.png',
      icon_dark_url: 'https://i/bd.png',
      distribution_channel: 'store',
      tools: [
        { name: 'search', title: 'Search', description: 'find', is_read_only: true },
        { name: 'send', description: 'send', is_enabled: false, disabled_reason: 'admin' },
      ],
      actions: ['ignored'],
    },
    { id: 'conn_unasked', name: 'Unasked' },
    { id: 'conn_a', name: '!!!', icon_url: null },
  ],
};

const ids = (count: number) => Array.from({ length: count }, (_, index) => `id${index}`);

describe('app/read', () => {
  it('reads app metadata from the backend as the reference does', async (t) => {
    const routes: Record<string, HttpReply> = { [BATCH]: json(APPS) };
    const pair = await startBackendPair(t, chatgptAuthJson(), routes);
    await sameBackendAnswer(pair, 'app/read', { appIds: ['conn_a', 'conn_b', 'conn_a', 'conn_c'] });
    // conn_b came with its tools and is still fresh; conn_a did not, so it is asked for again.
    await sameBackendAnswer(pair, 'app/read', { appIds: ['conn_a', 'conn_b'], includeTools: true });
    await sameBackendAnswer(pair, 'app/read', { appIds: [] });
    await sameBackendAnswer(pair, 'app/read', { appIds: ids(101) });
    await sameBackendAnswer(pair, 'app/read', { appIds: ['conn_a'], threadId: 'nope' });
    await sameBackendAnswer(pair, 'app/read', { appIds: ['conn_a'], threadId: THREAD });

    routes[BATCH] = httpReply(500, 'oops');
    await sameBackendAnswer(pair, 'app/read', { appIds: ['conn_x'] });
    routes[BATCH] = json({ apps: 'x' });
    await sameBackendAnswer(pair, 'app/read', { appIds: ['conn_y'] });
    // What is fresh is still served while the backend fails.
    await sameBackendAnswer(pair, 'app/read', { appIds: ['conn_b'], includeTools: true });

    const batches = pair.backend.requests.filter(
      (request) => request.url === BATCH && String(request.headers['user-agent']).startsWith('pair-client/'),
    );
    assert.deepEqual(
      batches.map((request) => request.body),
      [
        { app_ids: ['conn_a', 'conn_b', 'conn_c'], include_tools: false },
        { app_ids: ['conn_a'], include_tools: true },
        { app_ids: ['conn_x'], include_tools: false },
        { app_ids: ['conn_y'], include_tools: false },
      ],
    );
    for (const request of batches) {
      assert.equal(request.headers['oai-product-sku'], 'codex');
      assert.equal(request.headers['originator'], 'pair-client');
      assert.equal(request.headers['chatgpt-account-id'], 'acct_123');
      assert.equal(request.headers['content-type'], 'application/json');
    }
  });

  it('reports an unreachable backend, and answers without one when not signed in with ChatGPT', async (t) => {
    const signedIn = await startBackendPair(t, chatgptAuthJson(), {});
    await signedIn.backend.close();
    await sameBackendAnswer(signedIn, 'app/read', { appIds: ['conn_a'] });

    const apiKey = await startBackendPair(t, { auth_mode: 'apikey', OPENAI_API_KEY: 'sk-test' }, { [BATCH]: json(APPS) });
    await sameBackendAnswer(apiKey, 'app/read', { appIds: ['conn_a', 'conn_a'] });
    await sameBackendAnswer(apiKey, 'app/read', { appIds: ids(101) });
    await sameBackendAnswer(apiKey, 'app/read', { appIds: ['conn_a'], threadId: THREAD });
    assert.equal(apiKey.backend.requests.filter((request) => request.url === BATCH).length, 0);
  });
});
