import { ConfigWriteError, writeUserConfig } from '../../config/config-write.js';
import type { LoadedConfig } from '../../config/load.js';
import { BEDROCK_PROVIDER_IDS, GCP_PROVIDER_ID, isPlainTable } from '../../config/schema.js';
import { OPENAI_PROVIDER_ID } from '../../model/provider.js';
import type { ConfigEdit } from '../../protocol/v2/config.js';
import type { ModelProviderSummary, ProviderSettingsPatch } from '../../protocol/v2/model-providers.js';
import { listModelProviders } from './provider-summaries.js';

/** Ids a custom gateway may not take: every provider the reference builds in. */
const BUILT_IN_IDS: ReadonlySet<string> = new Set([OPENAI_PROVIDER_ID, 'ollama', 'lmstudio', ...BEDROCK_PROVIDER_IDS, GCP_PROVIDER_ID]);
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `modelProvider/config/write`: creates or edits a provider in config.toml through the user-config writer and
 * answers its new summary, as the reference 0.169.0 does [observed]:
 * - a custom gateway without `providerId` is created under an id made from its name (lowercase ASCII letters and
 *   digits, other runs become `-`; `custom` when nothing is left; `-2`, `-3`… when taken), needs a name and a base
 *   URL, and is written with `wire_api = "responses"`;
 * - with `providerId` the gateway must exist (`Unknown provider ID.`) and not be a built-in;
 * - Bedrock patches `[model_providers.<id>.aws]` `profile` / `region`, GCP patches `project_id`, `location`,
 *   `credential_file`; an omitted field is kept, `null` removes it.
 * @throws ConfigWriteError with the reference's texts and `config_write_error_code`.
 */
export async function writeProviderConfig(config: LoadedConfig, patch: ProviderSettingsPatch): Promise<ModelProviderSummary> {
  const { id, edits } = providerEdits(config, patch);
  if (edits.length > 0) await writeUserConfig(config, { edits });
  const summary = listModelProviders(config.config).data.find((provider) => provider.id === id);
  if (summary === undefined) throw new ConfigWriteError('configPathNotFound', 'Unknown provider ID.');
  return summary;
}

function providerEdits(config: LoadedConfig, patch: ProviderSettingsPatch): { id: string; edits: ConfigEdit[] } {
  const existing = configuredProviders(config);
  switch (patch.type) {
    case 'bedrock':
      return {
        id: patch.providerId,
        edits: [
          ...fieldEdit([patch.providerId, 'aws', 'profile'], patch.profile),
          ...fieldEdit([patch.providerId, 'aws', 'region'], patch.region),
        ],
      };
    case 'gcp':
      return {
        id: patch.providerId,
        edits: [
          ...fieldEdit([patch.providerId, 'project_id'], patch.projectId),
          ...fieldEdit([patch.providerId, 'location'], patch.location),
          ...fieldEdit([patch.providerId, 'credential_file'], patch.credentialFile),
        ],
      };
    case 'customGateway': {
      const providerId = patch.providerId ?? null;
      if (providerId !== null) {
        if (BUILT_IN_IDS.has(providerId)) throw invalid('A custom provider or gateway cannot use a built-in provider ID.');
        if (!existing.has(providerId)) throw new ConfigWriteError('configPathNotFound', 'Unknown provider ID.');
      }
      const name = patch.name === undefined ? undefined : validName(patch.name);
      const baseUrl = patch.baseUrl === undefined || patch.baseUrl === null ? patch.baseUrl : validBaseUrl(patch.baseUrl);
      const envKey = patch.envKey === undefined || patch.envKey === null ? patch.envKey : validEnvKey(patch.envKey);
      if (providerId === null) {
        if (name === undefined) throw invalid('Enter a provider name.');
        if (baseUrl === undefined || baseUrl === null) throw invalid('A base URL is required to create a custom provider.');
      }
      const id = providerId ?? allocateId(name ?? '', existing);
      return {
        id,
        edits: [
          ...fieldEdit([id, 'base_url'], baseUrl),
          ...fieldEdit([id, 'env_key'], envKey),
          ...fieldEdit([id, 'name'], name),
          ...(providerId === null ? fieldEdit([id, 'wire_api'], 'responses') : []),
        ],
      };
    }
  }
}

/** One key of `[model_providers…]`: omitted → no edit, null → removed, else set. */
function fieldEdit(path: readonly string[], value: string | null | undefined): ConfigEdit[] {
  if (value === undefined) return [];
  const keyPath = ['model_providers', ...path].map((part) => JSON.stringify(part)).join('.');
  return [{ keyPath, value, mergeStrategy: 'replace' }];
}

function configuredProviders(config: LoadedConfig): ReadonlySet<string> {
  const providers = config.fileTable['model_providers'];
  return new Set(isPlainTable(providers) ? Object.keys(providers) : []);
}

function validName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw invalid('Enter a provider name.');
  return name;
}

function validBaseUrl(raw: string): string {
  const text = raw.trim();
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  const acceptable =
    url !== null &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '' &&
    !text.includes('?') &&
    !text.includes('#');
  if (!acceptable) throw invalid('Enter an HTTP(S) base URL without credentials, a query, or a fragment.');
  return text;
}

function validEnvKey(raw: string): string {
  if (!ENV_VAR_NAME.test(raw)) throw invalid('Invalid API key environment variable name.');
  return raw;
}

/** The id a new gateway gets from its name, unique among configured and built-in providers. */
function allocateId(name: string, taken: ReadonlySet<string>): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const base = slug === '' ? 'custom' : slug;
  const free = (id: string) => !taken.has(id) && !BUILT_IN_IDS.has(id);
  if (free(base)) return base;
  for (let n = 2; ; n++) if (free(`${base}-${n}`)) return `${base}-${n}`;
}

function invalid(message: string): ConfigWriteError {
  return new ConfigWriteError('configValidationError', message);
}
