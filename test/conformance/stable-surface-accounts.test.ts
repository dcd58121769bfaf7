import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { startBackendPair } from '../helpers/backend-pair.js';
import { chatgptAuthJson } from '../helpers/chatgpt-auth.js';
import { startFakeSentry } from '../helpers/fake-sentry.js';
import type { SentryEnvelope } from '../helpers/fake-sentry.js';
import { httpReply, startFakeModelServer } from '../helpers/fake-model-server.js';
import type { FakeModelServer, HttpReply, RecordedRequest } from '../helpers/fake-model-server.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { startTestServer } from '../helpers/server.js';
import { leftBehind } from '../helpers/temp-home.js';

/** Backend answers by path, changed between calls: both servers read the same fake. */
type Routes = Record<string, HttpReply>;

interface Pair {
  readonly ours: RpcTestClient;
  readonly reference: RpcTestClient;
  readonly backend: FakeModelServer;
  readonly routes: Routes;
}

const THREAD = '0199a213-81c0-7800-8aa1-bbab2a035a53';

/** Our server and the pinned reference on their own CODEX_HOMEs holding `auth` (none when null), one fake backend. */
async function startPair(t: TestContext, auth: Record<string, unknown> | null): Promise<Pair> {
  const routes: Routes = {};
  const { ours, reference, backend } = await startBackendPair(t, auth, routes);
  return { ours, reference, backend, routes };
}

/** The account requests one call sent the backend (the reference's start-up plugin and account checks left out). */
function accountRequests(requests: readonly RecordedRequest[]): unknown[] {
  return requests
    .filter((request) => !request.url.includes('/ps/plugins/') && !request.url.endsWith('/accounts/check'))
    .map((request) => ({
      method: request.method,
      url: request.url,
      body: request.body ?? null,
      authorization: request.headers.authorization ?? null,
      account: request.headers['chatgpt-account-id'] ?? null,
      contentType: request.headers['content-type'] ?? null,
      cacheControl: request.headers['cache-control'] ?? null,
    }));
}

/** Sends `params` to both; asserts the same answer and the same requests to the backend; returns the answer. */
async function sameAnswer(pair: Pair, method: string, params: unknown): Promise<unknown> {
  const exchange = async (client: RpcTestClient) => {
    const before = pair.backend.requests.length;
    const { id: _id, ...answer } = await client.request(method, params);
    return { answer, sent: accountRequests(pair.backend.requests.slice(before)) };
  };
  const ours = await exchange(pair.ours);
  const reference = await exchange(pair.reference);
  assert.deepEqual(ours, reference, `${method} ${JSON.stringify(params)}`);
  return ours.answer;
}

const json = (body: unknown, status = 200) => httpReply(status, JSON.stringify(body), { 'content-type': 'application/json' });

/** Every method once with valid params, then the params each refuses. */
async function everyMethod(pair: Pair): Promise<void> {
  await sameAnswer(pair, 'account/usage/read', {});
  await sameAnswer(pair, 'account/usage/read', { threadId: THREAD });
  await sameAnswer(pair, 'account/usage/read', { threadId: 'x' });
  await sameAnswer(pair, 'account/securitySetup/read', {});
  await sameAnswer(pair, 'account/workspaceMessages/read', {});
  await sameAnswer(pair, 'account/rateLimitResetCredit/consume', { idempotencyKey: 'k1' });
  await sameAnswer(pair, 'account/rateLimitResetCredit/consume', { idempotencyKey: 'k1', creditId: 'c9' });
  await sameAnswer(pair, 'account/rateLimitResetCredit/consume', { idempotencyKey: '' });
  await sameAnswer(pair, 'account/rateLimitResetCredit/consume', { idempotencyKey: 'k', creditId: '' });
  await sameAnswer(pair, 'account/rateLimitResetCredit/consume', {});
  await sameAnswer(pair, 'account/sendAddCreditsNudgeEmail', { creditType: 'credits' });
  await sameAnswer(pair, 'account/sendAddCreditsNudgeEmail', { creditType: 'usage_limit' });
  await sameAnswer(pair, 'account/sendAddCreditsNudgeEmail', { creditType: 'bogus' });
  await sameAnswer(pair, 'account/sendAddCreditsNudgeEmail', {});
}

describe('account methods answer as the reference 0.169.0 does', () => {
  it('without a login, and with an API key', async (t) => {
    for (const auth of [null, { auth_mode: 'apikey', OPENAI_API_KEY: 'sk-test' }]) {
      const pair = await startPair(t, auth);
      await everyMethod(pair);
      assert.deepEqual(accountRequests(pair.backend.requests), []);
    }
  });

  it('with a ChatGPT login, against a backend that answers', async (t) => {
    const pair = await startPair(t, chatgptAuthJson());
    // A backend without these routes (404): disabled features are answers, the rest errors with the reference text.
    await everyMethod(pair);

    pair.routes['/backend-api/wham/profiles/me'] = json({
      stats: {
        lifetime_tokens: 123,
        peak_daily_tokens: 45,
        longest_running_turn_sec: 67,
        current_streak_days: 8,
        longest_streak_days: 9,
        daily_usage_buckets: [{ start_date: '2026-05-29', tokens: 10 }],
      },
      display_name: 'ignored',
    });
    pair.routes['/backend-api/wham/usage/thread_usage/query'] = json({
      threads: [
        {
          thread_id: THREAD,
          estimated_usage_credits_micros: 46_000_000,
          estimated_usage_usd_micros: null,
          groups: [
            {
              model: 'gpt-5.4',
              reasoning_effort: 'high',
              speed: 'fast',
              estimated_usage_credits_micros: 46_000_000,
              net_new_input_tokens: 1,
              cached_input_tokens: 2,
              input_tokens: 3,
              output_tokens: 4,
              total_tokens: 7,
            },
          ],
        },
      ],
    });
    pair.routes['/backend-api/wham/security-setup'] = json({
      notice: { title: 'Keep safe', description: 'Set up security.', action: { label: 'Set up', url: 'https://chatgpt.com/cyber' } },
    });
    pair.routes['/backend-api/wham/workspace-messages'] = json({
      messages: [
        { message_id: 'm1', message_type: 'headline', message_body: 'Hello', created_at: '2026-06-14T00:00:00Z', archived_at: null },
        { message_id: 'm2', message_type: 'something-new', message_body: 'B' },
      ],
    });
    pair.routes['/backend-api/wham/rate-limit-reset-credits/consume'] = json({ code: 'reset', windows_reset: 2 });
    pair.routes['/backend-api/wham/accounts/send_add_credits_nudge_email'] = json({});
    await everyMethod(pair);

    for (const code of ['nothing_to_reset', 'no_credit', 'already_redeemed']) {
      pair.routes['/backend-api/wham/rate-limit-reset-credits/consume'] = json({ code });
      await sameAnswer(pair, 'account/rateLimitResetCredit/consume', { idempotencyKey: 'k2' });
    }

    // Statuses that are answers: 429 (a nudge cooling down), 403 (no billing route for the thread); and failures.
    pair.routes['/backend-api/wham/accounts/send_add_credits_nudge_email'] = httpReply(429, 'slow down');
    pair.routes['/backend-api/wham/usage/thread_usage/query'] = httpReply(403, 'no');
    pair.routes['/backend-api/wham/workspace-messages'] = httpReply(403, 'no');
    pair.routes['/backend-api/wham/security-setup'] = httpReply(500, 'boom');
    pair.routes['/backend-api/wham/profiles/me'] = json({ stats: {} });
    await sameAnswer(pair, 'account/sendAddCreditsNudgeEmail', { creditType: 'credits' });
    await sameAnswer(pair, 'account/usage/read', { threadId: THREAD });
    await sameAnswer(pair, 'account/workspaceMessages/read', {});
    await sameAnswer(pair, 'account/securitySetup/read', {});
    await sameAnswer(pair, 'account/usage/read', {});

    // Thread usage answers the reference refuses with fixed texts.
    for (const body of [{}, { threads: [] }, { threads: [{ thread_id: 'other', estimated_usage_credits_micros: 1 }] }]) {
      pair.routes['/backend-api/wham/usage/thread_usage/query'] = json(body);
      await sameAnswer(pair, 'account/usage/read', { threadId: THREAD });
    }
  });
});

/** An envelope with what differs per report (event ids, timestamps, the event's length) and the DSN key set aside. */
function comparable(envelope: SentryEnvelope): unknown {
  const [header = '', item = '', payload = '', ...rest] = envelope.lines;
  const itemHeader = JSON.parse(item) as Record<string, unknown>;
  const isEvent = itemHeader['type'] === 'event';
  return {
    url: envelope.url.replace(/^\/api\/\d+\//, '/api/<project>/'),
    encoding: envelope.headers['content-encoding'],
    auth: String(envelope.headers['x-sentry-auth']).replace(/=[^,]*/g, '=…'),
    header: Object.keys(JSON.parse(header) as object),
    item: isEvent ? { ...itemHeader, length: null } : itemHeader,
    payload: isEvent ? { ...(JSON.parse(payload) as object), event_id: null, timestamp: null } : payload,
    rest,
  };
}

describe('feedback/upload sends what the reference 0.169.0 sends', () => {
  it('the event, then each extra file, as Sentry envelopes; and the same refusals', async (t) => {
    const sentry = await startFakeSentry(t);
    const server = await startTestServer(t, {}, 'model = "m"\n', {}, { CODEX_APP_SERVER_FEEDBACK_DSN: sentry.dsn });
    const ours = await RpcTestClient.connect(server.url);
    t.after(() => ours.close());
    await ours.initialize({ experimentalApi: true });
    const referenceHome = await realpath(await mkdtemp(join(tmpdir(), 'reference-home-')));
    t.after(() => rm(referenceHome, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    await writeFile(join(referenceHome, 'config.toml'), 'model = "m"\n');
    const reference = await startReferenceServer(t, referenceHome, referenceHome, sentry.referenceEnv);
    t.after(() => reference.close());
    const log = join(referenceHome, 'notes.log');
    await writeFile(log, 'what happened\n');

    const uploads = [
      { classification: 'bug', reason: 'it broke', tags: { team: 'x' }, threadId: THREAD, extraLogFiles: [log] },
      { classification: 'something_else', threadId: THREAD },
      { classification: 'bug', threadId: THREAD, extraLogFiles: [join(referenceHome, 'missing.log')] },
      { classification: 'bug', threadId: 'x' },
      {},
    ];
    const sent: unknown[][] = [];
    for (const client of [ours, reference]) {
      const before = sentry.envelopes.length;
      const answers = [];
      for (const params of uploads) {
        const { id: _id, ...answer } = await client.request('feedback/upload', params);
        answers.push(answer);
      }
      sentry.status = 500;
      const { id: _id, ...refused } = await client.request('feedback/upload', { classification: 'bug', threadId: THREAD });
      sentry.status = 200;
      sent.push([...answers, refused, ...sentry.envelopes.slice(before).map(comparable)]);
    }
    // Six answers, then five envelopes: the first report and its file, one each for the next two, the refused one.
    assert.equal(sent[0]?.length, 11);
    assert.deepEqual(sent[0], sent[1]);
  });
});
