import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});
