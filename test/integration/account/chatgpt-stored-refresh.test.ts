import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { chatgptAuthJson, fakeAccessToken, fakeJwt, startAccountRig } from '../../helpers/chatgpt-auth.js';
import { issuedAccessToken, startFakeIssuer } from '../../helpers/fake-issuer.js';
import { httpReply, sseReply, textTurnFrames, type ScriptedReply } from '../../helpers/fake-model-server.js';
import { resultOf, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';

const UNAUTHORIZED = httpReply(401, { error: { message: 'token expired', code: 'token_expired' } });

/** A server whose auth.json holds a ChatGPT login (`access_token` as given), refreshing against a fake issuer. */
async function storedLoginRig(t: TestContext, replies: ScriptedReply[], accessToken = fakeAccessToken('acct_123', 'plus')) {
  const issuer = await startFakeIssuer(t);
  const rig = await startAccountRig(t, {
    replies,
    env: { CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${issuer.origin}/oauth/token` },
  });
  const authJson = chatgptAuthJson('acct_123', 'plus') as { tokens: Record<string, unknown>; last_refresh: string };
  authJson.tokens.access_token = accessToken;
  authJson.tokens.oauth_provenance = { issuer: 'https://auth.openai.com', client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' };
  authJson.last_refresh = '2026-01-01T00:00:00.000Z';
  const path = join(rig.server.codexHome, 'auth.json');
  await writeFile(path, JSON.stringify(authJson));
  return { ...rig, issuer, path };
}

async function stored(path: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
}

describe('ChatGPT tokens in auth.json are refreshed with their refresh token', () => {
  it('after a 401: refreshes (unauthorized_recovery), writes the new tokens back, and sends the request again', async (t) => {
    const { client, fake, issuer, path } = await storedLoginRig(t, [UNAUTHORIZED, sseReply(textTurnFrames(['ok']))]);
    const threadId = await startThread(client);
    const turn = await turnCompleted(client, await startTextTurn(client, threadId, 'hi'));
    assert.equal(turn.turn.status, 'completed');

    const refresh = issuer.requests.find((r) => r.form.grant_type === 'refresh_token');
    assert.equal(refresh?.contentType, 'application/json');
    assert.deepEqual(refresh?.form, {
      client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
      grant_type: 'refresh_token',
      refresh_reason: 'unauthorized_recovery',
      refresh_token: 'rt_fake',
    });
    const [first, second] = await fake.waitForRequests(2);
    assert.notEqual(first?.headers.authorization, second?.headers.authorization);
    assert.equal(second?.headers.authorization, `Bearer ${issuedAccessToken('pro')}`);

    const after = await stored(path);
    assert.equal(after.tokens.access_token, issuedAccessToken('pro'));
    assert.equal(after.tokens.refresh_token, 'rt_rotated');
    // The issuer sent no id_token: the old one stays, as do the fields the refresh does not concern.
    assert.equal(after.tokens.id_token, (chatgptAuthJson('acct_123', 'plus').tokens as { id_token: string }).id_token);
    assert.deepEqual(after.tokens.oauth_provenance, { issuer: 'https://auth.openai.com', client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' });
    assert.notEqual(after.last_refresh, '2026-01-01T00:00:00.000Z');
  });

  it('refreshes an access token past its exp before using it (proactive_expiry)', async (t) => {
    const expired = fakeJwt({ exp: 1_000, 'https://api.openai.com/auth': { chatgpt_account_id: 'acct_123' } });
    const { client, fake, issuer } = await storedLoginRig(t, [sseReply(textTurnFrames(['ok']))], expired);
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'hi'));
    const refresh = issuer.requests.find((r) => r.form.grant_type === 'refresh_token');
    assert.equal(refresh?.form.refresh_reason, 'proactive_expiry');
    const [request] = await fake.waitForRequests(1);
    assert.equal(request?.headers.authorization, `Bearer ${issuedAccessToken('pro')}`);
  });

  it('account/read with refreshToken:true refreshes (forced)', async (t) => {
    const { client, issuer, path } = await storedLoginRig(t, []);
    await client.call('account/read', { refreshToken: true });
    assert.equal(issuer.requests.find((r) => r.form.grant_type === 'refresh_token')?.form.refresh_reason, 'forced');
    assert.equal((await stored(path)).tokens.refresh_token, 'rt_rotated');
  });

  it('a refresh token the issuer refuses fails the turn with what to do', async (t) => {
    const { client, issuer } = await storedLoginRig(t, [UNAUTHORIZED]);
    issuer.behaviour.refresh = () => ({ status: 401, body: { error: { code: 'refresh_token_expired', message: 'expired' } } });
    const threadId = await startThread(client);
    const turn = await turnCompleted(client, await startTextTurn(client, threadId, 'hi'));
    const error = (turn.turn as { error: { message: string; codexErrorInfo: unknown } }).error;
    assert.equal(
      error.message,
      'Your access token could not be refreshed because your refresh token has expired. Please log out and sign in again.',
    );
    assert.equal(error.codexErrorInfo, 'unauthorized');
  });
});
