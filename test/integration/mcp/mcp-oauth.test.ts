import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startHttpFixture, stdioServerToml } from '../../helpers/mcp-fixture.js';
import { resultOf, startThreadRig } from '../../helpers/thread-server.js';

describe('mcpServer/oauth/login', () => {
  it('signs in to a streamable HTTP server through its authorization server and uses the token', async (t) => {
    const url = await startHttpFixture(t, { FIXTURE_OAUTH: '1', FIXTURE_REQUIRE_BEARER: 'oauth-token' });
    const rig = await startThreadRig(t, {
      configExtra: [`[mcp_servers.web]`, `url = ${JSON.stringify(url)}`, '', stdioServerToml('fx')].join('\n'),
    });
    const before = (resultOf(await rig.client.request('mcpServerStatus/list', { serverName: 'web' })).data as Record<string, unknown>[])[0];
    assert.equal(before?.authStatus, 'unknown');
    assert.match(String(before?.toolsError), /^MCP startup failed: /);

    const login = resultOf(await rig.client.request('mcpServer/oauth/login', { name: 'web' }));
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

    const after = (resultOf(await rig.client.request('mcpServerStatus/list', { serverName: 'web' })).data as Record<string, unknown>[])[0];
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
});
