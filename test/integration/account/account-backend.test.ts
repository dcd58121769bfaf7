import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { chatgptAuthJson } from '../../helpers/chatgpt-auth.js';
import { httpReply, startFakeModelServer } from '../../helpers/fake-model-server.js';
import type { HttpReply } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';

/** A server signed in with ChatGPT whose `chatgpt_base_url` is `baseUrl`. */
async function signedInClient(t: TestContext, baseUrl: string): Promise<RpcTestClient> {
  const server = await startTestServer(t, {}, `model = "m"\nchatgpt_base_url = "${baseUrl}"\n`, {}, { OPENAI_API_KEY: undefined });
  await writeFile(join(server.codexHome, 'auth.json'), JSON.stringify(chatgptAuthJson('acct_9', 'team')));
  const client = await RpcTestClient.connect(server.url);
  t.after(() => client.close());
  await client.initialize(null, 'desk-app');
  return client;
}

const json = (body: unknown): HttpReply => httpReply(200, JSON.stringify(body), { 'content-type': 'application/json' });

describe('account methods on the ChatGPT backend', () => {
  it('use the Codex API paths on a base without /backend-api, the security reminder under /wham, and the caller user agent', async (t) => {
    const fake = await startFakeModelServer(t, [], {
      routes: {
        '/base/api/codex/profiles/me': json({ stats: { lifetime_tokens: 5 } }),
        '/base/wham/security-setup': json({ notice: null }),
        '/base/api/codex/workspace-messages': json({ messages: [] }),
        '/base/api/codex/rate-limit-reset-credits/consume': json({ code: 'reset' }),
        '/base/api/codex/accounts/send_add_credits_nudge_email': json({}),
      },
    });
    t.after(() => fake.close());
    const client = await signedInClient(t, `${fake.origin}/base/`);

    assert.deepEqual((await client.request('account/usage/read', {}))['result'], {
      summary: { lifetimeTokens: 5, peakDailyTokens: null, longestRunningTurnSec: null, currentStreakDays: null, longestStreakDays: null },
      dailyUsageBuckets: null,
      threadUsage: null,
    });
    assert.deepEqual((await client.request('account/securitySetup/read', {}))['result'], { notice: null });
    assert.deepEqual((await client.request('account/workspaceMessages/read', {}))['result'], { featureEnabled: true, messages: [] });
    assert.deepEqual((await client.request('account/rateLimitResetCredit/consume', { idempotencyKey: 'a' }))['result'], {
      outcome: 'reset',
    });
    assert.deepEqual((await client.request('account/sendAddCreditsNudgeEmail', { creditType: 'usage_limit' }))['result'], {
      status: 'sent',
    });

    assert.deepEqual(
      fake.requests.map((request) => `${request.method} ${request.url}`),
      [
        'GET /base/api/codex/profiles/me',
        'GET /base/wham/security-setup',
        'GET /base/api/codex/workspace-messages',
        'POST /base/api/codex/rate-limit-reset-credits/consume',
        'POST /base/api/codex/accounts/send_add_credits_nudge_email',
      ],
    );
    for (const request of fake.requests) {
      assert.match(String(request.headers['user-agent']), /^desk-app\/0\.169\.0 .*\(desk-app; /);
      assert.equal(request.headers['chatgpt-account-id'], 'acct_9');
    }
    assert.deepEqual(fake.requests[3]?.body, { redeem_request_id: 'a' });
    assert.deepEqual(fake.requests[4]?.body, { credit_type: 'usage_limit' });
  });

  it('report a backend that cannot be reached, except the advisory security reminder', async (t) => {
    const client = await signedInClient(t, 'http://127.0.0.1:9/backend-api/');
    assert.deepEqual((await client.request('account/usage/read', {}))['error'], {
      code: -32603,
      message: 'failed to fetch token usage profile: error sending request for url (http://127.0.0.1:9/backend-api/wham/profiles/me)',
    });
    assert.deepEqual((await client.request('account/sendAddCreditsNudgeEmail', { creditType: 'credits' }))['error'], {
      code: -32603,
      message:
        'failed to notify workspace owner: error sending request for url (http://127.0.0.1:9/backend-api/wham/accounts/send_add_credits_nudge_email)',
    });
    assert.deepEqual((await client.request('account/securitySetup/read', {}))['result'], { notice: null });
  });
});
