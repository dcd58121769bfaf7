import type { CodexAuth } from '../auth/codex-auth.js';
import { ProviderConfigError, resolveProvider } from '../model/provider.js';
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
    const requiresOpenaiAuth = providerRequiresOpenaiAuth(services);
    const auth = requiresOpenaiAuth ? await services.auth.current() : null;
    const userId = auth === null || auth.mode === 'apikey' ? null : auth.userId;
    return { account: accountOf(auth), userId, requiresOpenaiAuth, workspaceRouting: null };
  });
}

function accountOf(auth: CodexAuth | null): Account | null {
  if (auth === null) return null;
  if (auth.mode === 'apikey') return { type: 'apiKey' };
  return { type: 'chatgpt', email: auth.email, planType: auth.planType, workspaceName: null };
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
 * `account/bedrock/checkGovCloudRequirements` [experimental]: this server cannot talk to Amazon Bedrock, so no
 * Bedrock authentication resolves to a GovCloud region and there is nothing to warn about — the reference's answer
 * when Bedrock is not in use [observed].
 */
export function bedrockGovCloudHandler(): RequestHandler {
  return bindHandler(ClientRequests.bedrockCheckGovCloudRequirements, () => ({ isGovCloud: false, shouldWarn: false }));
}
