import { ModelError } from '../errors.js';
import { environmentBearerToken, environmentKeys, environmentRegion, readAwsProfiles } from './aws-profiles.js';
import type { BedrockCredentialSource, BedrockCredentials } from './bedrock-credentials.js';
import { bedrockMantleBaseUrl, isSupportedBedrockRegion, unsupportedRegionMessage } from './bedrock-regions.js';
import { signBedrockRequest, type RequestToSign } from './bedrock-signing.js';

/** What config.toml says about the `amazon-bedrock` provider (`[model_providers.amazon-bedrock]`). */
export interface BedrockSettings {
  /** `[…aws] region`, trimmed; null when unset or blank. The access keys' region (an API key carries its own). */
  readonly region: string | null;
  /** `[…aws] profile`, trimmed; null when unset or blank. A configured profile wins over every other credential. */
  readonly profile: string | null;
  /** `base_url`, when set: requests go there instead of the region's endpoint (the reference honours it [observed]). */
  readonly baseUrl: string | null;
}

/** Where one Bedrock request goes and how it is authenticated. */
export interface BedrockRoute {
  /** Without a trailing slash; the request goes to `{baseUrl}/responses`. */
  readonly baseUrl: string;
  /** The headers to send for the finished request: a bearer header, or the SigV4 signature headers. */
  authorize(request: RequestToSign): Promise<Record<string, string>>;
}

/** The reference's prefix for a Bedrock authentication that cannot be resolved (a fatal turn error). */
const AUTH_FAILURE_PREFIX = 'failed to resolve Amazon Bedrock auth: ';

/**
 * Resolves the route of the next Bedrock request, asked anew for every request so a login, logout or setup applies
 * at once. The credentials, first found wins (a configured profile is chosen on purpose by `account/bedrock/setup`,
 * a login by `account/login/start`, and each removes the other's setting):
 * 1. `[model_providers.amazon-bedrock.aws] profile`: that profile's static keys in the AWS shared files;
 * 2. the stored Bedrock login (auth.json): an API key, or access keys;
 * 3. the environment: `AWS_BEARER_TOKEN_BEDROCK`, else `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`;
 * 4. the `default` profile's static keys.
 * An API key goes as `Authorization: Bearer`; access keys SigV4-sign the request for `bedrock-mantle`. The region is
 * a stored API key's own, else the configured one, else the profile's, else `AWS_REGION` / `AWS_DEFAULT_REGION`.
 * Requests go to the region's Mantle endpoint, or to `base_url` when configured (the signature then covers that host).
 * @throws ModelError (not retryable) when no credentials or no region can be found, or the region is not served.
 */
export async function resolveBedrockRoute(
  settings: BedrockSettings,
  source: BedrockCredentialSource | undefined,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<BedrockRoute> {
  const { credentials, region } = await credentialsOf(settings, source, env);
  if (region === null) {
    throw fatal(`${AUTH_FAILURE_PREFIX}no region: set \`region\` in [model_providers.amazon-bedrock.aws] or AWS_REGION`);
  }
  const baseUrl = (settings.baseUrl ?? endpointOf(region)).replace(/\/+$/, '');
  if (credentials.mode === 'bedrockApiKey') {
    const authorization = `Bearer ${credentials.apiKey}`;
    return { baseUrl, authorize: (request) => Promise.resolve({ ...request.headers, authorization }) };
  }
  return { baseUrl, authorize: (request) => signBedrockRequest(request, credentials, region) };
}

async function credentialsOf(
  settings: BedrockSettings,
  source: BedrockCredentialSource | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ credentials: BedrockCredentials; region: string | null }> {
  const fallbackRegion = settings.region ?? environmentRegion(env);
  if (settings.profile !== null) {
    const profile = (await readAwsProfiles(env)).find((candidate) => candidate.name === settings.profile);
    if (profile?.keys == null) {
      throw fatal(`${AUTH_FAILURE_PREFIX}${profileLoadFailure(settings.profile)}`);
    }
    return { credentials: profile.keys, region: settings.region ?? profile.region ?? environmentRegion(env) };
  }
  const stored = (await source?.bedrockLogin()) ?? null;
  if (stored !== null) return { credentials: stored, region: stored.mode === 'bedrockApiKey' ? stored.region : fallbackRegion };
  const token = environmentBearerToken(env);
  if (token !== null) return { credentials: { mode: 'bedrockApiKey', apiKey: token, region: fallbackRegion ?? '' }, region: fallbackRegion };
  const keys = environmentKeys(env);
  if (keys !== null) return { credentials: keys, region: fallbackRegion };
  const fallback = (await readAwsProfiles(env)).find((candidate) => candidate.name === 'default');
  if (fallback?.keys != null) return { credentials: fallback.keys, region: fallbackRegion ?? fallback.region };
  throw fatal(
    `${AUTH_FAILURE_PREFIX}no AWS credentials: sign in with account/login/start (amazonBedrock or amazonBedrockAccessKeys) ` +
      'or set up a profile with account/bedrock/setup',
  );
}

/** The reference's words for a profile whose credentials cannot be loaded [observed]. */
export function profileLoadFailure(profile: string): string {
  return `failed to load credentials for AWS profile \`${profile}\`: failed to load AWS credentials: the credentials provider was not properly configured`;
}

function endpointOf(region: string): string {
  if (!isSupportedBedrockRegion(region)) throw fatal(unsupportedRegionMessage(region));
  return bedrockMantleBaseUrl(region);
}

function fatal(message: string): ModelError {
  return new ModelError('other', message);
}
