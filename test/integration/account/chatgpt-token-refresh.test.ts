import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeAccessToken, startAccountRig } from '../../helpers/chatgpt-auth.js';
import { httpReply, sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';
import { resultOf, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';

const UNAUTHORIZED = httpReply(401, { error: { message: 'token expired', code: 'token_expired' } });

async function loginWithTokens(client: RpcTestClient, accessToken: string, accountId: string): Promise<void> {
  resultOf(
    await client.request('account/login/start', {
      type: 'chatgptAuthTokens',
      accessToken,
      chatgptAccountId: accountId,
      chatgptPlanType: 'plus',
    }),
  );
}

function refreshRequests(client: RpcTestClient): ServerMessage[] {
  return client.received.filter((m) => m.method === 'account/chatgptAuthTokens/refresh');
}

describe('client-managed ChatGPT tokens after a 401', () => {
  it('asks the client for new tokens and sends the request once more with them', async (t) => {
    const { fake, client } = await startAccountRig(t, { replies: [UNAUTHORIZED, sseReply(textTurnFrames(['ok']))] });
    const oldToken = fakeAccessToken('acct_1', 'plus');
    const newToken = fakeAccessToken('acct_2', 'pro');
    await loginWithTokens(client, oldToken, 'acct_1');
    const threadId = await startThread(client);
    const turnId = await startTextTurn(client, threadId, 'hi');

    const refresh = await client.waitFor((m) => m.method === 'account/chatgptAuthTokens/refresh', 'the refresh request');
    assert.deepEqual(refresh.params, { reason: 'unauthorized', previousAccountId: 'acct_1' });
    client.send({ id: refresh.id, result: { accessToken: newToken, chatgptAccountId: 'acct_2', chatgptPlanType: 'pro' } });

    assert.equal((await turnCompleted(client, turnId)).turn.status, 'completed');
    const [first, second] = await fake.waitForRequests(2);
    assert.equal(first?.headers.authorization, `Bearer ${oldToken}`);
    assert.equal(first?.headers['chatgpt-account-id'], 'acct_1');
    assert.equal(second?.headers.authorization, `Bearer ${newToken}`);
    assert.equal(second?.headers['chatgpt-account-id'], 'acct_2');
    const account = (await client.call('account/read', {})).account as { planType: string };
    assert.equal(account.planType, 'pro');
  });

  it('refreshes once for requests that fail together, and all of them retry with the new tokens', async (t) => {
    const { fake, client } = await startAccountRig(t, {
      replies: [UNAUTHORIZED, UNAUTHORIZED, sseReply(textTurnFrames(['a'])), sseReply(textTurnFrames(['b']))],
    });
    await loginWithTokens(client, fakeAccessToken('acct_1', 'plus'), 'acct_1');
    const newToken = fakeAccessToken('acct_1', 'plus', 'renewed@example.com');
    const [threadA, threadB] = [await startThread(client), await startThread(client)];
    const turnA = await startTextTurn(client, threadA, 'a');
    const turnB = await startTextTurn(client, threadB, 'b');
    const refresh = await client.waitFor((m) => m.method === 'account/chatgptAuthTokens/refresh', 'the refresh request');
    // Both requests were refused before the client answers: the second one waits for the same refresh.
    await fake.waitForRequests(2);
    client.send({ id: refresh.id, result: { accessToken: newToken, chatgptAccountId: 'acct_1', chatgptPlanType: null } });

    await turnCompleted(client, turnA);
    await turnCompleted(client, turnB);
    assert.equal(refreshRequests(client).length, 1);
    const retried = (await fake.waitForRequests(4)).slice(2);
    assert.deepEqual(
      retried.map((request) => request.headers.authorization),
      [`Bearer ${newToken}`, `Bearer ${newToken}`],
    );
  });

  it('asks every client and takes the first answer', async (t) => {
    const { fake, client, connect } = await startAccountRig(t, { replies: [UNAUTHORIZED, sseReply(textTurnFrames(['ok']))] });
    const helper = await connect('token-holder');
    await loginWithTokens(client, fakeAccessToken('acct_1', 'plus'), 'acct_1');
    const threadId = await startThread(client);
    const turnId = await startTextTurn(client, threadId, 'hi');
    const [toClient, toHelper] = await Promise.all(
      [client, helper].map((c) => c.waitFor((m) => m.method === 'account/chatgptAuthTokens/refresh', 'the refresh request')),
    );
    assert.deepEqual(toHelper?.params, toClient?.params);
    const newToken = fakeAccessToken('acct_1', 'plus', 'helper@example.com');
    helper.send({ id: toHelper?.id, result: { accessToken: newToken, chatgptAccountId: 'acct_1', chatgptPlanType: null } });
    await turnCompleted(client, turnId);
    // A late answer from the other client changes nothing.
    client.send({ id: toClient?.id, result: { accessToken: 'late', chatgptAccountId: 'acct_9', chatgptPlanType: null } });
    const [, retried] = await fake.waitForRequests(2);
    assert.equal(retried?.headers.authorization, `Bearer ${newToken}`);
    const account = (await client.call('account/read', {})).account as { email: string };
    assert.equal(account.email, 'helper@example.com');
  });

  it('fails the turn with the 401 when the client answers the refresh with an error', async (t) => {
    const { fake, client } = await startAccountRig(t, { replies: [UNAUTHORIZED] });
    await loginWithTokens(client, fakeAccessToken('acct_1', 'plus'), 'acct_1');
    const threadId = await startThread(client);
    const turnId = await startTextTurn(client, threadId, 'hi');
    const refresh = await client.waitFor((m) => m.method === 'account/chatgptAuthTokens/refresh', 'the refresh request');
    client.send({ id: refresh.id, error: { code: -32000, message: 'user signed out' } });

    const turn = (await turnCompleted(client, turnId)).turn as { status: string; error: { message: string } };
    assert.equal(turn.status, 'failed');
    assert.match(turn.error.message, /^unexpected status 401 Unauthorized: token expired/);
    assert.equal(fake.requests.length, 1);
  });

  it('does not ask for a refresh when the 401 comes with a key from auth.json', async (t) => {
    const { fake, client } = await startAccountRig(t, { replies: [UNAUTHORIZED] });
    await client.call('account/login/start', { type: 'apiKey', apiKey: 'sk-revoked' });
    const threadId = await startThread(client);
    const turn = (await turnCompleted(client, await startTextTurn(client, threadId, 'hi'))).turn as { status: string };
    assert.equal(turn.status, 'failed');
    assert.equal(refreshRequests(client).length, 0);
    assert.equal(fake.requests.length, 1);
  });
});
