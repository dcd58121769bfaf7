import { isBedrockAuth, isChatgptAuth, type CodexAuth } from '../auth/codex-auth.js';
import { isPlainTable } from '../config/schema.js';
import { isGovCloudRegion } from '../model/bedrock/bedrock-regions.js';
import { AMAZON_BEDROCK_PROVIDER_ID, OPENAI_PROVIDER_ID, ProviderConfigError, resolveProvider } from '../model/provider.js';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { Account } from '../protocol/v2/account.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `account/read` [observed]: `requiresOpenaiAuth` is the active provider's `requires_openai_auth` (true for the
 * built-in `openai`); the account is the Codex login such a provider uses — `{"type":"apiKey"}` for a key in
 * auth.json (an `OPENAI_API_KEY` in the environment is not an account), `{"type":"chatgpt",…}` for ChatGPT tokens
 * (auth.json or client-supplied), described from the tokens' claims — and null otherwise.
 *
 * Where we differ: with a ChatGPT login the reference first asks the ChatGPT backend for workspace routing
 * (`GET …/wham/accounts/check`) and fails with `workspace routing discovery failed` when that fails; this server
 * does not call it, so `workspaceRouting` and `workspaceName` stay null. `refreshToken: true` refreshes the ChatGPT
 * tokens in auth.json first (`refresh_reason: "forced"` [observed]); client-supplied tokens are the client's to
 * refresh, so it is ignored for them. A refresh the issuer refuses fails the request with its message (sign in
 * again).
 *
 * With `model_provider = "amazon-bedrock"` the account is `{"type":"amazonBedrock","usesCodexManagedCredentials"}`
 * (whether auth.json holds a Bedrock login and no AWS profile is configured, which would win) and `requiresOpenaiAuth` is false; with another provider a stored
 * Bedrock login is refused with -32600 `Bedrock API key auth is only supported by the Amazon Bedrock model
 * provider` (the reference's words for either kind of Bedrock login) [observed].
 */
export function accountReadHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.accountRead, async (params) => {
    if (params.refreshToken === true) {
      try {
        await services.auth.refreshStoredTokens('forced');
      } catch (error) {
        throw new RpcError(ErrorCode.InternalError, error instanceof Error ? error.message : String(error));
      }
    }
    if (activeProviderId(services) === AMAZON_BEDROCK_PROVIDER_ID) {
      // A profile chosen with account/bedrock/setup wins over the stored login [observed].
      const usesCodexManagedCredentials = isBedrockAuth(await services.auth.current()) && configuredBedrock(services, 'profile') === null;
      const account: Account = { type: 'amazonBedrock', usesCodexManagedCredentials };
      return { account, userId: null, requiresOpenaiAuth: false, workspaceRouting: null };
    }
    const requiresOpenaiAuth = providerRequiresOpenaiAuth(services);
    const auth = requiresOpenaiAuth ? await services.auth.current() : null;
    if (isBedrockAuth(auth)) {
      throw new RpcError(ErrorCode.InvalidRequest, 'Bedrock API key auth is only supported by the Amazon Bedrock model provider');
    }
    const userId = isChatgptAuth(auth) ? auth.userId : null;
    return { account: accountOf(auth), userId, requiresOpenaiAuth, workspaceRouting: null };
  });
}

function accountOf(auth: CodexAuth | null): Account | null {
  if (auth === null) return null;
  if (isChatgptAuth(auth)) return { type: 'chatgpt', email: auth.email, planType: auth.planType, workspaceName: null };
  return { type: 'apiKey' };
}

/** The provider config.toml selects (the active profile's first), as resolveProvider picks it. */
function activeProviderId(services: ServerServices): string {
  const config = services.config.config;
  const profile = config.profile === undefined ? undefined : config.profiles?.[config.profile];
  return profile?.model_provider ?? config.model_provider ?? OPENAI_PROVIDER_ID;
}

function providerRequiresOpenaiAuth(services: ServerServices): boolean {
  try {
    return resolveProvider(services.config.config, services.env).requiresOpenaiAuth;
  } catch (error) {
    // A provider that cannot be resolved yet (e.g. its env_key is unset) still has a config table to read.
    if (!(error instanceof ProviderConfigError)) throw error;
    const id = services.config.config.model_provider;
    return id === undefined ? true : services.config.config.model_providers?.[id]?.requires_openai_auth === true;
  }
}

/**
 * `account/bedrock/checkGovCloudRequirements` [experimental], as the reference answers it [observed]: only while
 * config.toml selects `amazon-bedrock`, the region Bedrock requests would use — a stored API key's own region
 * (unless a profile is configured), else `[model_providers.amazon-bedrock.aws] region` — is GovCloud when it is a `us-gov-` region. `shouldWarn`
 * then says the managed network requirements miss the GovCloud baseline, which they always do here: this server
 * applies no managed requirements of that kind. Otherwise both are false.
 */
export function bedrockGovCloudHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.bedrockCheckGovCloudRequirements, async () => {
    if (activeProviderId(services) !== AMAZON_BEDROCK_PROVIDER_ID) return { isGovCloud: false, shouldWarn: false };
    const auth = await services.auth.current();
    const managedKey = auth?.mode === 'bedrockApiKey' && configuredBedrock(services, 'profile') === null;
    const region = managedKey ? auth.region : configuredBedrock(services, 'region');
    const isGovCloud = region !== null && isGovCloudRegion(region);
    return { isGovCloud, shouldWarn: isGovCloud };
  });
}

/** `[model_providers.amazon-bedrock.aws] <key>`, trimmed, or null when unset or blank. */
function configuredBedrock(services: ServerServices, key: 'region' | 'profile'): string | null {
  const table: Record<string, unknown> = services.config.config.model_providers?.[AMAZON_BEDROCK_PROVIDER_ID] ?? {};
  const aws = table['aws'];
  const value = isPlainTable(aws) ? aws[key] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
