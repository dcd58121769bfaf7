import type { BedrockAuth } from '../auth/codex-auth.js';
import { writeUserConfig } from '../config/config-write.js';
import { isPlainTable } from '../config/schema.js';
import { isSupportedBedrockRegion, unsupportedRegionMessage } from '../model/bedrock/bedrock-regions.js';
import { AMAZON_BEDROCK_PROVIDER_ID } from '../model/provider.js';
import { RpcErrors } from '../protocol/errors.js';
import type { LoginAccountParams } from '../protocol/v2/account.js';
import type { ConfigEdit } from '../protocol/v2/config.js';
import type { ServerServices } from './services.js';

type BedrockLoginParams = Extract<LoginAccountParams, { type: 'amazonBedrock' | 'amazonBedrockAccessKeys' }>;

const AWS_TABLE = ['model_providers', AMAZON_BEDROCK_PROVIDER_ID, 'aws'];

/**
 * `account/login/start` `amazonBedrock {apiKey, region}` / `amazonBedrockAccessKeys {accessKeyId,
 * secretAccessKey, sessionToken?, region}`, as the reference 0.169.0 does it [observed]:
 * - refused (-32600) while a client's ChatGPT tokens are in effect, with `forced_login_method = "chatgpt"`, for a
 *   blank key (`Amazon Bedrock API key must not be empty.` / `AWS access key ID and secret access key must not be
 *   empty.`) and for a region Bedrock does not serve (``Amazon Bedrock does not support region `<region>` ``);
 *   every value is trimmed first and a blank session token is left out;
 * - config.toml then selects the provider (`model_provider = "amazon-bedrock"`); access keys also set
 *   `[model_providers.amazon-bedrock.aws] region` (an API key carries its own region), and either login drops that
 *   table's `profile` (and the API key its `region`), so the new credentials are the ones used;
 * - auth.json (0600) then holds the credentials, replacing any login (bedrock-auth-json.ts).
 * The caller announces the login (`account/login/completed`, then `account/updated` with `bedrockApiKey` /
 * `bedrockAccessKeys`) after the `{type: "amazonBedrock"}` answer.
 */
export async function loginWithBedrock(services: ServerServices, params: BedrockLoginParams): Promise<BedrockAuth> {
  if (services.auth.usesClientTokens) {
    throw RpcErrors.badRequest(
      'External auth is active. Use account/login/start (chatgptAuthTokens) to update it or account/logout to clear it.',
    );
  }
  if (services.config.config.forced_login_method === 'chatgpt') {
    throw RpcErrors.badRequest('Amazon Bedrock login is disabled. Use ChatGPT login instead.');
  }
  const auth = credentialsOf(params);
  const region = params.region.trim();
  if (!isSupportedBedrockRegion(region)) throw RpcErrors.badRequest(unsupportedRegionMessage(region));
  const edits: ConfigEdit[] = [
    { keyPath: 'model_provider', value: AMAZON_BEDROCK_PROVIDER_ID, mergeStrategy: 'replace' },
    awsEdit('profile', null),
    awsEdit('region', auth.mode === 'bedrockAccessKeys' ? region : null),
  ];
  await writeUserConfig(services.config, { edits });
  return services.auth.loginWithBedrock(auth.mode === 'bedrockApiKey' ? { ...auth, region } : auth);
}

function credentialsOf(params: BedrockLoginParams): BedrockAuth {
  if (params.type === 'amazonBedrock') {
    const apiKey = params.apiKey.trim();
    if (apiKey === '') throw RpcErrors.badRequest('Amazon Bedrock API key must not be empty.');
    return { mode: 'bedrockApiKey', apiKey, region: params.region.trim() };
  }
  const accessKeyId = params.accessKeyId.trim();
  const secretAccessKey = params.secretAccessKey.trim();
  if (accessKeyId === '' || secretAccessKey === '') {
    throw RpcErrors.badRequest('AWS access key ID and secret access key must not be empty.');
  }
  const sessionToken = params.sessionToken?.trim() ?? '';
  return { mode: 'bedrockAccessKeys', accessKeyId, secretAccessKey, sessionToken: sessionToken === '' ? null : sessionToken };
}

/**
 * What `account/logout` does to config.toml when it selects Bedrock (`model_provider = "amazon-bedrock"` in the
 * user file), whatever the login was [observed]: `model`, `model_provider` and `[model_providers.amazon-bedrock.aws]`
 * are removed — the Bedrock model id means nothing to another provider — while the rest of that provider's table
 * (e.g. `base_url`) stays. Tables left empty are removed with them.
 */
export async function clearBedrockSelection(services: ServerServices): Promise<void> {
  const file = services.config.fileTable;
  if (file['model_provider'] !== AMAZON_BEDROCK_PROVIDER_ID) return;
  const edits: ConfigEdit[] = [
    { keyPath: 'model', value: null, mergeStrategy: 'replace' },
    { keyPath: 'model_provider', value: null, mergeStrategy: 'replace' },
    awsEdit(null, null),
  ];
  const providers = file['model_providers'];
  const bedrock = isPlainTable(providers) ? providers[AMAZON_BEDROCK_PROVIDER_ID] : undefined;
  if (isPlainTable(bedrock) && Object.keys(bedrock).every((key) => key === 'aws')) {
    edits.push({ keyPath: dotted(['model_providers', AMAZON_BEDROCK_PROVIDER_ID]), value: null, mergeStrategy: 'replace' });
    if (isPlainTable(providers) && Object.keys(providers).length === 1) {
      edits.push({ keyPath: 'model_providers', value: null, mergeStrategy: 'replace' });
    }
  }
  await writeUserConfig(services.config, { edits });
}

/** An edit of `[model_providers.amazon-bedrock.aws]` (`key` null: the whole table); a null value removes it. */
function awsEdit(key: string | null, value: string | null): ConfigEdit {
  return { keyPath: dotted(key === null ? AWS_TABLE : [...AWS_TABLE, key]), value, mergeStrategy: 'replace' };
}

function dotted(path: readonly string[]): string {
  return path.map((part) => JSON.stringify(part)).join('.');
}
