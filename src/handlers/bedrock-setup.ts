import { isBedrockAuth } from '../auth/codex-auth.js';
import { writeUserConfig } from '../config/config-write.js';
import { environmentBearerToken, environmentKeys, environmentRegion, readAwsProfiles } from '../model/bedrock/aws-profiles.js';
import { isSupportedBedrockRegion, unsupportedRegionMessage } from '../model/bedrock/bedrock-regions.js';
import { profileLoadFailure } from '../model/bedrock/bedrock-route.js';
import { AMAZON_BEDROCK_PROVIDER_ID } from '../model/provider.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { BedrockDiscoverResponse } from '../protocol/v2/account.js';
import type { ConfigEdit } from '../protocol/v2/config.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/** `account/bedrock/discover` and `account/bedrock/setup` [experimental]. */
export function bedrockSetupHandlers(services: ServerServices): RequestHandler[] {
  return [bedrockDiscoverHandler(services), bedrockSetupHandler(services)];
}

/**
 * `account/bedrock/discover` [observed on 0.169.0]: the AWS credentials a user could pick, without a secret —
 * every profile of the AWS shared files (`default` first, then by name) with its region, and the environment's
 * credentials: `accessKeys` when `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` are set, then `bedrockApiKey` when
 * `AWS_BEARER_TOKEN_BEDROCK` is, each with `AWS_REGION` (else `AWS_DEFAULT_REGION`, else null).
 */
function bedrockDiscoverHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.bedrockDiscover, async (): Promise<BedrockDiscoverResponse> => {
    const profiles = (await readAwsProfiles(services.env)).map(({ name, region }) => ({ name, region }));
    const region = environmentRegion(services.env);
    const environmentCredentials: BedrockDiscoverResponse['environmentCredentials'] = [];
    if (environmentKeys(services.env) !== null) environmentCredentials.push({ type: 'accessKeys', region });
    if (environmentBearerToken(services.env) !== null) environmentCredentials.push({ type: 'bedrockApiKey', region });
    return { profiles, environmentCredentials };
  });
}

/**
 * `account/bedrock/setup` [observed on 0.169.0]: selects `amazon-bedrock` in config.toml with credentials the
 * user already has, answering `{}` (no notification):
 * - `{type: "profile", profile, region}` writes `[model_providers.amazon-bedrock.aws] profile` and `region`; the
 *   profile must have credentials (here: static keys in the AWS shared files), else ``failed to load credentials for
 *   AWS profile `<name>`: …``; a configured profile wins over a stored Bedrock login;
 * - `{type: "environment", region}` writes `region` and drops `profile`, so the environment's credentials are used —
 *   refused while a Bedrock login is stored, since that would win over them.
 * Values are trimmed; a blank profile (`AWS profile name must not be empty.`) and a region Bedrock does not serve
 * are refused with -32600 before anything is written.
 */
function bedrockSetupHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.bedrockSetup, async (params) => {
    const region = params.region.trim();
    const profile = params.type === 'profile' ? params.profile.trim() : null;
    if (profile === '') throw RpcErrors.badRequest('AWS profile name must not be empty.');
    if (!isSupportedBedrockRegion(region)) throw RpcErrors.badRequest(unsupportedRegionMessage(region));
    if (profile !== null) {
      const found = (await readAwsProfiles(services.env)).find((candidate) => candidate.name === profile);
      if (found?.keys == null) throw RpcErrors.badRequest(profileLoadFailure(profile));
    } else if (isBedrockAuth(await services.auth.current())) {
      throw RpcErrors.badRequest(
        'Codex-managed Bedrock credentials are already configured and take priority over AWS environment credentials. ' +
          'Run `codex logout` and try again.',
      );
    }
    const aws = (key: string) => ['model_providers', AMAZON_BEDROCK_PROVIDER_ID, 'aws', key].map((part) => JSON.stringify(part)).join('.');
    const edits: ConfigEdit[] = [
      { keyPath: 'model_provider', value: AMAZON_BEDROCK_PROVIDER_ID, mergeStrategy: 'replace' },
      { keyPath: aws('profile'), value: profile, mergeStrategy: 'replace' },
      { keyPath: aws('region'), value: region, mergeStrategy: 'replace' },
    ];
    await writeUserConfig(services.config, { edits });
    return {};
  });
}
