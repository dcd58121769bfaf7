import { createServer } from 'node:http';
import type { TestContext } from 'node:test';
import { fakeJwt } from './chatgpt-auth.js';
import { listenUntilTestEnds, RequestLog, type RecordedRequests } from './request-log.js';

/** One request the fake issuer received; `form` is the body parsed as a form or JSON. */
export interface IssuerRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly form: Record<string, string>;
}

export interface IssuerAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** What the fake answers; each handler may be replaced by a test. */
export interface IssuerBehaviour {
  authorizationCode: (form: Record<string, string>) => IssuerAnswer;
  apiKeyExchange: (form: Record<string, string>) => IssuerAnswer;
  refresh: (form: Record<string, string>) => IssuerAnswer;
  userCode: () => IssuerAnswer;
  /** Called for each poll; the default approves on the second one. */
  deviceToken: (pollNumber: number) => IssuerAnswer;
}

export interface FakeIssuer extends RecordedRequests<IssuerRequest> {
  /** `http://127.0.0.1:<port>`, for CODEX_APP_SERVER_LOGIN_ISSUER. */
  readonly origin: string;
  readonly behaviour: IssuerBehaviour;
}

export const ISSUED_ID_TOKEN = fakeJwt({
  email: 'signed-in@example.com',
  exp: 4_102_444_800,
  'https://api.openai.com/auth': {
    chatgpt_plan_type: 'plus',
    chatgpt_account_id: 'acct_signed_in',
    chatgpt_user_id: 'user_signed_in',
    organization_id: 'org_1',
  },
});

export function issuedAccessToken(plan = 'pro', exp = 4_102_444_800): string {
  return fakeJwt({ exp, 'https://api.openai.com/auth': { chatgpt_plan_type: plan, chatgpt_account_id: 'acct_signed_in' } });
}

/**
 * A fake OAuth issuer on 127.0.0.1:0 speaking what the sign-in and refresh use: `/oauth/token` (authorization
 * code, API-key token exchange, refresh), `/api/accounts/deviceauth/usercode` and `/deviceauth/token`. Stopped in
 * `t.after`.
 */
export async function startFakeIssuer(t: TestContext): Promise<FakeIssuer> {
  const log = new RequestLog<IssuerRequest>();
  let polls = 0;
  const behaviour: IssuerBehaviour = {
    authorizationCode: () => ({
      status: 200,
      body: { id_token: ISSUED_ID_TOKEN, access_token: issuedAccessToken(), refresh_token: 'rt_issued' },
    }),
    apiKeyExchange: () => ({ status: 200, body: { access_token: 'sk-from-exchange' } }),
    refresh: () => ({ status: 200, body: { access_token: issuedAccessToken('pro'), refresh_token: 'rt_rotated' } }),
    userCode: () => ({ status: 200, body: { device_auth_id: 'dev_1', user_code: 'WXYZ-1234', interval: '0' } }),
    deviceToken: (pollNumber) =>
      pollNumber < 2
        ? { status: 403, body: { error: 'authorization_pending' } }
        : { status: 200, body: { authorization_code: 'device-code', code_challenge: 'challenge', code_verifier: 'verifier' } },
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const contentType = req.headers['content-type'] ?? '';
      let form: Record<string, string> = {};
      if (contentType.includes('json')) form = JSON.parse(raw || '{}') as Record<string, string>;
      else form = Object.fromEntries(new URLSearchParams(raw));
      const path = req.url ?? '/';
      log.record({ method: req.method ?? 'GET', path, contentType, form });
      let answer: IssuerAnswer = { status: 404, body: { error: 'not found' } };
      if (path === '/oauth/token' && form.grant_type === 'authorization_code') answer = behaviour.authorizationCode(form);
      else if (path === '/oauth/token' && form.grant_type === 'refresh_token') answer = behaviour.refresh(form);
      else if (path === '/oauth/token') answer = behaviour.apiKeyExchange(form);
      else if (path === '/api/accounts/deviceauth/usercode') answer = behaviour.userCode();
      else if (path === '/api/accounts/deviceauth/token') answer = behaviour.deviceToken(++polls);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  const origin = await listenUntilTestEnds(t, server);
  return {
    origin,
    requests: log.entries,
    behaviour,
    waitFor: (predicate, what) => log.waitFor(predicate, what),
  };
}
