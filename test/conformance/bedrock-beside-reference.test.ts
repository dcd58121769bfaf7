import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { parse } from 'smol-toml';
import { authProblem, bedrockReplies, EXAMPLE_KEYS, type BedrockExpectation } from '../helpers/fake-bedrock.js';
import { startFakeModelServer } from '../helpers/fake-model-server.js';
import { startPair } from '../helpers/reference-pair.js';
import type { RpcTestClient, ServerMessage } from '../helpers/rpc-client.js';
import { startTextTurn, startThread, turnCompleted } from '../helpers/thread-server.js';

const SIGNED: BedrockExpectation = { kind: 'sigv4', keys: EXAMPLE_KEYS, region: 'us-gov-west-1' };

/** A call's answer (result or error) and the notifications that followed it, by method and params. */
async function step(client: RpcTestClient, method: string, params: unknown): Promise<unknown> {
  const response = await client.request(method, params);
  const after = method === 'account/login/start' || method === 'account/logout' ? 'account/updated' : null;
  if (after !== null && !('error' in response)) {
    await client.waitFor((m) => m.method === after && client.received.indexOf(m) > client.received.indexOf(response), after);
  }
  const index = client.received.indexOf(response);
  const notifications = client.received
    .slice(index + 1)
    .filter((m: ServerMessage) => typeof m.method === 'string' && String(m.method).startsWith('account/'))
    .map((m) => [m.method, m.params]);
  return { answer: 'error' in response ? response.error : response.result, notifications };
}

async function stored(home: string): Promise<{ auth: unknown; config: unknown }> {
  const authPath = join(home, 'auth.json');
  const auth = await readFile(authPath, 'utf8').then(
    async (text) => ({ json: JSON.parse(text) as unknown, mode: (await stat(authPath)).mode & 0o777 }),
    () => null,
  );
  // Compared as data: the two TOML writers lay out tables differently.
  const config = JSON.parse(JSON.stringify(parse(await readFile(join(home, 'config.toml'), 'utf8')))) as unknown;
  return { auth, config };
}

describe('Amazon Bedrock sign-in beside the reference 0.169.0', () => {
  it('answers, notifies, stores and signs as the reference does', async (t) => {
    const fake = await startFakeModelServer(t, bedrockReplies(() => SIGNED, 'ours', 'reference'));
    const config = [
      'model = "openai.gpt-5.4"',
      'approval_policy = "never"',
      '[model_providers.amazon-bedrock]',
      `base_url = "${fake.origin}/openai/v1"`,
      '[model_providers.amazon-bedrock.aws]',
      'profile = "dropped-by-login"',
      '',
    ].join('\n');
    const pair = await startPair(t, config);
    const sides = [
      ['ours', pair.ours, pair.oursHome],
      ['reference', pair.reference, pair.referenceHome],
    ] as const;

    const script: [string, unknown][] = [
      ['account/login/start', { type: 'amazonBedrock', apiKey: '', region: 'us-east-1' }],
      ['account/login/start', { type: 'amazonBedrock', apiKey: 'k', region: 'ca-central-1' }],
      ['account/login/start', { type: 'amazonBedrockAccessKeys', accessKeyId: ' ', secretAccessKey: 's', region: 'us-east-1' }],
      ['account/login/start', { type: 'amazonBedrock', apiKey: 'bedrock-key', region: 'eu-west-1' }],
      ['account/read', {}],
      ['account/bedrock/checkGovCloudRequirements', {}],
    ];
    const keysLogin: [string, unknown] = [
      'account/login/start',
      { type: 'amazonBedrockAccessKeys', ...EXAMPLE_KEYS, region: 'us-gov-west-1' },
    ];
    const seen: Record<string, unknown[]> = { ours: [], reference: [] };
    for (const [name, client, home] of sides) {
      for (const [method, params] of script) seen[name]?.push(await step(client, method, params));
      seen[name]?.push(await stored(home));
      seen[name]?.push(await step(client, ...keysLogin));
      seen[name]?.push(await stored(home));
      seen[name]?.push(await step(client, 'account/read', {}));
      seen[name]?.push(await step(client, 'account/bedrock/checkGovCloudRequirements', {}));

      // A turn: the fake verifies the SigV4 signature of each side's request with AWS's signer (fake-bedrock.ts).
      const { turn } = await turnCompleted(client, await startTextTurn(client, await startThread(client, { cwd: home }), 'hi'));
      assert.equal(turn.status, 'completed', `${name}: ${JSON.stringify(turn.error)}`);

      seen[name]?.push(await step(client, 'account/logout', {}));
      seen[name]?.push(await stored(home));
    }
    assert.deepEqual(seen.ours, seen.reference);

    // Both requests reached the fake signed with the keys, for bedrock-mantle in the login's region.
    const [ours, reference] = await fake.waitForRequests(2);
    for (const request of [ours, reference]) {
      assert.ok(request);
      assert.equal(await authProblem(request, SIGNED), null);
      assert.equal(request.url, '/openai/v1/responses');
      assert.equal(request.headers['x-amzn-mantle-client-agent'], 'codex');
    }
  });
});

/** AWS shared files with a profile of static keys, an SSO profile (no keys) and a `default`, in a temporary dir. */
async function awsFiles(t: TestContext): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'aws-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = '[default]\nregion = us-west-2\n\n[profile sso]\nregion = eu-west-1\nsso_start_url = https://example.invalid\n\n[sso-session s]\nsso_region = us-east-1\n';
  const credentials = `[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n\n[keys]\naws_access_key_id = ${PROFILE_KEYS.accessKeyId}\naws_secret_access_key = ${PROFILE_KEYS.secretAccessKey}\nregion = ap-south-1\n`;
  await writeFile(join(dir, 'config'), config);
  await writeFile(join(dir, 'credentials'), credentials);
  return { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
}

const PROFILE_KEYS = { accessKeyId: 'AKIDPROFILE', secretAccessKey: 'profile-secret' };

describe('account/bedrock/discover and account/bedrock/setup beside the reference 0.169.0', () => {
  it('list the AWS profiles, set one up, and sign with its keys as the reference does', async (t) => {
    // Both servers read the AWS files named by the environment they inherit from this process.
    const saved = { ...process.env };
    t.after(() => {
      for (const key of ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_REGION']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    });
    Object.assign(process.env, await awsFiles(t), { AWS_REGION: 'us-east-2' });
    const viaProfile: BedrockExpectation = { kind: 'sigv4', keys: PROFILE_KEYS, region: 'us-east-1' };
    const fake = await startFakeModelServer(t, bedrockReplies(() => viaProfile, 'ours', 'reference'));
    const config = ['model = "openai.gpt-5.4"', 'approval_policy = "never"', '[model_providers.amazon-bedrock]', `base_url = "${fake.origin}/openai/v1"`, ''].join('\n');
    const pair = await startPair(t, config);
    const sides = [
      ['ours', pair.ours, pair.oursHome],
      ['reference', pair.reference, pair.referenceHome],
    ] as const;
    const seen: Record<string, unknown[]> = { ours: [], reference: [] };
    for (const [name, client, home] of sides) {
      const record = async (method: string, params: unknown) => seen[name]?.push(await step(client, method, params));
      await record('account/bedrock/discover', {});
      await record('account/bedrock/setup', { type: 'profile', profile: ' ', region: 'us-east-1' });
      await record('account/bedrock/setup', { type: 'profile', profile: 'keys', region: 'us-west-1' });
      await record('account/bedrock/setup', { type: 'profile', profile: 'sso', region: 'us-east-1' });
      await record('account/login/start', { type: 'amazonBedrock', apiKey: 'managed-key', region: 'us-east-1' });
      await record('account/bedrock/setup', { type: 'environment', region: 'us-east-1' });
      await record('account/bedrock/setup', { type: 'profile', profile: ' keys ', region: ' us-east-1 ' });
      seen[name]?.push(await stored(home));
      await record('account/read', {});
      // The configured profile wins over the stored login: the fake expects the profile's keys.
      const { turn } = await turnCompleted(client, await startTextTurn(client, await startThread(client, { cwd: home }), 'hi'));
      assert.equal(turn.status, 'completed', `${name}: ${JSON.stringify(turn.error)}`);
    }
    assert.deepEqual(seen.ours, seen.reference);
    const requests = await fake.waitForRequests(2);
    for (const request of requests) assert.equal(await authProblem(request, viaProfile), null);
  });
});
