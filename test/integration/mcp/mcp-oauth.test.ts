import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { startHttpFixture, stdioServerToml } from '../../helpers/mcp-fixture.js';
import { resultOf, startThreadRig, type ThreadTestRig } from '../../helpers/thread-server.js';

const CREDENTIALS_FILE = 'mcp-oauth-credentials.json';

/** A server signed in to the HTTP fixture `web` (whose refresh token is `good-refresh`) through mcpServer/oauth/login. */
async function signedIn(t: TestContext): Promise<{ rig: ThreadTestRig; key: string }> {
  const url = await startHttpFixture(t, { FIXTURE_OAUTH: '1', FIXTURE_REQUIRE_BEARER: 'oauth-token', FIXTURE_REFRESH_TOKEN: 'good-refresh' });
  const rig = await startThreadRig(t, { configExtra: [`[mcp_servers.web]`, `url = ${JSON.stringify(url)}`].join('\n') });
  const login = await rig.client.call('mcpServer/oauth/login', { name: 'web' });
  const authorization = new URL(String(login.authorizationUrl));
  const redirect = new URL(String(authorization.searchParams.get('redirect_uri')));
  redirect.searchParams.set('code', 'fixture-code');
  redirect.searchParams.set('state', String(authorization.searchParams.get('state')));
  assert.equal((await fetch(redirect)).status, 200);
  await rig.client.notification('mcpServer/oauthLogin/completed');
  return { rig, key: `web|${url}` };
}

type StoredLogin = Record<string, unknown>;

async function storedLogin(rig: ThreadTestRig, key: string): Promise<StoredLogin> {
  return (JSON.parse(await readFile(join(rig.server.codexHome, CREDENTIALS_FILE), 'utf8')) as Record<string, StoredLogin>)[key] ?? {};
}

/** Rewrites the stored login (e.g. to expire it), then restarts the servers so the next start reads it. */
async function alterLoginAndReload(rig: ThreadTestRig, key: string, change: StoredLogin): Promise<Record<string, unknown>> {
  const path = join(rig.server.codexHome, CREDENTIALS_FILE);
  const all = JSON.parse(await readFile(path, 'utf8')) as Record<string, StoredLogin>;
  await writeFile(path, JSON.stringify({ ...all, [key]: { ...all[key], ...change } }));
  await rig.client.call('config/mcpServer/reload', {});
  const data = (await rig.client.call('mcpServerStatus/list', { serverName: 'web' })).data;
  return data[0] ?? {};
}

describe('mcpServer/oauth/login', () => {
  it('signs in to a streamable HTTP server through its authorization server and uses the token', async (t) => {
    const url = await startHttpFixture(t, { FIXTURE_OAUTH: '1', FIXTURE_REQUIRE_BEARER: 'oauth-token' });
    const rig = await startThreadRig(t, {
      configExtra: [`[mcp_servers.web]`, `url = ${JSON.stringify(url)}`, '', stdioServerToml('fx')].join('\n'),
    });
    const before = ((await rig.client.call('mcpServerStatus/list', { serverName: 'web' })).data)[0];
    assert.equal(before?.authStatus, 'unknown');
    assert.match(String(before?.toolsError), /^MCP startup failed: /);

    const login = await rig.client.call('mcpServer/oauth/login', { name: 'web' });
    assert.equal(typeof login.loginId, 'string');
    const authorization = new URL(String(login.authorizationUrl));
    assert.equal(authorization.origin + authorization.pathname, `${new URL(url).origin}/authorize`);
    assert.equal(authorization.searchParams.get('client_id'), 'fixture-client');
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
    const redirect = new URL(String(authorization.searchParams.get('redirect_uri')));
    assert.equal(redirect.hostname, '127.0.0.1');

    // What the browser does once the user has signed in.
    redirect.searchParams.set('code', 'fixture-code');
    redirect.searchParams.set('state', String(authorization.searchParams.get('state')));
    const landing = await fetch(redirect);
    assert.equal(landing.status, 200);
    const completed = await rig.client.notification('mcpServer/oauthLogin/completed');
    assert.deepEqual(completed.params, { name: 'web', success: true, error: null, loginId: login.loginId, threadId: null });

    const after = ((await rig.client.call('mcpServerStatus/list', { serverName: 'web' })).data)[0];
    assert.equal(after?.authStatus, 'oAuth');
    assert.equal(after?.toolsError, null);
    assert.ok('echo' in (after?.tools as Record<string, unknown>));
  });

  it("answers the reference's errors for unknown and stdio servers", async (t) => {
    const rig = await startThreadRig(t, { configExtra: stdioServerToml('fx') });
    assert.deepEqual((await rig.client.request('mcpServer/oauth/login', { name: 'nope' })).error, {
      code: -32600,
      message: "No MCP server named 'nope' found.",
    });
    assert.deepEqual((await rig.client.request('mcpServer/oauth/login', { name: 'fx' })).error, {
      code: -32600,
      message: 'OAuth login is only supported for streamable HTTP servers.',
    });
  });

  it('stores the registered client with the token, and refreshes an expired token before connecting', async (t) => {
    const { rig, key } = await signedIn(t);
    const login = await storedLogin(rig, key);
    assert.deepEqual(login.client, { clientId: 'fixture-client', clientSecret: null });
    assert.equal(login.refreshToken, 'good-refresh');

    const status = await alterLoginAndReload(rig, key, { accessToken: 'stale', expiresAtMs: Date.now() - 1000 });
    assert.equal(status.toolsError, null);
    assert.equal(status.authStatus, 'oAuth');
    assert.ok('echo' in (status.tools as Record<string, unknown>));
    const refreshed = await storedLogin(rig, key);
    assert.equal(refreshed.accessToken, 'oauth-token');
    assert.equal(refreshed.refreshToken, 'good-refresh-next');
    assert.ok(Number(refreshed.expiresAtMs) > Date.now() + 60_000);
  });

  it('refreshes once when the server refuses a token that has not expired', async (t) => {
    const { rig, key } = await signedIn(t);
    const status = await alterLoginAndReload(rig, key, { accessToken: 'revoked' });
    assert.equal(status.toolsError, null);
    assert.equal((await storedLogin(rig, key)).accessToken, 'oauth-token');
  });

  it('reports a refused refresh as the reference does and forgets the refresh token', async (t) => {
    const { rig, key } = await signedIn(t);
    // Observed from the reference 0.169.0 with the same refused refresh.
    const status = await alterLoginAndReload(rig, key, { accessToken: 'stale', expiresAtMs: Date.now() - 1000, refreshToken: 'bad-refresh' });
    assert.equal(status.toolsError, 'MCP startup failed: OAuth authorization required');
    assert.equal(status.authStatus, 'notLoggedIn');
    assert.deepEqual(status.tools, {});
    const login = await storedLogin(rig, key);
    assert.equal(login.refreshToken, null);
    assert.equal(login.accessToken, 'stale');
  });
});
