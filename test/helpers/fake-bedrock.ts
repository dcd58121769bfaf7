import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { httpReply, sseReply, textTurnFrames, type RecordedRequest, type ScriptedReply } from './fake-model-server.js';

/** AWS access keys a test signs in with (the documentation's example keys; they open nothing). */
export interface AwsKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export const EXAMPLE_KEYS: AwsKeys = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};

/** What the fake expects a request to carry. */
export type BedrockExpectation =
  | { readonly kind: 'bearer'; readonly apiKey: string }
  | { readonly kind: 'sigv4'; readonly keys: AwsKeys; readonly region: string };

/**
 * The SigV4 `Authorization` value a request should carry: recomputed by AWS's own signer from what arrived — the
 * method, path, query, body, the headers its `SignedHeaders` names and its `x-amz-date` — with the expected keys,
 * region and the `bedrock-mantle` service, without a content-hash header (as the reference signs [observed]).
 * Equal to the received value only if the sender signed that very request with those keys.
 */
export async function expectedSigV4(request: RecordedRequest, keys: AwsKeys, region: string): Promise<string> {
  const received = String(request.headers.authorization ?? '');
  const signedNames = /SignedHeaders=([^,]+)/.exec(received)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    if (name === 'x-amz-date' || name === 'x-amz-security-token') continue;
    const value = request.headers[name];
    headers[name] = Array.isArray(value) ? value.join(',') : String(value ?? '');
  }
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const url = new URL(request.url, `http://${headers.host ?? 'missing-host'}`);
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const signer = new SignatureV4({
    service: 'bedrock-mantle',
    region,
    sha256: Hash.bind(null, 'sha256'),
    credentials: {
      accessKeyId: keys.accessKeyId,
      secretAccessKey: keys.secretAccessKey,
      ...(keys.sessionToken === undefined ? {} : { sessionToken: keys.sessionToken }),
    },
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query,
      headers,
      body: request.rawBody,
    },
    { signingDate },
  );
  return String(signed.headers.authorization);
}

/** Why `request` fails `expectation`, or null when it is authenticated as expected. */
export async function authProblem(request: RecordedRequest, expectation: BedrockExpectation): Promise<string | null> {
  const received = String(request.headers.authorization ?? '');
  if (expectation.kind === 'bearer') {
    return received === `Bearer ${expectation.apiKey}` ? null : `expected the Bedrock API key as a bearer token, got ${received}`;
  }
  if (request.headers['x-amz-security-token'] !== expectation.keys.sessionToken) return 'x-amz-security-token differs';
  const expected = await expectedSigV4(request, expectation.keys, expectation.region);
  return received === expected ? null : `signature mismatch: expected ${expected}, got ${received}`;
}

/**
 * Replies of a fake Amazon Bedrock Mantle endpoint (a fake model server's `{origin}/openai/v1` is the provider's
 * `base_url`): each `POST …/responses` is checked against what `expectation()` says when it arrives — answered with
 * a text turn saying `text` when authenticated correctly, else 403 with the reason, as AWS refuses a bad signature.
 */
export function bedrockReplies(expectation: () => BedrockExpectation, ...texts: readonly string[]): ScriptedReply[] {
  return texts.map(
    (text): ScriptedReply => ({
      kind: 'dynamic',
      reply: async (request) => {
        const problem = await authProblem(request, expectation());
        return problem === null ? sseReply(textTurnFrames([text])) : httpReply(403, { message: problem });
      },
    }),
  );
}
