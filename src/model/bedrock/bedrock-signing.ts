import type { BedrockAccessKeysCredentials } from './bedrock-credentials.js';
import { BEDROCK_MANTLE_SERVICE } from './bedrock-regions.js';

/** One HTTP request about to be sent, as far as signing needs it. */
export interface RequestToSign {
  readonly method: string;
  readonly url: string;
  /** Names lower-cased, as the request will carry them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Signs `request` with AWS Signature Version 4 for the `bedrock-mantle` service and answers the headers to send:
 * the given ones plus `host`, `x-amz-date`, `x-amz-security-token` (temporary credentials only) and
 * `authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
 *
 * Like the reference [observed], the body's hash goes into the signature but no `x-amz-content-sha256` header is
 * added, and every header present when signing is signed except the ones SigV4 never signs (`user-agent`, …).
 * The signer is the AWS SDK's own (`@smithy/signature-v4`), not a hand-written one.
 */
export async function signBedrockRequest(
  request: RequestToSign,
  credentials: BedrockAccessKeysCredentials,
  region: string,
  signingDate: Date = new Date(),
): Promise<Record<string, string>> {
  // Loaded on first use: only Bedrock access-key logins sign, and start-up should not pay for the SDK.
  const [{ Hash }, { SignatureV4 }] = await Promise.all([import('@smithy/hash-node'), import('@smithy/signature-v4')]);
  const signer = new SignatureV4({
    service: BEDROCK_MANTLE_SERVICE,
    region,
    sha256: Hash.bind(null, 'sha256'),
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === null ? {} : { sessionToken: credentials.sessionToken }),
    },
    applyChecksum: false,
  });
  const url = new URL(request.url);
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query,
      headers: { ...request.headers, host: url.host },
      body: request.body,
    },
    { signingDate },
  );
  return { ...signed.headers };
}
