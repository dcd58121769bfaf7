import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { AUTH_JSON_FILE } from '../model/auth-json.js';
import { ProviderConfigError, resolveProvider } from '../model/provider.js';
import { ClientRequests } from '../protocol/registry.js';
import type { Account } from '../protocol/v2/account.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `account/read`, as the reference answers without a ChatGPT login [observed]: `requiresOpenaiAuth` is the active
 * provider's `requires_openai_auth` (true for the built-in `openai`); the account is `{"type":"apiKey"}` only when
 * such a provider has a key stored by `codex login --with-api-key` in `$CODEX_HOME/auth.json` (an
 * `OPENAI_API_KEY` in the environment is not an account), otherwise null. ChatGPT logins are not supported by
 * this server, so `userId` and `workspaceRouting` are always null and `refreshToken` has nothing to refresh.
 */
export function accountReadHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.accountRead, async () => {
    const requiresOpenaiAuth = providerRequiresOpenaiAuth(services);
    const account: Account | null =
      requiresOpenaiAuth && (await hasStoredApiKey(services.codexHome)) ? { type: 'apiKey' } : null;
    return { account, userId: null, requiresOpenaiAuth, workspaceRouting: null };
  });
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

const StoredKeySchema = z.looseObject({ OPENAI_API_KEY: z.string().min(1) });

async function hasStoredApiKey(codexHome: string): Promise<boolean> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(codexHome, AUTH_JSON_FILE), 'utf8'));
    return StoredKeySchema.safeParse(parsed).success;
  } catch {
    return false;
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
