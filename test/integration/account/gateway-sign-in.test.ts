import assert from 'node:assert/strict';
import { readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { gatewayCredentialId, gatewayOAuthSettings } from '../../../src/auth/gateway/gateway-oauth-settings.js';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import {
  freePort,
  gatewayOAuthToml,
  issuedGatewayTokens,
  startFakeGatewayOAuth,
  type FakeGatewayOAuth,
} from '../../helpers/fake-gateway-oauth.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

/** A server whose `mock` provider sits behind a gateway that wants its own OAuth sign-in. */
async function gatewayRig(t: TestContext, delivery = '', replies = [sseReply(textTurnFrames(['ok']))]) {
  const gateway = await startFakeGatewayOAuth(t);
  const port = await freePort();
  const rig = await startThreadRig(t, { replies, providerExtra: gatewayOAuthToml('mock', gateway, port, delivery) });
  return { ...rig, gateway, port };
}

function changed(client: RpcTestClient): Record<string, unknown>[] {
  return client.received
    .filter((m) => m.method === 'account/gatewayOAuth/changed')
    .map((m) => m.params as Record<string, unknown>);
}

function waitForStatus(client: RpcTestClient, status: string): Promise<ServerMessage> {
  return client.waitFor(
    (m) => m.method === 'account/gatewayOAuth/changed' && (m.params as { status: string }).status === status && (m.params as { loginId?: unknown }).loginId === null,
    `account/gatewayOAuth/changed ${status}`,
  );
}

/** Runs the browser sign-in to its end: the redirect comes back with a code, and the login answers. */
async function browserSignIn(client: RpcTestClient, gateway: FakeGatewayOAuth): Promise<ServerMessage> {
  const answer = client.request('account/gatewayOAuth/login', {});
  const handoff = await client.waitFor(
    (m) => m.method === 'account/gatewayOAuth/changed' && typeof (m.params as { authUrl?: unknown }).authUrl === 'string',
    'the authorization URL',
  );
  const authUrl = new URL((handoff.params as { authUrl: string }).authUrl);
  const redirect = authUrl.searchParams.get('redirect_uri') ?? '';
  const state = authUrl.searchParams.get('state') ?? '';
  const page = await fetch(`${redirect}?code=the-code&state=${encodeURIComponent(state)}`);
  assert.equal(page.status, 200);
  await page.text();
  await gateway.waitFor((r) => r.form.grant_type === 'authorization_code', 'the code exchange');
  return answer;
}

describe('account/gatewayOAuth/login signs in to a model gateway', () => {
  it('browser: PKCE authorization URL, callback, code exchange, stored tokens, then model requests carry the token', async (t) => {
    const { client, gateway, port, fake, server } = await gatewayRig(t);
    const answer = client.request('account/gatewayOAuth/login', {});
    const handoff = await client.waitFor(
      (m) => m.method === 'account/gatewayOAuth/changed' && typeof (m.params as { authUrl?: unknown }).authUrl === 'string',
      'the authorization URL',
    );
    const params = handoff.params as { authUrl: string; status: string; providerId: string; loginId: unknown };
    assert.equal(params.status, 'started');
    assert.equal(params.providerId, 'mock');
    assert.equal(params.loginId, null);
    const authUrl = new URL(params.authUrl);
    assert.equal(`${authUrl.origin}${authUrl.pathname}`, `${gateway.base}/authorize`);
    assert.deepEqual(
      [...authUrl.searchParams.keys()],
      ['response_type', 'client_id', 'redirect_uri', 'code_challenge', 'code_challenge_method', 'state', 'scope'],
    );
    assert.equal(authUrl.searchParams.get('redirect_uri'), `http://127.0.0.1:${port}/callback`);
    assert.equal(authUrl.searchParams.get('scope'), 'model:invoke offline');
    assert.equal(authUrl.searchParams.get('code_challenge_method'), 'S256');
    await waitForStatus(client, 'started');
    assert.equal((resultOf(await client.request('account/gatewayOAuth/read')) as { status: string }).status, 'started');

    // A second sign-in waits for this one; a wrong state or path does not end it.
    assert.deepEqual((await client.request('account/gatewayOAuth/login', {})).error, {
      code: -32600,
      message: 'Gateway sign-in is already in progress',
    });
    const redirect = `http://127.0.0.1:${port}/callback`;
    const wrongState = await fetch(`${redirect}?code=x&state=wrong`);
    assert.deepEqual([wrongState.status, await wrongState.text()], [400, 'OAuth callback state did not match']);
    const elsewhere = await fetch(`http://127.0.0.1:${port}/other`);
    assert.deepEqual([elsewhere.status, await elsewhere.text()], [404, 'Not found']);

    const state = authUrl.searchParams.get('state') ?? '';
    const page = await fetch(`${redirect}?code=the-code&state=${encodeURIComponent(state)}`);
    assert.equal(page.status, 200);
    await page.text();
    assert.deepEqual(resultOf(await answer), { prompt: null });
    const exchange = await gateway.waitFor((r) => r.form.grant_type === 'authorization_code', 'the code exchange');
    assert.deepEqual(
      exchange.fields.map(([name]) => name),
      ['grant_type', 'client_id', 'code', 'redirect_uri', 'code_verifier'],
    );
    assert.equal(exchange.form.code, 'the-code');
    assert.equal(exchange.form.redirect_uri, redirect);
    assert.match(exchange.form.code_verifier ?? '', /^[A-Za-z0-9_-]{43,128}$/);
    await waitForStatus(client, 'succeeded');
    const read = resultOf(await client.request('account/gatewayOAuth/read'));
    assert.deepEqual([read.status, read.error], ['succeeded', null]);

    // The tokens are kept for the next server, readable by the owner only.
    const file = join(server.codexHome, 'gateway_oauth.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const stored = Object.values(JSON.parse(await readFile(file, 'utf8')) as Record<string, { access_token: string }>);
    assert.deepEqual(stored.map((token) => token.access_token), ['gw_at_1']);

    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'hi'));
    const [request] = await fake.waitForRequests(1);
    assert.equal(request?.headers.authorization, 'Bearer gw_at_1');
  });

  it('device: answers the code to enter, polls until approved, reports the end to the caller with its loginId', async (t) => {
    const { client, gateway, fake } = await gatewayRig(t, 'delivery = { kind = "cookie", name = "gw_session" }');
    const prompt = resultOf(await client.request('account/gatewayOAuth/login', { deviceAuth: true })).prompt as Record<string, string>;
    assert.deepEqual(Object.keys(prompt), ['loginId', 'verificationUrl', 'userCode']);
    assert.equal(prompt.userCode, 'GATE-1234');
    assert.equal(prompt.verificationUrl, `${new URL(gateway.base).origin}/verify`);
    const device = await gateway.waitFor((r) => r.path === '/oauth/device', 'the device authorization request');
    assert.deepEqual(device.fields, [
      ['scope', 'model:invoke offline'],
      ['client_id', 'codex-desktop'],
    ]);
    assert.equal(device.accept, 'application/json');
    const ended = await client.waitFor(
      (m) => m.method === 'account/gatewayOAuth/changed' && (m.params as { loginId?: unknown }).loginId === prompt.loginId,
      'the device sign-in end',
    );
    assert.deepEqual(ended.params, { loginId: prompt.loginId, authUrl: null, providerId: 'mock', status: 'succeeded', error: null });
    await waitForStatus(client, 'succeeded');
    const polls = gateway.requests.filter((r) => r.form.grant_type === 'urn:ietf:params:oauth:grant-type:device_code');
    assert.equal(polls.length, 2);
    assert.deepEqual(polls[0]?.fields, [
      ['grant_type', 'urn:ietf:params:oauth:grant-type:device_code'],
      ['device_code', 'dev-code-1'],
      ['client_id', 'codex-desktop'],
    ]);

    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'hi'));
    const [request] = await fake.waitForRequests(1);
    assert.equal(request?.headers.cookie, 'gw_session=gw_at_1');
    assert.equal(request?.headers.authorization, undefined);
  });

  it('a device code the person denies ends the sign-in as failed', async (t) => {
    const { client, gateway } = await gatewayRig(t);
    gateway.behaviour.devicePoll = () => ({ status: 400, body: { error: 'access_denied' } });
    const prompt = resultOf(await client.request('account/gatewayOAuth/login', { deviceAuth: true })).prompt as Record<string, string>;
    const ended = await client.waitFor(
      (m) => m.method === 'account/gatewayOAuth/changed' && (m.params as { loginId?: unknown }).loginId === prompt.loginId,
      'the device sign-in end',
    );
    const message = 'Device authorization was denied; start sign-in again when ready';
    assert.deepEqual(ended.params, { loginId: prompt.loginId, authUrl: null, providerId: 'mock', status: 'failed', error: message });
    const read = resultOf(await client.request('account/gatewayOAuth/read'));
    assert.deepEqual([read.status, read.error], ['failed', message]);
  });

  it('an expiring token is refreshed before the model request, and the new one stored', async (t) => {
    const { client, gateway, fake, server } = await gatewayRig(t);
    // Thirty seconds left is too little: the reference refreshes tokens that close to expiry.
    gateway.behaviour.code = () => issuedGatewayTokens(1, 20);
    gateway.behaviour.refresh = () => issuedGatewayTokens(2);
    resultOf(await browserSignIn(client, gateway));
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'hi'));
    const refresh = await gateway.waitFor((r) => r.form.grant_type === 'refresh_token', 'the refresh');
    assert.deepEqual(refresh.fields, [
      ['grant_type', 'refresh_token'],
      ['client_id', 'codex-desktop'],
      ['refresh_token', 'gw_rt_1'],
    ]);
    const [request] = await fake.waitForRequests(1);
    assert.equal(request?.headers.authorization, 'Bearer gw_at_2');
    const stored = Object.values(JSON.parse(await readFile(join(server.codexHome, 'gateway_oauth.json'), 'utf8')) as Record<string, { access_token: string }>);
    assert.deepEqual(stored.map((token) => token.access_token), ['gw_at_2']);
  });

  it('tokens another server stored are read: the status is succeeded and model requests carry them', async (t) => {
    const { client, gateway, port, fake, server } = await gatewayRig(t);
    const settings = gatewayOAuthSettings({
      authorization_url: `${gateway.base}/authorize`,
      token_url: `${gateway.base}/token`,
      device_authorization_url: `${gateway.base}/device`,
      client_id: 'codex-desktop',
      scopes: ['model:invoke', 'offline'],
      redirect_port: port,
    });
    const id = gatewayCredentialId(await realpath(server.codexHome), settings);
    const token = { access_token: 'gw_at_elsewhere', refresh_token: 'gw_rt_elsewhere', expires_at: Math.floor(Date.now() / 1000) + 3600 };
    await writeFile(join(server.codexHome, 'gateway_oauth.json'), JSON.stringify({ [id]: token }), { mode: 0o600 });
    const read = resultOf(await client.request('account/gatewayOAuth/read'));
    assert.deepEqual([read.status, read.error], ['succeeded', null]);
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'hi'));
    const [request] = await fake.waitForRequests(1);
    assert.equal(request?.headers.authorization, 'Bearer gw_at_elsewhere');
  });

  it('without a sign-in, a turn fails with the reference sentence and no model request is sent', async (t) => {
    const { client, fake } = await gatewayRig(t);
    const threadId = await startThread(client);
    const completed = await turnCompleted(client, await startTextTurn(client, threadId, 'hi'));
    const turn = completed.turn as { status: string; error: { message: string; codexErrorInfo: unknown } };
    assert.equal(turn.status, 'failed');
    assert.equal(turn.error.message, 'Gateway sign-in required. Choose Sign in or Reconnect, then retry your request');
    assert.equal(turn.error.codexErrorInfo, 'other');
    assert.equal(fake.requests.length, 0);
  });

  it('cancel ends the pending sign-in of the calling connection; another connection may not', async (t) => {
    const rig = await gatewayRig(t);
    const { client } = rig;
    const answer = client.request('account/gatewayOAuth/login', {});
    await waitForStatus(client, 'started');
    const other = await rig.connect('other-client');
    assert.deepEqual((await other.request('account/gatewayOAuth/cancel')).error, {
      code: -32600,
      message: 'Gateway sign-in belongs to another connection',
    });
    assert.deepEqual(resultOf(await client.request('account/gatewayOAuth/cancel')), {});
    assert.deepEqual((await answer).error, { code: -32603, message: 'Gateway sign-in was canceled' });
    await waitForStatus(other, 'failed');
    assert.deepEqual(changed(other).at(-1), {
      loginId: null,
      authUrl: null,
      providerId: 'mock',
      status: 'failed',
      error: 'Gateway sign-in was canceled',
    });
    // The slot is free again, and nothing is left to cancel.
    assert.deepEqual(resultOf(await client.request('account/gatewayOAuth/cancel')), {});
    // Only the connection that started the sign-in got the URL.
    assert.ok(changed(other).every((params) => params.authUrl === null));
  });

  it('closing the connection that started a sign-in ends it, so another may start', async (t) => {
    const rig = await gatewayRig(t);
    const starter = await rig.connect('starter');
    void starter.request('account/gatewayOAuth/login', {}).catch(() => {});
    await waitForStatus(rig.client, 'started');
    await starter.close();
    await waitForStatus(rig.client, 'failed');
    assert.equal(changed(rig.client).at(-1)?.error, 'Gateway sign-in was canceled');
    const again = rig.client.request('account/gatewayOAuth/login', {});
    await rig.client.waitFor(
      (m) => m.method === 'account/gatewayOAuth/changed' && typeof (m.params as { authUrl?: unknown }).authUrl === 'string',
      'the new sign-in',
    );
    assert.deepEqual(resultOf(await rig.client.request('account/gatewayOAuth/cancel')), {});
    assert.equal(((await again).error as { message: string }).message, 'Gateway sign-in was canceled');
  });
});
