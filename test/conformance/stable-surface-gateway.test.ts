import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameAnswer, startPair } from '../helpers/reference-pair.js';
import type { Pair } from '../helpers/reference-pair.js';

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
    ]) {
      const pair = await startPair(t, broken(extra));
      await sameAnswer(pair, 'account/gatewayOAuth/read', () => undefined);
      await sameAnswer(pair, 'account/gatewayOAuth/login', () => undefined);
    }
  });

  // Where the reference would start the sign-in (browser or device), this server says it cannot, not that it did.
  it('login for a provider with gateway OAuth is not supported yet here', async (t) => {
    const pair = await startPair(t, `model = "m"\nmodel_provider = "gate"\n${GATEWAY_PROVIDER}${DEVICE_GATEWAY_PROVIDER}`);
    for (const params of [undefined, { modelProvider: 'devgate' }, { modelProvider: 'devgate', deviceAuth: true }]) {
      const answer = await pair.ours.request('account/gatewayOAuth/login', params);
      assert.deepEqual(answer.error, { code: -32601, message: 'account/gatewayOAuth/login is not supported yet' });
    }
    // Nothing was started, so there is nothing to cancel, and the credentials are still not ready.
    assert.deepEqual((await pair.ours.request('account/gatewayOAuth/cancel')).result, {});
    const read = await pair.ours.request('account/gatewayOAuth/read');
    assert.equal((read.result as { status: unknown }).status, 'notReady');
  });
});
