import type { TestContext } from 'node:test';
import type { FakeModelServerOptions, ScriptedReply } from './fake-model-server.js';
import { startThreadRig, type ThreadTestRig } from './thread-server.js';

/** An unsigned JWT carrying `claims` (the server reads claims without verifying, like the reference). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.sig`;
}

/** An access token for `accountId` on `plan`, valid for a long time. */
export function fakeAccessToken(accountId: string, plan: string, email = 'me@example.com'): string {
  return fakeJwt({
    exp: 4_102_444_800,
    'https://api.openai.com/auth': { chatgpt_plan_type: plan, chatgpt_account_id: accountId, chatgpt_user_id: 'user_7' },
    'https://api.openai.com/profile': { email },
  });
}

/**
 * auth.json as the reference writes it after a ChatGPT login (the reference's probe setup,
 * docs/protocol.md#attestation).
 */
export function chatgptAuthJson(accountId = 'acct_123', plan = 'plus'): Record<string, unknown> {
  return {
    auth_mode: 'chatgpt',
    OPENAI_API_KEY: null,
    tokens: {
      id_token: fakeJwt({
        email: 'me@example.com',
        'https://api.openai.com/auth': { chatgpt_plan_type: plan, chatgpt_account_id: accountId, chatgpt_user_id: 'user_9' },
      }),
      access_token: fakeAccessToken(accountId, plan),
      refresh_token: 'rt_fake',
      account_id: accountId,
    },
    last_refresh: new Date().toISOString(),
  };
}

/**
 * A server whose `mock` provider uses the Codex login (`requires_openai_auth = true`, docs/protocol.md#attestation) and
 * whose `chatgpt_base_url` is the fake's `/backend-api/`; `OPENAI_API_KEY` is unset so only the login authenticates.
 */
export function startAccountRig(
  t: TestContext,
  options: { replies?: readonly ScriptedReply[]; fake?: FakeModelServerOptions } = {},
): Promise<ThreadTestRig> {
  return startThreadRig(t, {
    ...options,
    providerExtra: 'requires_openai_auth = true',
    configExtraFor: (fake) => `chatgpt_base_url = "${fake.origin}/backend-api/"`,
    env: { OPENAI_API_KEY: undefined, CODEX_API_KEY: undefined },
  });
}
