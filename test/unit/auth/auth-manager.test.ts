import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { AuthManager, type TokenRefreshRequester } from '../../../src/auth/auth-manager.js';
import { resolveProvider } from '../../../src/model/provider.js';
import type { ConfigToml } from '../../../src/config/schema.js';
import { createSilentLogger } from '../../../src/util/logger.js';
import { fakeAccessToken } from '../../helpers/chatgpt-auth.js';

async function manager(t: TestContext, requester: TokenRefreshRequester, refreshTimeoutMs?: number): Promise<AuthManager> {
  const codexHome = await mkdtemp(join(tmpdir(), 'auth-manager-'));
  t.after(() => rm(codexHome, { recursive: true, force: true }));
  const auth = new AuthManager({ codexHome, log: createSilentLogger(), ...(refreshTimeoutMs ? { refreshTimeoutMs } : {}) });
  auth.setTokenRefreshRequester(requester);
  return auth;
}

const signal = () => AbortSignal.timeout(5_000);

describe('AuthManager token refresh', () => {
  it('shares one refresh among the requests that failed with the same tokens', async (t) => {
    let answer: (value: unknown) => void = () => undefined;
    const calls: unknown[] = [];
    const auth = await manager(t, (params) => {
      calls.push(params);
      return new Promise((resolve) => {
        answer = resolve;
      });
    });
    auth.loginWithChatgptTokens(fakeAccessToken('acct_1', 'plus'), 'acct_1', null);
    const failed = await auth.login();
    assert.ok(failed);
    const first = auth.refreshAfterUnauthorized(failed, signal());
    const second = auth.refreshAfterUnauthorized(failed, signal());
    assert.deepEqual(calls, [{ reason: 'unauthorized', previousAccountId: 'acct_1' }]);
    const fresh = fakeAccessToken('acct_1', 'plus', 'new@example.com');
    answer({ accessToken: fresh, chatgptAccountId: 'acct_1', chatgptPlanType: null });
    assert.deepEqual(await Promise.all([first, second]), [true, true]);
    assert.equal((await auth.login())?.headers.authorization, `Bearer ${fresh}`);
    // A request that failed with the superseded tokens retries with the new ones, without another refresh.
    assert.equal(await auth.refreshAfterUnauthorized(failed, signal()), true);
    assert.equal(calls.length, 1);
  });

  it('gives up after the timeout and withdraws the request', async (t) => {
    let withdrawn = false;
    const auth = await manager(
      t,
      (_params, requestSignal) =>
        new Promise((_resolve, reject) => {
          requestSignal.addEventListener('abort', () => {
            withdrawn = true;
            reject(requestSignal.reason);
          });
        }),
      50,
    );
    auth.loginWithChatgptTokens(fakeAccessToken('acct_1', 'plus'), 'acct_1', null);
    const failed = await auth.login();
    assert.ok(failed);
    assert.equal(await auth.refreshAfterUnauthorized(failed, signal()), false);
    assert.equal(withdrawn, true);
  });

  it('refuses malformed answers and never refreshes a stored login', async (t) => {
    let calls = 0;
    const auth = await manager(t, async () => {
      calls++;
      return { accessToken: 'x' };
    });
    auth.loginWithChatgptTokens(fakeAccessToken('acct_1', 'plus'), 'acct_1', null);
    const failed = await auth.login();
    assert.ok(failed);
    assert.equal(await auth.refreshAfterUnauthorized(failed, signal()), false);
    assert.equal(calls, 1);
    await auth.loginWithApiKey('sk-1');
    const stored = await auth.login();
    assert.ok(stored);
    assert.equal(await auth.refreshAfterUnauthorized(stored, signal()), false);
    assert.equal(calls, 1);
  });

  it('says which providers use ChatGPT auth (the attestation seam)', async (t) => {
    const auth = await manager(t, async () => null);
    const loginProvider = resolveProvider({ model_provider: 'openai' } as ConfigToml, {});
    const keyProvider = resolveProvider(
      { model_provider: 'mock', model_providers: { mock: { base_url: 'http://x', requires_openai_auth: true, env_key: 'K' } } } as ConfigToml,
      { K: 'k' },
    );
    assert.equal(await auth.usesChatgptAuth(loginProvider), false);
    auth.loginWithChatgptTokens(fakeAccessToken('acct_1', 'plus'), 'acct_1', null);
    assert.equal(await auth.usesChatgptAuth(loginProvider), true);
    assert.equal(await auth.usesChatgptAuth(keyProvider), false);
    await auth.loginWithApiKey('sk-1');
    assert.equal(await auth.usesChatgptAuth(loginProvider), false);
  });
});
