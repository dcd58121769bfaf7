import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readAwsProfiles } from '../../../src/model/bedrock/aws-profiles.js';
import type { BedrockCredentials } from '../../../src/model/bedrock/bedrock-credentials.js';
import { isGovCloudRegion, isSupportedBedrockRegion } from '../../../src/model/bedrock/bedrock-regions.js';
import { resolveBedrockRoute } from '../../../src/model/bedrock/bedrock-route.js';

function source(credentials: BedrockCredentials | null) {
  return { bedrockLogin: () => Promise.resolve(credentials) };
}

const KEYS: BedrockCredentials = {
  mode: 'bedrockAccessKeys',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: null,
};
/** An environment without AWS credentials or shared files (the machine's own ~/.aws is never read). */
const NO_AWS_FILES = { AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials' };
const REQUEST = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m"}' };

describe('resolveBedrockRoute', () => {
  it("sends an API key to its own region's Mantle endpoint as a bearer token", async () => {
    const route = await resolveBedrockRoute(
      { region: 'us-east-1', profile: null, baseUrl: null },
      source({ mode: 'bedrockApiKey', apiKey: 'key-1', region: 'eu-west-1' }),
    );
    assert.equal(route.baseUrl, 'https://bedrock-mantle.eu-west-1.api.aws/openai/v1');
    const headers = await route.authorize({ ...REQUEST, url: `${route.baseUrl}/responses` });
    assert.deepEqual(headers, { 'content-type': 'application/json', authorization: 'Bearer key-1' });
  });

  it("signs access-key requests for bedrock-mantle in the configured region, at the configured base_url if any", async () => {
    const route = await resolveBedrockRoute({ region: 'us-gov-east-1', profile: null, baseUrl: null }, source(KEYS));
    assert.equal(route.baseUrl, 'https://bedrock-mantle.us-gov-east-1.api.aws/openai/v1');
    const headers = await route.authorize({ ...REQUEST, url: `${route.baseUrl}/responses` });
    assert.equal(headers.host, 'bedrock-mantle.us-gov-east-1.api.aws');
    assert.match(String(headers['x-amz-date']), /^\d{8}T\d{6}Z$/);
    assert.equal(headers['x-amz-security-token'], undefined);
    assert.match(
      String(headers.authorization),
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-gov-east-1\/bedrock-mantle\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    const custom = await resolveBedrockRoute({ region: 'us-east-1', profile: null, baseUrl: 'http://127.0.0.1:9/openai/v1/' }, source(KEYS));
    assert.equal(custom.baseUrl, 'http://127.0.0.1:9/openai/v1');
    assert.equal((await custom.authorize({ ...REQUEST, url: `${custom.baseUrl}/responses` })).host, '127.0.0.1:9');
  });

  it('fails the request without a login, without a region for access keys, or in a region Bedrock does not serve', async () => {
    await assert.rejects(resolveBedrockRoute({ region: 'us-east-1', profile: null, baseUrl: null }, source(null), NO_AWS_FILES), {
      name: 'ModelError',
      message: /^failed to resolve Amazon Bedrock auth: no AWS credentials/,
    });
    await assert.rejects(resolveBedrockRoute({ region: null, profile: null, baseUrl: null }, source(KEYS)), {
      message: /^failed to resolve Amazon Bedrock auth: no region/,
    });
    await assert.rejects(resolveBedrockRoute({ region: 'us-west-1', profile: null, baseUrl: null }, source(KEYS)), {
      message: 'Amazon Bedrock does not support region `us-west-1`',
    });
  });

  it('knows the regions the reference accepts [observed] and which of them are GovCloud', () => {
    for (const region of ['us-east-1', 'us-east-2', 'us-west-2', 'us-gov-west-1', 'us-gov-east-1', 'eu-north-1', 'ap-southeast-3']) {
      assert.ok(isSupportedBedrockRegion(region), region);
    }
    for (const region of ['us-west-1', 'ca-central-1', 'ap-southeast-1', 'US-EAST-1', ' us-east-1']) {
      assert.ok(!isSupportedBedrockRegion(region), region);
    }
    assert.ok(isGovCloudRegion('us-gov-west-1'));
    assert.ok(!isGovCloudRegion('us-east-1'));
  });

  it('takes a configured profile first, then the login, then the environment, then the default profile', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'aws-route-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'config'), '[profile team]\nregion = eu-west-1\n[sso-session x]\nsso_region = us-east-1\n');
    await writeFile(
      join(dir, 'credentials'),
      '# keys\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n[team]\naws_access_key_id = AKIDTEAM\naws_secret_access_key = t\naws_session_token = tok\n',
    );
    const files = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
    assert.deepEqual(
      (await readAwsProfiles(files)).map(({ name, region, keys }) => [name, region, keys?.accessKeyId ?? null, keys?.sessionToken ?? null]),
      [
        ['default', null, 'AKIDDEFAULT', null],
        ['team', 'eu-west-1', 'AKIDTEAM', 'tok'],
      ],
    );
    const credentialOf = async (settings: { region: string | null; profile: string | null }, login: BedrockCredentials | null, env: Record<string, string>) => {
      const route = await resolveBedrockRoute({ ...settings, baseUrl: null }, source(login), { ...files, ...env });
      const headers = await route.authorize({ ...REQUEST, url: `${route.baseUrl}/responses` });
      return [route.baseUrl, String(headers.authorization).replace(/, SignedHeaders=.*$/, '').replace(/\/\d{8}\//, '/DATE/')];
    };
    const apiKey: BedrockCredentials = { mode: 'bedrockApiKey', apiKey: 'managed', region: 'us-east-1' };
    const env = { AWS_BEARER_TOKEN_BEDROCK: 'env-token', AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'e', AWS_REGION: 'us-east-2' };
    assert.deepEqual(await credentialOf({ region: null, profile: 'team' }, apiKey, env), [
      'https://bedrock-mantle.eu-west-1.api.aws/openai/v1',
      'AWS4-HMAC-SHA256 Credential=AKIDTEAM/DATE/eu-west-1/bedrock-mantle/aws4_request',
    ]);
    assert.deepEqual(await credentialOf({ region: null, profile: null }, apiKey, env), [
      'https://bedrock-mantle.us-east-1.api.aws/openai/v1',
      'Bearer managed',
    ]);
    assert.deepEqual(await credentialOf({ region: null, profile: null }, null, env), [
      'https://bedrock-mantle.us-east-2.api.aws/openai/v1',
      'Bearer env-token',
    ]);
    const { AWS_BEARER_TOKEN_BEDROCK: _token, ...keysOnly } = env;
    assert.deepEqual(await credentialOf({ region: 'eu-north-1', profile: null }, null, keysOnly), [
      'https://bedrock-mantle.eu-north-1.api.aws/openai/v1',
      'AWS4-HMAC-SHA256 Credential=AKIDENV/DATE/eu-north-1/bedrock-mantle/aws4_request',
    ]);
    assert.deepEqual(await credentialOf({ region: 'us-west-2', profile: null }, null, {}), [
      'https://bedrock-mantle.us-west-2.api.aws/openai/v1',
      'AWS4-HMAC-SHA256 Credential=AKIDDEFAULT/DATE/us-west-2/bedrock-mantle/aws4_request',
    ]);
    await assert.rejects(resolveBedrockRoute({ region: 'us-east-1', profile: 'missing', baseUrl: null }, source(apiKey), files), {
      message:
        'failed to resolve Amazon Bedrock auth: failed to load credentials for AWS profile `missing`: failed to load AWS ' +
        'credentials: the credentials provider was not properly configured',
    });
  });
});
