import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fakeAccessToken, startAccountRig } from '../../helpers/chatgpt-auth.js';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';
import { methodsAfterResponse, resultOf, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';

/** The first `account/updated` received after `response`. */
function updateAfter(client: RpcTestClient, response: ServerMessage): Promise<ServerMessage> {
  return client.waitFor(
    (m) => m.method === 'account/updated' && client.received.indexOf(m) > client.received.indexOf(response),
    'account/updated after the response',
  );
}

const NO_AUTH_ERROR = 'codex account authentication required to read rate limits';

describe('account/login/start, account/logout', () => {
  it('stores an API key in auth.json (0600), announces it, authenticates turns, and logs out', async (t) => {
    const { server, fake, client, connect } = await startAccountRig(t, {
      replies: [sseReply(textTurnFrames(['one'])), sseReply(textTurnFrames(['two']))],
    });
    const other = await connect('other');
    assert.deepEqual(await client.call('account/read', {}), {
      account: null,
      userId: null,
      requiresOpenaiAuth: true,
      workspaceRouting: null,
    });
    const noAuth = await client.request('account/rateLimits/read');
    assert.deepEqual(noAuth.error, { code: -32600, message: NO_AUTH_ERROR });

    const login = await client.request('account/login/start', { type: 'apiKey', apiKey: 'sk-test-123' });
    assert.deepEqual(resultOf(login), { type: 'apiKey' });
    // The reference's order: the response, then login/completed, then account/updated, to every client.
    const updated = await client.notification('account/updated');
    assert.deepEqual(updated.params, { authMode: 'apikey', planType: null });
    assert.deepEqual(methodsAfterResponse(client, login.id as number), ['account/login/completed', 'account/updated']);
    const completed = client.received.find((m) => m.method === 'account/login/completed');
    assert.deepEqual(completed?.params, { loginId: null, success: true, error: null, onboardingEntrypoint: null });
    assert.deepEqual((await other.notification('account/updated')).params, { authMode: 'apikey', planType: null });

    const path = join(server.codexHome, 'auth.json');
    assert.equal(await readFile(path, 'utf8'), '{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "sk-test-123"\n}');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual((await client.call('account/read', {})).account, { type: 'apiKey' });
    const apiKeyLimits = await client.request('account/rateLimits/read');
    assert.deepEqual(apiKeyLimits.error, { code: -32600, message: 'chatgpt authentication required to read rate limits' });

    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'with a key'));
    const [withKey] = await fake.waitForRequests(1);
    assert.equal(withKey?.headers.authorization, 'Bearer sk-test-123');
    assert.equal(withKey?.headers['chatgpt-account-id'], undefined);

    const logout = await client.request('account/logout');
    assert.deepEqual(resultOf(logout), {});
    assert.deepEqual((await updateAfter(client, logout)).params, { authMode: null, planType: null });
    await assert.rejects(stat(path), { code: 'ENOENT' });
    assert.equal((await client.call('account/read', {})).account, null);
    assert.deepEqual((await client.request('account/rateLimits/read')).error, { code: -32600, message: NO_AUTH_ERROR });

    await turnCompleted(client, await startTextTurn(client, threadId, 'logged out'));
    const [, loggedOut] = await fake.waitForRequests(2);
    assert.equal(loggedOut?.headers.authorization, undefined);

    // Logging out again still announces the (unchanged) state [observed].
    const again = await client.request('account/logout');
    assert.deepEqual((await updateAfter(client, again)).params, { authMode: null, planType: null });
  });

  it('accepts client-managed ChatGPT tokens without writing auth.json', async (t) => {
    const { server, client } = await startAccountRig(t);
    const accessToken = fakeAccessToken('acct_1', 'pro', 'tokens@example.com');
    const login = await client.request('account/login/start', {
      type: 'chatgptAuthTokens',
      accessToken,
      chatgptAccountId: 'acct_1',
      chatgptPlanType: null,
    });
    assert.deepEqual(resultOf(login), { type: 'chatgptAuthTokens' });
    assert.deepEqual((await client.notification('account/updated')).params, {
      authMode: 'chatgptAuthTokens',
      planType: 'pro',
    });
    await assert.rejects(stat(join(server.codexHome, 'auth.json')), { code: 'ENOENT' });
    assert.deepEqual(await client.call('account/read', {}), {
      account: { type: 'chatgpt', email: 'tokens@example.com', planType: 'pro', workspaceName: null },
      userId: 'user_7',
      requiresOpenaiAuth: true,
      workspaceRouting: null,
    });
    // An explicit plan wins over the token's claim; an unknown one is `unknown`.
    await client.request('account/login/start', {
      type: 'chatgptAuthTokens',
      accessToken,
      chatgptAccountId: 'acct_1',
      chatgptPlanType: 'galaxy-brain',
    });
    const account = (await client.call('account/read', {})).account as { planType: string };
    assert.equal(account.planType, 'unknown');
  });
});
