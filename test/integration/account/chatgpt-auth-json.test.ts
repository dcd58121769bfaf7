import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chatgptAuthJson, startAccountRig } from '../../helpers/chatgpt-auth.js';
import { httpReply, sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { resultOf, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';

/** The ChatGPT backend's usage answer (the shape the reference maps, probed with a fake backend). */
const USAGE = {
  plan_type: 'plus',
  account_id: 'acct_x',
  rate_limit: {
    allowed: true,
    limit_reached: false,
    primary_window: { used_percent: 42, limit_window_seconds: 18_000, reset_after_seconds: 100, reset_at: 1_795_960_000 },
    secondary_window: { used_percent: 7, limit_window_seconds: 604_800, reset_after_seconds: 1000, reset_at: 1_796_000_000 },
  },
  credits: { has_credits: true, unlimited: false, balance: '12.5' },
};

describe('a ChatGPT login in CODEX_HOME/auth.json', () => {
  it('describes the account, authenticates turns with the token and account id, and reads rate limits', async (t) => {
    const { server, fake, client } = await startAccountRig(t, {
      replies: [sseReply(textTurnFrames(['hi']))],
      fake: { routes: { '/backend-api/wham/usage': httpReply(200, USAGE) } },
    });
    const authJson = chatgptAuthJson('acct_123', 'plus');
    await writeFile(join(server.codexHome, 'auth.json'), JSON.stringify(authJson));

    assert.deepEqual(await client.call('account/read', {}), {
      account: { type: 'chatgpt', email: 'me@example.com', planType: 'plus', workspaceName: null },
      userId: 'user_9',
      requiresOpenaiAuth: true,
      workspaceRouting: null,
    });

    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'hello'));
    const turnRequest = fake.requests.find((request) => request.url.endsWith('/responses'));
    const tokens = authJson.tokens as { access_token: string };
    // The provider names its own base URL, so the request goes there (as in the reference's probe setup,
    // docs/protocol.md#attestation).
    assert.equal(turnRequest?.url, '/v1/responses');
    assert.equal(turnRequest?.headers.authorization, `Bearer ${tokens.access_token}`);
    assert.equal(turnRequest?.headers['chatgpt-account-id'], 'acct_123');

    const limits = resultOf(await client.request('account/rateLimits/read'));
    const snapshot = {
      limitId: 'codex',
      limitName: null,
      normalModelSlug: null,
      primary: { usedPercent: 42, windowDurationMins: 300, resetsAt: 1_795_960_000 },
      secondary: { usedPercent: 7, windowDurationMins: 10_080, resetsAt: 1_796_000_000 },
      credits: { hasCredits: true, unlimited: false, balance: '12.5' },
      individualLimit: null,
      spendControlReached: null,
      planType: 'plus',
      rateLimitReachedType: null,
    };
    assert.deepEqual(limits, {
      ordinaryUsageAllowed: null,
      rateLimits: snapshot,
      rateLimitsByLimitId: { codex: snapshot },
      rateLimitResetCredits: null,
      accountId: 'acct_x',
      rateLimitUpsell: null,
    });
    const usageRequest = fake.requests.find((request) => request.url === '/backend-api/wham/usage');
    assert.equal(usageRequest?.method, 'GET');
    assert.equal(usageRequest?.headers.authorization, `Bearer ${tokens.access_token}`);
    assert.equal(usageRequest?.headers['chatgpt-account-id'], 'acct_123');
    assert.match(String(usageRequest?.headers['user-agent']), /^test-client\/0\.169\.0 /);
  });

  it('reports a failed usage read with the reference text', async (t) => {
    const { server, fake, client } = await startAccountRig(t, {
      fake: { routes: { '/backend-api/wham/usage': httpReply(404, 'nf') } },
    });
    await writeFile(join(server.codexHome, 'auth.json'), JSON.stringify(chatgptAuthJson()));
    const response = await client.request('account/rateLimits/read');
    assert.deepEqual(response.error, {
      code: -32603,
      message: `failed to fetch codex rate limits: GET ${fake.origin}/backend-api/wham/usage failed: 404 Not Found; content-type=text/plain; body=nf`,
    });
  });
});
