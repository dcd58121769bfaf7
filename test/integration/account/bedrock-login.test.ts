import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { parse } from 'smol-toml';
import { bedrockReplies, EXAMPLE_KEYS, type BedrockExpectation } from '../../helpers/fake-bedrock.js';
import { startFakeModelServer, type FakeModelServer } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { errorOf } from '../../helpers/rpc-results.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { methodsAfterResponse, resultOf, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';

const API_KEY = 'bedrock-api-key-test';

/**
 * Our server with a Bedrock model and `[model_providers.amazon-bedrock] base_url` pointing at a fake Bedrock endpoint
 * that checks each request's authentication against `expectation()` (fake-bedrock.ts). No login, no model_provider:
 * the login selects the provider.
 */
async function startBedrockRig(
  t: TestContext,
  expectation: () => BedrockExpectation,
  texts: readonly string[] = [],
  extra = '',
): Promise<{ server: TestServer; fake: FakeModelServer; client: RpcTestClient }> {
  const fake = await startFakeModelServer(t, bedrockReplies(expectation, ...texts));
  const config = [
    'model = "openai.gpt-5.4"',
    'approval_policy = "never"',
    extra,
    '[model_providers.amazon-bedrock]',
    `base_url = "${fake.origin}/openai/v1"`,
    'request_max_retries = 0',
    '',
  ].join('\n');
  const server = await startTestServer(t, {}, config);
  const client = await RpcTestClient.connect(server.url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true }, 'bedrock-test');
  return { server, fake, client };
}

async function configOf(server: TestServer): Promise<Record<string, any>> {
  return parse(await readFile(join(server.codexHome, 'config.toml'), 'utf8'));
}

async function agentText(client: RpcTestClient, turnId: string): Promise<string> {
  const { turn } = await turnCompleted(client, turnId);
  assert.equal(turn.status, 'completed', JSON.stringify(turn.error));
  const message = turn.items.find((item) => item.type === 'agentMessage');
  return message?.type === 'agentMessage' ? message.text : '';
}

describe('account/login/start amazonBedrock and amazonBedrockAccessKeys', () => {
  it('stores a Bedrock API key, selects the provider, sends it as a bearer token, and logs out', async (t) => {
    const { server, fake, client } = await startBedrockRig(t, () => ({ kind: 'bearer', apiKey: API_KEY }), ['from bedrock']);
    assert.equal((await client.call('account/read', {})).account, null);

    const login = await client.request('account/login/start', { type: 'amazonBedrock', apiKey: ` ${API_KEY} `, region: 'us-west-2' });
    assert.deepEqual(resultOf(login), { type: 'amazonBedrock' });
    assert.deepEqual((await client.notification('account/updated')).params, { authMode: 'bedrockApiKey', planType: null });
    assert.deepEqual(methodsAfterResponse(client, login.id as number), ['account/login/completed', 'account/updated']);
    assert.deepEqual(client.receivedParams('account/login/completed'), [
      { loginId: null, success: true, error: null, onboardingEntrypoint: null },
    ]);

    const authPath = join(server.codexHome, 'auth.json');
    assert.deepEqual(JSON.parse(await readFile(authPath, 'utf8')), {
      auth_mode: 'bedrockApiKey',
      OPENAI_API_KEY: null,
      bedrock_api_key: { api_key: API_KEY, region: 'us-west-2' },
    });
    assert.equal((await stat(authPath)).mode & 0o777, 0o600);
    const config = await configOf(server);
    assert.equal(config.model_provider, 'amazon-bedrock');
    assert.equal(config.model_providers['amazon-bedrock'].aws, undefined, 'an API key carries its own region');

    assert.deepEqual(await client.call('account/read', {}), {
      account: { type: 'amazonBedrock', usesCodexManagedCredentials: true },
      userId: null,
      requiresOpenaiAuth: false,
      workspaceRouting: null,
    });
    assert.deepEqual(await client.call('account/bedrock/checkGovCloudRequirements', {}), { isGovCloud: false, shouldWarn: false });
    const limits = await client.request('account/rateLimits/read');
    assert.deepEqual(errorOf(limits), { code: -32600, message: 'chatgpt authentication required to read rate limits' });

    const threadId = await startThread(client);
    assert.equal(await agentText(client, await startTextTurn(client, threadId, 'hello')), 'from bedrock');
    const [request] = await fake.waitForRequests(1);
    assert.equal(request?.url, '/openai/v1/responses');
    assert.equal(request?.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(request?.headers['x-amzn-mantle-client-agent'], 'codex');
    assert.equal((request?.body as { model: string }).model, 'openai.gpt-5.4');

    const logout = await client.request('account/logout');
    assert.deepEqual(resultOf(logout), {});
    await client.notification('account/updated', (params) => params.authMode === null);
    await assert.rejects(stat(authPath), { code: 'ENOENT' });
    // The Bedrock selection goes with the login; the provider's own table stays [observed].
    const after = await configOf(server);
    assert.equal(after.model_provider, undefined);
    assert.equal(after.model, undefined);
    assert.equal(after.model_providers['amazon-bedrock'].base_url, `${fake.origin}/openai/v1`);
    assert.deepEqual(await client.call('account/read', {}), {
      account: null,
      userId: null,
      requiresOpenaiAuth: true,
      workspaceRouting: null,
    });
  });

  it('stores AWS access keys, writes their region to config.toml, and signs requests with SigV4', async (t) => {
    const expectation = { kind: 'sigv4', keys: EXAMPLE_KEYS, region: 'us-gov-west-1' } as const;
    const { server, fake, client } = await startBedrockRig(t, () => expectation, ['signed', 'signed again']);
    const login = await client.request('account/login/start', {
      type: 'amazonBedrockAccessKeys',
      accessKeyId: EXAMPLE_KEYS.accessKeyId,
      secretAccessKey: EXAMPLE_KEYS.secretAccessKey,
      sessionToken: EXAMPLE_KEYS.sessionToken,
      region: 'us-gov-west-1',
    });
    assert.deepEqual(resultOf(login), { type: 'amazonBedrock' });
    assert.deepEqual((await client.notification('account/updated')).params, { authMode: 'bedrockAccessKeys', planType: null });
    const authPath = join(server.codexHome, 'auth.json');
    assert.deepEqual(JSON.parse(await readFile(authPath, 'utf8')), {
      auth_mode: 'bedrockAccessKeys',
      OPENAI_API_KEY: null,
      bedrock_access_keys: {
        access_key_id: EXAMPLE_KEYS.accessKeyId,
        secret_access_key: EXAMPLE_KEYS.secretAccessKey,
        session_token: EXAMPLE_KEYS.sessionToken,
      },
    });
    assert.equal((await stat(authPath)).mode & 0o777, 0o600);
    const config = await configOf(server);
    assert.equal(config.model_provider, 'amazon-bedrock');
    assert.deepEqual({ ...config.model_providers['amazon-bedrock'].aws }, { region: 'us-gov-west-1' });
    assert.deepEqual(await client.call('account/bedrock/checkGovCloudRequirements', {}), { isGovCloud: true, shouldWarn: true });

    const threadId = await startThread(client);
    assert.equal(await agentText(client, await startTextTurn(client, threadId, 'one')), 'signed');
    assert.equal(await agentText(client, await startTextTurn(client, threadId, 'two')), 'signed again');
    const [first] = await fake.waitForRequests(2);
    const authorization = String(first?.headers.authorization);
    assert.match(authorization, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-gov-west-1\/bedrock-mantle\/aws4_request, /);
    assert.match(authorization, /SignedHeaders=[^,]*\bhost\b[^,]*\bx-amz-date\b[^,]*\bx-amz-security-token\b/);
    assert.equal(first?.headers['x-amz-security-token'], EXAMPLE_KEYS.sessionToken);
    assert.equal(first?.headers['x-amz-content-sha256'], undefined);
  });

  it('a request signed with other keys is refused by the fake, and the turn fails with its answer', async (t) => {
    const wrong = { kind: 'sigv4', keys: { ...EXAMPLE_KEYS, secretAccessKey: 'another-secret' }, region: 'us-east-1' } as const;
    const { client } = await startBedrockRig(t, () => wrong, ['never sent']);
    await client.call('account/login/start', {
      type: 'amazonBedrockAccessKeys',
      accessKeyId: EXAMPLE_KEYS.accessKeyId,
      secretAccessKey: EXAMPLE_KEYS.secretAccessKey,
      sessionToken: EXAMPLE_KEYS.sessionToken,
      region: 'us-east-1',
    });
    const threadId = await startThread(client);
    const { turn } = await turnCompleted(client, await startTextTurn(client, threadId, 'hello'));
    assert.equal(turn.status, 'failed');
    assert.match(String(turn.error?.message), /signature mismatch/);
  });

  it('refuses blank keys, unsupported regions and a login forced to ChatGPT, changing nothing', async (t) => {
    const { server, client } = await startBedrockRig(t, () => ({ kind: 'bearer', apiKey: API_KEY }));
    const refusals: [Record<string, unknown>, string][] = [
      [{ type: 'amazonBedrock', apiKey: '  ', region: 'us-east-1' }, 'Amazon Bedrock API key must not be empty.'],
      [{ type: 'amazonBedrock', apiKey: 'k', region: 'us-west-1' }, 'Amazon Bedrock does not support region `us-west-1`'],
      [
        { type: 'amazonBedrockAccessKeys', accessKeyId: '', secretAccessKey: 's', region: 'us-east-1' },
        'AWS access key ID and secret access key must not be empty.',
      ],
      [
        { type: 'amazonBedrockAccessKeys', accessKeyId: 'a', secretAccessKey: 's', region: 'ca-central-1' },
        'Amazon Bedrock does not support region `ca-central-1`',
      ],
    ];
    for (const [params, message] of refusals) {
      assert.deepEqual(errorOf(await client.request('account/login/start', params)), { code: -32600, message });
    }
    assert.deepEqual(client.received.filter((m) => String(m.method).startsWith('account/')), []);
    await assert.rejects(stat(join(server.codexHome, 'auth.json')), { code: 'ENOENT' });
    assert.equal((await configOf(server)).model_provider, undefined);

    const forced = await startBedrockRig(t, () => ({ kind: 'bearer', apiKey: API_KEY }), [], 'forced_login_method = "chatgpt"');
    const response = await forced.client.request('account/login/start', { type: 'amazonBedrock', apiKey: 'k', region: 'us-east-1' });
    assert.deepEqual(errorOf(response), { code: -32600, message: 'Amazon Bedrock login is disabled. Use ChatGPT login instead.' });
  });

  it('a Bedrock login under another provider: account/read refuses it, OpenAI requests go without it', async (t) => {
    const { server, client } = await startBedrockRig(t, () => ({ kind: 'bearer', apiKey: API_KEY }));
    await client.call('account/login/start', { type: 'amazonBedrock', apiKey: API_KEY, region: 'us-east-1' });
    await client.call('config/value/write', { keyPath: 'model_provider', value: 'openai', mergeStrategy: 'replace' });
    const read = await client.request('account/read', {});
    assert.deepEqual(errorOf(read), {
      code: -32600,
      message: 'Bedrock API key auth is only supported by the Amazon Bedrock model provider',
    });
    assert.deepEqual(await client.call('account/bedrock/checkGovCloudRequirements', {}), { isGovCloud: false, shouldWarn: false });
    // Logging out under another provider leaves config.toml's selection alone [observed].
    await client.call('account/logout', {});
    assert.equal((await configOf(server)).model_provider, 'openai');
  });
});
