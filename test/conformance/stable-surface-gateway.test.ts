import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { sameAnswer, startPair } from '../helpers/reference-pair.js';
import type { Pair } from '../helpers/reference-pair.js';
import { freePort, gatewayOAuthToml, startFakeGatewayOAuth } from '../helpers/fake-gateway-oauth.js';
import type { RpcTestClient } from '../helpers/rpc-client.js';

/**
 * A custom provider whose model requests go through a gateway that wants its own OAuth token; with `device`, the
 * administrator also allows device authorization.
 */
function gatewayProviderToml(id: string, name: string, device: boolean): string {
  const oauth = 'http://127.0.0.1:9/oauth';
  return [
    `[model_providers.${id}]`,
    `name = "${name}"`,
    'base_url = "http://127.0.0.1:9/v1"',
    `[model_providers.${id}.gateway_oauth]`,
    `authorization_url = "${oauth}/authorize"`,
    ...(device ? [`device_authorization_url = "${oauth}/device"`] : []),
    `token_url = "${oauth}/token"`,
    'client_id = "codex-desktop"',
    'scopes = ["model:invoke"]',
    'redirect_port = 1456',
    '',
  ].join('\n');
}

const GATEWAY_PROVIDER = gatewayProviderToml('gate', 'Team Gateway', false);
const DEVICE_GATEWAY_PROVIDER = gatewayProviderToml('devgate', 'Device Gateway', true);

const PLAIN_PROVIDER = `
[model_providers.plain]
name = "Plain Gateway"
base_url = "http://127.0.0.1:9/v1"
`;

/** The reads, cancels and refusals every configuration answers the same way on both servers. */
async function readsAndRefusals(pair: Pair): Promise<void> {
  const none = () => undefined;
  const same = (method: string, params: unknown) => sameAnswer(pair, method, () => params);
  await sameAnswer(pair, 'account/gatewayOAuth/read', none);
  await same('account/gatewayOAuth/read', {});
  await same('account/gatewayOAuth/read', { modelProvider: null });
  for (const provider of ['openai', 'ollama', 'lmstudio', 'amazon-bedrock', 'amazon-bedrock-runtime', 'gcp', 'plain', 'gate', 'devgate', 'nope']) {
    await same('account/gatewayOAuth/read', { modelProvider: provider });
  }
  await same('account/gatewayOAuth/read', { modelProvider: 7 });
  await same('account/gatewayOAuth/read', { other: 1 });
  await sameAnswer(pair, 'account/gatewayOAuth/cancel', none);
  await same('account/gatewayOAuth/cancel', {});
  await same('account/gatewayOAuth/cancel', { x: 1 });
  await same('account/gatewayOAuth/cancel', 'x');
  for (const provider of ['openai', 'ollama', 'plain', 'nope']) {
    await same('account/gatewayOAuth/login', { modelProvider: provider });
  }
  await same('account/gatewayOAuth/login', { deviceAuth: 'yes' });
  await same('account/gatewayOAuth/login', { modelProvider: 'gate', deviceAuth: true });
}

describe('account/gatewayOAuth/* answer as the reference 0.169.0 does', () => {
  for (const [name, selected] of [
    ['the built-in OpenAI provider', ''],
    ['a local model provider', 'model_provider = "ollama"\n'],
    ['Amazon Bedrock', 'model_provider = "amazon-bedrock"\n'],
    ['a custom provider without gateway OAuth', 'model_provider = "plain"\n'],
    ['a provider that declares gateway OAuth', 'model_provider = "gate"\n'],
    ['a provider that declares device authorization', 'model_provider = "devgate"\n'],
  ] as const) {
    it(`with ${name} selected`, async (t) => {
      const config = `model = "m"\n${selected}${PLAIN_PROVIDER}${GATEWAY_PROVIDER}${DEVICE_GATEWAY_PROVIDER}`;
      const pair = await startPair(t, config);
      await readsAndRefusals(pair);
      if (!selected.includes('gate')) await sameAnswer(pair, 'account/gatewayOAuth/login', () => undefined);
    });
  }

  // The reference checks a gateway_oauth table when it loads the configuration for these methods.
  it('refuses a gateway_oauth table the reference refuses', async (t) => {
    const broken = (extra: string) =>
      `model = "m"\nmodel_provider = "bad"\n[model_providers.bad]\nname = "Bad"\n${extra}` +
      '[model_providers.bad.gateway_oauth]\nauthorization_url = "http://127.0.0.1:9/a"\ntoken_url = "http://127.0.0.1:9/t"\n' +
      'client_id = "c"\nredirect_port = 1456\n';
    for (const extra of [
      '',
      'base_url = "http://127.0.0.1:9/v1"\nrequires_openai_auth = true\n',
      'base_url = "http://127.0.0.1:9/v1"\nenv_key = "GATEWAY_KEY"\n',
      'base_url = "http://127.0.0.1:9/v1"\nexperimental_bearer_token = "tok"\n',
      'base_url = "http://127.0.0.1:9/v1"\nrequires_openai_auth = true\n[model_providers.bad.gateway_oauth.delivery]\nkind = "cookie"\nname = "gw"\n',
      // The gateway's token header cannot also be one the provider sends itself (any case, either table).
      'base_url = "http://127.0.0.1:9/v1"\nhttp_headers = { "x-gateway-token" = "x" }\n[model_providers.bad.gateway_oauth.delivery]\nkind = "header"\nname = "X-Gateway-Token"\n',
      'base_url = "http://127.0.0.1:9/v1"\nenv_http_headers = { "Authorization" = "SOME_VARIABLE" }\n',
      'base_url = "http://127.0.0.1:9/v1"\nhttp_headers = { "Cookie" = "a=b" }\n[model_providers.bad.gateway_oauth.delivery]\nkind = "cookie"\nname = "gw"\n',
    ]) {
      await readAndLoginAlike(t, broken(extra));
    }
  });

  // Endpoints, client id and callback port: refused when the configuration loads, or (an authorization URL that
  // already carries the sign-in's parameters) when the sign-in starts.
  it('refuses gateway endpoints and clients the reference refuses', async (t) => {
    const gateway = (oauth: string) =>
      'model = "m"\nmodel_provider = "bad"\n[model_providers.bad]\nname = "Bad"\nbase_url = "http://127.0.0.1:9/v1"\n' +
      `[model_providers.bad.gateway_oauth]\n${oauth}`;
    const endpoints = 'authorization_url = "http://127.0.0.1:9/a"\ntoken_url = "http://127.0.0.1:9/t"\n';
    for (const oauth of [
      `${endpoints}client_id = ""\nredirect_port = 1456\n`,
      `${endpoints}client_id = "c"\nredirect_port = 0\n`,
      'authorization_url = "http://gateway.example/a"\ntoken_url = "https://gateway.example/t"\nclient_id = "c"\nredirect_port = 1456\n',
      'authorization_url = "https://gateway.example/a"\ntoken_url = "https://user@gateway.example/t"\nclient_id = "c"\nredirect_port = 1456\n',
      'authorization_url = "http://127.0.0.1:9/a?client_id=x"\ntoken_url = "http://127.0.0.1:9/t"\nclient_id = "c"\nredirect_port = 1456\n',
    ]) {
      await readAndLoginAlike(t, gateway(oauth));
    }
  });

  // The reference 0.169.0 stores gateway tokens under a key kept in the OS keyring, which this machine lacks: its
  // sign-ins fail once the tokens are obtained. Compared here: how a sign-in starts, what it refuses meanwhile, and
  // how it is canceled; the rest is pinned on our server alone (test/integration/account/gateway-sign-in.test.ts).
  it('a browser sign-in starts, refuses a second one, and is canceled as in the reference', async (t) => {
    const gateway = await startFakeGatewayOAuth(t);
    const port = await freePort();
    const config = `model = "m"\nmodel_provider = "gate"\n[model_providers.gate]\nname = "Team Gateway"\nbase_url = "http://127.0.0.1:9/v1"\n${gatewayOAuthToml('gate', gateway, port)}`;
    const pair = await startPair(t, config);
    // One server at a time: both listen on the configured callback port.
    const ours = await browserSignInAndCancel(pair.ours, port);
    const reference = await browserSignInAndCancel(pair.reference, port);
    assert.deepEqual(ours, reference);
  });

  it('a device sign-in answers its prompt and is canceled as in the reference', async (t) => {
    const gateway = await startFakeGatewayOAuth(t);
    gateway.behaviour.devicePoll = () => ({ status: 400, body: { error: 'authorization_pending' } });
    const deviceAnswer = { device_code: 'dev-code-1', user_code: 'GATE-1234', verification_uri: 'https://gateway.example/verify', interval: 1 };
    const config = `model = "m"\nmodel_provider = "gate"\n[model_providers.gate]\nname = "Team Gateway"\nbase_url = "http://127.0.0.1:9/v1"\n${gatewayOAuthToml('gate', gateway, 1456)}`;
    const pair = await startPair(t, config);
    // RFC 8628 requires the code's lifetime: without it the sign-in cannot start.
    gateway.behaviour.device = () => ({ status: 200, body: deviceAnswer });
    await sameAnswer(pair, 'account/gatewayOAuth/login', () => ({ deviceAuth: true }));
    gateway.behaviour.device = () => ({ status: 200, body: { ...deviceAnswer, expires_in: 600 } });
    gateway.requests.splice(0);
    const polled = () => gateway.waitFor((r) => r.form.grant_type?.endsWith(':device_code') === true, 'a poll');
    const ours = await deviceSignInAndCancel(pair.ours, polled);
    const oursRequests = gateway.requests.splice(0).map(({ path, accept, fields }) => ({ path, accept, fields }));
    const reference = await deviceSignInAndCancel(pair.reference, polled);
    const referenceRequests = gateway.requests.splice(0).map(({ path, accept, fields }) => ({ path, accept, fields }));
    assert.deepEqual(ours, reference);
    // Both asked for a code and polled with it, in the same words.
    assert.deepEqual(oursRequests.slice(0, 2), referenceRequests.slice(0, 2));
  });
});

/** Both servers on `config` answer `read` and `login` (no params) alike. */
async function readAndLoginAlike(t: TestContext, config: string): Promise<void> {
  const pair = await startPair(t, config);
  await sameAnswer(pair, 'account/gatewayOAuth/read', () => undefined);
  await sameAnswer(pair, 'account/gatewayOAuth/login', () => undefined);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function gatewayChanges(client: RpcTestClient, after: number): Record<string, unknown>[] {
  return client.received
    .slice(after)
    .filter((m) => m.method === 'account/gatewayOAuth/changed')
    .map((m) => m.params as Record<string, unknown>);
}

/** Whether `message` arrived after the first `before` messages `client` received (waitFor also sees past ones). */
function receivedSince(client: RpcTestClient, before: number, message: unknown): boolean {
  return client.received.indexOf(message as (typeof client.received)[number]) >= before;
}

/** Starts the browser sign-in, probes it, cancels it; what the client saw, without the random parts. */
async function browserSignInAndCancel(client: RpcTestClient, port: number): Promise<unknown> {
  const before = client.received.length;
  const answer = client.request('account/gatewayOAuth/login', {});
  const handoff = await client.waitFor(
    (m) => m.method === 'account/gatewayOAuth/changed' && typeof (m.params as { authUrl?: unknown }).authUrl === 'string',
    'the authorization URL',
  );
  const url = new URL((handoff.params as { authUrl: string }).authUrl);
  const query = Object.fromEntries([...url.searchParams].map(([key, value]) => [key, ['state', 'code_challenge'].includes(key) ? '<random>' : value]));
  const second = await client.request('account/gatewayOAuth/login', {});
  const wrongState = await fetch(`http://127.0.0.1:${port}/callback?code=x&state=wrong`);
  const elsewhere = await fetch(`http://127.0.0.1:${port}/elsewhere`);
  const during = await client.request('account/gatewayOAuth/read');
  const cancel = await client.request('account/gatewayOAuth/cancel');
  const login = await answer;
  await client.waitFor(
    (m) =>
      receivedSince(client, before, m) &&
      m.method === 'account/gatewayOAuth/changed' &&
      (m.params as { status: string }).status === 'failed',
    'the failed status',
  );
  const after = await client.request('account/gatewayOAuth/read');
  return {
    authorization: { at: `${url.origin}${url.pathname}`, query },
    handoff: { ...(handoff.params as object), authUrl: '<url>' },
    second: second.error,
    wrongState: [wrongState.status, await wrongState.text()],
    elsewhere: [elsewhere.status, await elsewhere.text()],
    during: during.result,
    cancel: cancel.result,
    login: login.error,
    after: after.result,
    // The first-use `notReady` may come before or after the sign-in starts: only the later statuses are compared.
    statuses: gatewayChanges(client, before)
      .filter((params) => params.authUrl === null && params.status !== 'notReady')
      .map((params) => [params.status, params.error, params.loginId]),
  };
}

/** Starts the device sign-in, cancels it while the gateway still waits for approval; what the client saw. */
async function deviceSignInAndCancel(client: RpcTestClient, polled: () => Promise<unknown>): Promise<unknown> {
  const before = client.received.length;
  const login = await client.request('account/gatewayOAuth/login', { deviceAuth: true });
  const prompt = (login.result as { prompt: { loginId: string } }).prompt;
  assert.match(prompt.loginId, UUID);
  // Canceled while waiting for approval, once the gateway has been asked at least once.
  await polled();
  const cancel = await client.request('account/gatewayOAuth/cancel');
  // Only a status of this sign-in: the refused sign-in before it (no code lifetime) may have left a failed one.
  await client.waitFor(
    (m) =>
      receivedSince(client, before, m) &&
      m.method === 'account/gatewayOAuth/changed' &&
      (m.params as { status: string; loginId: unknown }).status === 'failed' &&
      (m.params as { loginId: unknown }).loginId === null,
    'the failed status',
  );
  const after = await client.request('account/gatewayOAuth/read');
  return {
    prompt: { ...prompt, loginId: '<uuid>' },
    cancel: cancel.result,
    after: after.result,
    statuses: gatewayChanges(client, before)
      .filter((params) => params.status !== 'notReady')
      .map((params) => [params.status, params.error, params.loginId === prompt.loginId ? '<loginId>' : params.loginId])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  };
}
