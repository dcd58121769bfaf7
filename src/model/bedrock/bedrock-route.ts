import { ModelError } from '../errors.js';
import type { BedrockCredentialSource, BedrockCredentials } from './bedrock-credentials.js';
import { bedrockMantleBaseUrl, isSupportedBedrockRegion, unsupportedRegionMessage } from './bedrock-regions.js';
import { signBedrockRequest, type RequestToSign } from './bedrock-signing.js';

/** What config.toml says about the `amazon-bedrock` provider (`[model_providers.amazon-bedrock]`). */
export interface BedrockSettings {
  /** `[…aws] region`, trimmed; null when unset or blank. The access keys' region (an API key carries its own). */
  readonly region: string | null;
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
 * Resolves the route of the next Bedrock request from the stored login, asked anew for every request so a login
 * or logout applies at once:
 * - a Bedrock API key goes to its own region's endpoint with `Authorization: Bearer <key>`;
 * - access keys go to the configured region's endpoint, SigV4-signed for `bedrock-mantle`.
 * A configured `base_url` replaces the region's endpoint (the signature then covers that host).
 * @throws ModelError (not retryable) when there is no Bedrock login, no region, or the region is not supported.
 */
export async function resolveBedrockRoute(
  settings: BedrockSettings,
  source: BedrockCredentialSource | undefined,
): Promise<BedrockRoute> {
  const credentials = (await source?.bedrockLogin()) ?? null;
  if (credentials === null) {
    throw fatal(`${AUTH_FAILURE_PREFIX}no Amazon Bedrock login; sign in with account/login/start (amazonBedrock or amazonBedrockAccessKeys)`);
  }
  const region = regionOf(credentials, settings);
  const baseUrl = (settings.baseUrl ?? endpointOf(region)).replace(/\/+$/, '');
  if (credentials.mode === 'bedrockApiKey') {
    const authorization = `Bearer ${credentials.apiKey}`;
    return { baseUrl, authorize: (request) => Promise.resolve({ ...request.headers, authorization }) };
  }
  return { baseUrl, authorize: (request) => signBedrockRequest(request, credentials, region) };
}

function regionOf(credentials: BedrockCredentials, settings: BedrockSettings): string {
  if (credentials.mode === 'bedrockApiKey') return credentials.region;
  if (settings.region === null) {
    throw fatal(`${AUTH_FAILURE_PREFIX}no region: set \`region\` in [model_providers.amazon-bedrock.aws] or sign in again`);
  }
  return settings.region;
}

function endpointOf(region: string): string {
  if (!isSupportedBedrockRegion(region)) throw fatal(unsupportedRegionMessage(region));
  return bedrockMantleBaseUrl(region);
}

function fatal(message: string): ModelError {
  return new ModelError('other', message);
}
