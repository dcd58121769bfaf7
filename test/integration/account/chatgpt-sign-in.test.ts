import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { startAccountRig } from '../../helpers/chatgpt-auth.js';
import { ISSUED_ID_TOKEN, issuedAccessToken, startFakeIssuer } from '../../helpers/fake-issuer.js';
import type { Notification } from '../../helpers/protocol-types.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import { errorOf, resultOf } from '../../helpers/rpc-results.js';

async function signInRig(t: TestContext, issuerOrigin?: string) {
  const issuer = await startFakeIssuer(t);
  const rig = await startAccountRig(t, {
    env: {
      CODEX_APP_SERVER_LOGIN_ISSUER: issuerOrigin ?? issuer.origin,
      CODEX_APP_SERVER_LOGIN_PORT: '0',
    },
  });
  return { ...rig, issuer };
}

function completion(client: RpcTestClient, loginId: string): Promise<Notification<'account/login/completed'>> {
  return client.notification('account/login/completed', (params) => params.loginId === loginId);
}

function callbackUrl(authUrl: string, query: Record<string, string>): string {
  const redirect = new URL(authUrl).searchParams.get('redirect_uri') ?? '';
  return `${redirect}?${new URLSearchParams(query).toString()}`;
}

async function startBrowserLogin(client: RpcTestClient): Promise<{ loginId: string; authUrl: string; state: string }> {
  const result = await client.call('account/login/start', { type: 'chatgpt' });
  assert.ok(result.type === 'chatgpt');
  return { loginId: result.loginId, authUrl: result.authUrl, state: new URL(result.authUrl).searchParams.get('state') ?? '' };
}

describe('ChatGPT browser sign-in', () => {
  it('answers with the authorize URL, takes the callback, exchanges the code with PKCE and stores the login', async (t) => {
    const { server, client, issuer, connect } = await signInRig(t);
    const other = await connect('other');
    const { loginId, authUrl, state } = await startBrowserLogin(client);
    assert.match(loginId, /^[0-9a-f-]{36}$/);
    const url = new URL(authUrl);
    assert.equal(`${url.origin}${url.pathname}`, `${issuer.origin}/oauth/authorize`);
    // The reference's parameters, in its order [observed].
    assert.deepEqual(
      [...url.searchParams.keys()],
      ['response_type', 'client_id', 'redirect_uri', 'code_challenge', 'code_challenge_method', 'state', 'scope',
        'id_token_add_organizations', 'codex_cli_simplified_flow', 'originator'],
    );
    assert.equal(url.searchParams.get('client_id'), 'app_EMoamEEZ73f0CkXaXp7hrann');
    assert.match(url.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/auth\/callback$/);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('scope'), 'openid profile email offline_access api.connectors.read api.connectors.invoke');
    assert.equal(url.searchParams.get('originator'), 'test-client');
    assert.match(authUrl, /scope=openid\+profile/);

    // A callback with another state is refused and the sign-in goes on; unknown paths are 404.
    const wrong = await fetch(callbackUrl(authUrl, { code: 'c', state: 'forged' }), { redirect: 'manual' });
    assert.equal(wrong.status, 400);
    assert.equal(await wrong.text(), 'State mismatch');

    const callback = await fetch(callbackUrl(authUrl, { code: 'the-code', state }), { redirect: 'manual' });
    assert.equal(callback.status, 302);
    const location = callback.headers.get('location') ?? '';
    assert.match(location, /\/success\?needs_setup=false&org_id=org_1&project_id=&plan_type=pro&platform_url=/);
    const exchange = issuer.requests.find((r) => r.form.grant_type === 'authorization_code');
    assert.equal(exchange?.contentType, 'application/x-www-form-urlencoded');
    assert.equal(exchange?.form.code, 'the-code');
    assert.equal(exchange?.form.client_id, 'app_EMoamEEZ73f0CkXaXp7hrann');
    assert.equal(exchange?.form.redirect_uri, url.searchParams.get('redirect_uri'));
    const challenge = createHash('sha256').update(exchange?.form.code_verifier ?? '').digest('base64url');
    assert.equal(challenge, url.searchParams.get('code_challenge'));
    const apiKeyExchange = issuer.requests.find((r) => r.form.requested_token === 'openai-api-key');
    assert.equal(apiKeyExchange?.form.subject_token, ISSUED_ID_TOKEN);

    const success = await fetch(location);
    assert.equal(success.status, 200);
    assert.match(await success.text(), /signed in/i);
    const completed = await completion(client, loginId);
    assert.deepEqual(completed.params, { loginId, success: true, error: null, onboardingEntrypoint: null });
    const updated = await other.waitFor((m) => m.method === 'account/updated', 'account/updated');
    assert.deepEqual(updated.params, { authMode: 'chatgpt', planType: 'plus' });

    const path = join(server.codexHome, 'auth.json');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const stored = JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
    assert.equal(stored.auth_mode, 'chatgpt');
    assert.equal(stored.OPENAI_API_KEY, 'sk-from-exchange');
    assert.deepEqual(Object.keys(stored.tokens), [
      'id_token', 'access_token', 'refresh_token', 'oauth_provenance', 'login_owner_id', 'account_id',
    ]);
    assert.equal(stored.tokens.refresh_token, 'rt_issued');
    assert.deepEqual(stored.tokens.oauth_provenance, { issuer: issuer.origin, client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' });
    assert.equal(stored.tokens.account_id, 'acct_signed_in');
    assert.ok(!Number.isNaN(Date.parse(stored.last_refresh)));
    assert.deepEqual((await client.call('account/read', {})).account, {
      type: 'chatgpt',
      email: 'signed-in@example.com',
      planType: 'plus',
      workspaceName: null,
    });
  });

  it('cancels by login id: canceled, then notFound; a malformed id is -32600', async (t) => {
    const { client } = await signInRig(t);
    const { loginId, authUrl } = await startBrowserLogin(client);
    assert.deepEqual((await client.call('account/login/cancel', { loginId: '123e4567-e89b-42d3-a456-426614174000' })), {
      status: 'notFound',
    });
    assert.deepEqual((await client.call('account/login/cancel', { loginId })), { status: 'canceled' });
    assert.deepEqual((await completion(client, loginId)).params, {
      loginId,
      success: false,
      error: 'Login server error: Login was not completed',
      onboardingEntrypoint: null,
    });
    assert.deepEqual((await client.call('account/login/cancel', { loginId })), { status: 'notFound' });
    const malformed = await client.request('account/login/cancel', { loginId: 'not-a-uuid' });
    assert.deepEqual(malformed.error, { code: -32600, message: 'invalid login id: not-a-uuid' });
    // The callback server is gone.
    await assert.rejects(fetch(callbackUrl(authUrl, { code: 'c', state: 's' })));
  });

  it('reports a refusal from the issuer and a failed code exchange as what they are', async (t) => {
    const { client, issuer } = await signInRig(t);
    const first = await startBrowserLogin(client);
    const denied = await fetch(callbackUrl(first.authUrl, { error: 'access_denied', error_description: 'nope', state: first.state }));
    assert.match(await denied.text(), /Sign-in failed: nope/);
    assert.equal((await completion(client, first.loginId)).params.error, 'Login server error: Sign-in failed: nope');

    issuer.behaviour.authorizationCode = () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } });
    const second = await startBrowserLogin(client);
    await fetch(callbackUrl(second.authUrl, { code: 'old', state: second.state }));
    assert.equal(
      (await completion(client, second.loginId)).params.error,
      'Login server error: Token exchange failed: token endpoint returned status 400 Bad Request: code expired',
    );
  });

  it('a second sign-in ends the first one', async (t) => {
    const { client } = await signInRig(t);
    const first = await startBrowserLogin(client);
    const second = await startBrowserLogin(client);
    assert.equal((await completion(client, first.loginId)).params.success, false);
    assert.deepEqual((await client.call('account/login/cancel', { loginId: second.loginId })), { status: 'canceled' });
  });

  it('refuses ChatGPT sign-in while a client\'s tokens are in effect', async (t) => {
    const { client } = await signInRig(t);
    resultOf(
      await client.request('account/login/start', {
        type: 'chatgptAuthTokens',
        accessToken: issuedAccessToken(),
        chatgptAccountId: 'acct_1',
        chatgptPlanType: null,
      }),
    );
    for (const type of ['chatgpt', 'chatgptDeviceCode']) {
      const refused = await client.request('account/login/start', { type });
      assert.deepEqual(refused.error, {
        code: -32600,
        message: 'External auth is active. Use account/login/start (chatgptAuthTokens) to update it or account/logout to clear it.',
      });
    }
  });

  it('refuses ChatGPT sign-in when config.toml forces API-key login', async (t) => {
    const issuer = await startFakeIssuer(t);
    const { client } = await startAccountRig(t, {
      configExtra: 'forced_login_method = "api"',
      env: { CODEX_APP_SERVER_LOGIN_ISSUER: issuer.origin, CODEX_APP_SERVER_LOGIN_PORT: '0' },
    });
    const refused = await client.request('account/login/start', { type: 'chatgpt' });
    assert.deepEqual(refused.error, { code: -32600, message: 'ChatGPT login is disabled. Use API key login instead.' });
  });
});

describe('ChatGPT device-code sign-in', () => {
  it('answers with the verification URL and user code, polls until approved, and stores the login', async (t) => {
    const { server, client, issuer } = await signInRig(t);
    const result = await client.call('account/login/start', { type: 'chatgptDeviceCode' });
    assert.ok(result.type === 'chatgptDeviceCode');
    assert.equal(result.verificationUrl, `${issuer.origin}/codex/device`);
    assert.equal(result.userCode, 'WXYZ-1234');
    const userCode = issuer.requests.find((r) => r.path === '/api/accounts/deviceauth/usercode');
    assert.deepEqual(userCode?.form, { client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' });

    const completed = await completion(client, result.loginId);
    assert.deepEqual(completed.params, { loginId: result.loginId, success: true, error: null, onboardingEntrypoint: null });
    const polls = issuer.requests.filter((r) => r.path === '/api/accounts/deviceauth/token');
    assert.equal(polls.length, 2);
    assert.deepEqual(polls[0]?.form, { device_auth_id: 'dev_1', user_code: 'WXYZ-1234' });
    const exchange = issuer.requests.find((r) => r.form.grant_type === 'authorization_code');
    assert.equal(exchange?.form.code, 'device-code');
    assert.equal(exchange?.form.code_verifier, 'verifier');
    assert.equal(exchange?.form.redirect_uri, `${issuer.origin}/deviceauth/callback`);
    // No API-key exchange for the device code [observed].
    assert.equal(issuer.requests.filter((r) => r.form.requested_token !== undefined).length, 0);
    const stored = JSON.parse(await readFile(join(server.codexHome, 'auth.json'), 'utf8')) as Record<string, any>;
    assert.equal(stored.OPENAI_API_KEY, null);
    assert.equal(stored.tokens.access_token, issuedAccessToken());
  });

  it('cancel stops the polling with `Login was not completed`', async (t) => {
    const { client, issuer } = await signInRig(t);
    issuer.behaviour.userCode = () => ({ status: 200, body: { device_auth_id: 'dev_2', user_code: 'AAAA-BBBB', interval: '30' } });
    const started = await client.call('account/login/start', { type: 'chatgptDeviceCode' });
    assert.ok(started.type === 'chatgptDeviceCode');
    const { loginId } = started;
    await issuer.waitFor((r) => r.path === '/api/accounts/deviceauth/token', 'the first poll');
    assert.deepEqual(await client.call('account/login/cancel', { loginId }), { status: 'canceled' });
    assert.equal((await completion(client, loginId)).params.error, 'Login was not completed');
  });

  it('says when device-code sign-in is off (404) and when the issuer cannot be reached', async (t) => {
    const { client, issuer } = await signInRig(t);
    issuer.behaviour.userCode = () => ({ status: 404, body: {} });
    const off = await client.request('account/login/start', { type: 'chatgptDeviceCode' });
    assert.deepEqual(off.error, {
      code: -32600,
      message: 'device code login is not enabled for this Codex server. Use the browser login or verify the server URL.',
    });

    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as { port: number }).port;
    closed.close();
    const unreachable = await signInRig(t, `http://127.0.0.1:${port}`);
    const error = errorOf(await unreachable.client.callRaw('account/login/start', { type: 'chatgptDeviceCode' }));

    assert.equal(error.code, -32603);
    assert.ok(
      error.message.startsWith(
        `failed to request device code: error sending request for url (http://127.0.0.1:${port}/api/accounts/deviceauth/usercode): `,
      ),
      error.message,
    );
    assert.match(error.message, /nothing is listening at 127\.0\.0\.1:\d+ \(ECONNREFUSED\): check the sign-in issuer/);
  });
});

