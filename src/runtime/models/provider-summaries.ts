import type { ConfigToml } from '../../config/schema.js';
import { BEDROCK_PROVIDER_IDS, GCP_PROVIDER_ID, isPlainTable } from '../../config/schema.js';
import { OPENAI_PROVIDER_ID } from '../../model/provider.js';
import type {
  GatewayAuth,
  ModelProviderCapabilitiesReadResponse,
  ModelProviderListResponse,
  ModelProviderSummary,
} from '../../protocol/v2/model-providers.js';

const BEDROCK_DISPLAY_NAME = 'Amazon Bedrock Mantle';
const GCP_DISPLAY_NAME = 'Google Cloud Vertex AI';
/** Built-in ids a `[model_providers.<id>]` table cannot redefine, so such tables are not listed as custom gateways. */
const RESERVED_PROVIDER_IDS: ReadonlySet<string> = new Set([OPENAI_PROVIDER_ID, 'ollama', 'lmstudio']);

/**
 * `modelProvider/list` from the configuration, as the reference 0.169.0 answers it [observed]: the built-in
 * `openai` (never editable, no base URL shown), each custom `[model_providers.<id>]` as a `customGateway`, and a
 * Bedrock provider with its `aws` profile and region and the GCP one with its project (each listed only when
 * config.toml has a table for it); sorted by id. The default is the active
 * profile's `model_provider`, else the top-level one, else `openai`.
 */
export function listModelProviders(config: ConfigToml): ModelProviderListResponse {
  const data: ModelProviderSummary[] = [
    { id: OPENAI_PROVIDER_ID, name: 'OpenAI', canEdit: false, baseUrl: null, settings: { type: 'openai' } },
  ];
  for (const [id, table] of Object.entries(config.model_providers ?? {})) {
    if (RESERVED_PROVIDER_IDS.has(id)) continue;
    if (BEDROCK_PROVIDER_IDS.has(id)) {
      // Provider tables keep keys this server does not model, such as Bedrock's `[aws]`.
      const aws: unknown = (table as Record<string, unknown>)['aws'];
      const awsTable = isPlainTable(aws) ? aws : {};
      data.push({
        id,
        name: BEDROCK_DISPLAY_NAME,
        canEdit: true,
        baseUrl: null,
        settings: { type: 'bedrock', profile: stringOrNull(awsTable['profile']), region: stringOrNull(awsTable['region']) },
      });
      continue;
    }
    if (id === GCP_PROVIDER_ID) {
      const gcp = table as Record<string, unknown>;
      data.push({
        id,
        name: GCP_DISPLAY_NAME,
        canEdit: true,
        baseUrl: null,
        settings: {
          type: 'gcp',
          projectId: stringOrNull(gcp['project_id']),
          location: stringOrNull(gcp['location']),
          credentialFile: stringOrNull(gcp['credential_file']),
        },
      });
      continue;
    }
    const baseUrl = table.base_url === undefined ? null : displayableUrl(table.base_url);
    data.push({
      id,
      name: table.name === undefined || table.name === '' ? id : table.name,
      canEdit: true,
      baseUrl,
      settings: { type: 'customGateway', auth: gatewayAuth(table, baseUrl === null && table.base_url !== undefined) },
    });
  }
  data.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { data, defaultProviderId: defaultProviderId(config), canChangeDefault: true };
}

/** What the default provider supports: every provider searches the web; Bedrock cannot generate images [observed]. */
export function readProviderCapabilities(config: ConfigToml): ModelProviderCapabilitiesReadResponse {
  return { imageGeneration: !BEDROCK_PROVIDER_IDS.has(defaultProviderId(config)), webSearch: true };
}

/** The provider new threads use: the active profile's `model_provider`, else the top-level one, else `openai`. */
export function defaultProviderId(config: ConfigToml): string {
  const profiles = config.profiles ?? {};
  const profile =
    config.profile !== undefined && Object.hasOwn(profiles, config.profile) ? profiles[config.profile] : undefined;
  return profile?.model_provider ?? config.model_provider ?? OPENAI_PROVIDER_ID;
}

/**
 * A gateway whose credentials the form could not show or edit (headers, query parameters, a bearer token, the
 * OpenAI login, or credentials inside the URL) is `externallyConfigured`; otherwise an `env_key` is the form's
 * environment variable, and no key means no authentication.
 */
function gatewayAuth(table: NonNullable<ConfigToml['model_providers']>[string], hiddenUrl: boolean): GatewayAuth {
  const external =
    hiddenUrl ||
    table.http_headers !== undefined ||
    table.env_http_headers !== undefined ||
    table.query_params !== undefined ||
    table.experimental_bearer_token !== undefined ||
    table.requires_openai_auth !== undefined ||
    (table as Record<string, unknown>)['auth'] !== undefined;
  if (external) return { mode: 'externallyConfigured', envKey: table.env_key ?? null };
  if (table.env_key !== undefined) return { mode: 'environmentVariable', envKey: table.env_key };
  return { mode: 'none' };
}

/** The URL as written, unless it carries credentials or a query string, which a list must not display. */
function displayableUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '') return null;
  return url;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
