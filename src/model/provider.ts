import { isPlainTable, providerDefaults, type ConfigToml, type ModelProviderToml } from '../config/schema.js';
import { COMPATIBLE_CODEX_VERSION } from '../util/version.js';
import type { BedrockSettings } from './bedrock/bedrock-route.js';

/** Environment variables as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The model provider a turn talks to, with everything taken from config.toml and the environment already
 * resolved: the HTTP client needs nothing else. Plain data; safe to log except `bearerToken`.
 */
export interface ResolvedProvider {
  /** The key in `model_providers` (or a built-in id: `openai`, `ollama`, `lmstudio`). */
  readonly id: string;
  readonly name: string;
  /**
   * The configured model slug (`model`, the active profile's first), or null when the config names none —
   * choosing a default model is the model catalogue's business, not the provider's.
   */
  readonly model: string | null;
  /** Without a trailing slash; requests go to `{baseUrl}/responses`. */
  readonly baseUrl: string;
  readonly wireApi: 'responses';
  /**
   * `Authorization: Bearer` value from `env_key`, else `experimental_bearer_token`, else (for a provider with
   * `requires_openai_auth`, such as the built-in `openai`) `OPENAI_API_KEY`; null when none applies.
   */
  readonly bearerToken: string | null;
  /**
   * `bearerToken` is the `OPENAI_API_KEY` fallback of a login-based provider: a Codex login (auth.json, client
   * tokens) wins over it, as in the reference, where a stored login is used even with the variable set [observed].
   */
  readonly bearerTokenIsFallback: boolean;
  /**
   * Where a ChatGPT login sends requests: the ChatGPT Codex backend for a login-based provider that has no base
   * URL of its own (the built-in `openai` without `OPENAI_BASE_URL`), else null (use `baseUrl`).
   */
  readonly chatgptBaseUrl: string | null;
  /**
   * The provider uses the Codex login (`requires_openai_auth`). When `bearerToken` is null such a provider
   * needs an {@link OpenaiAuthSource} to authenticate.
   */
  readonly requiresOpenaiAuth: boolean;
  /** `http_headers` plus the `env_http_headers` whose variable is set (non-blank); names as configured. */
  readonly httpHeaders: Readonly<Record<string, string>>;
  /** `query_params`, appended to the URL in order. */
  readonly queryParams: Readonly<Record<string, string>>;
  /** HTTP attempts after the first for one request (connect errors, 429, 5xx). */
  readonly requestMaxRetries: number;
  /** Re-issues of a request whose stream broke after it started. */
  readonly streamMaxRetries: number;
  /** A stream with no SSE event for this long is treated as broken. */
  readonly streamIdleTimeoutMs: number;
  /**
   * `request_attestation = true` (this server's extension): model requests carry `x-oai-attestation` as they
   * would for a ChatGPT login. See attestation-policy.ts.
   */
  readonly requestAttestation: boolean;
  /**
   * For the built-in `amazon-bedrock` provider: its settings from config.toml. Its requests then go where the
   * stored Bedrock login says and are authenticated with it (bedrock/bedrock-route.ts); `baseUrl` is unused.
   */
  readonly bedrock: BedrockSettings | null;
}

/** The Codex login's credentials for one request (see {@link OpenaiAuthSource}). */
export interface OpenaiLogin {
  /** At least `authorization`; a ChatGPT login adds `chatgpt-account-id`. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * A ChatGPT login: a provider without its own base URL (the built-in `openai`) then talks to the ChatGPT Codex
   * backend ({@link ResolvedProvider.chatgptBaseUrl}) instead of the API.
   */
  readonly chatgpt: boolean;
  /** Which credentials these are, so a refresh is asked for only while they are still the current ones. */
  readonly generation: number;
}

/**
 * Credentials that come from the Codex login rather than the environment: `$CODEX_HOME/auth.json` (an API key or
 * ChatGPT tokens) or ChatGPT tokens a client handed over. The HTTP client asks before every request to a provider
 * with `requiresOpenaiAuth` (a login or logout takes effect at the next request).
 */
export interface OpenaiAuthSource {
  /** The current login, or null when there is none — the request then goes out without credentials. */
  login(signal: AbortSignal): Promise<OpenaiLogin | null>;
  /**
   * After the provider answered 401 to a request made with `failed`: obtains fresh credentials when this kind of
   * login can (client-managed ChatGPT tokens). True when the request is worth sending once more.
   */
  refreshAfterUnauthorized(failed: OpenaiLogin, signal: AbortSignal): Promise<boolean>;
}

/**
 * The token of a model gateway that wants its own OAuth sign-in (a provider with `gateway_oauth`): asked before
 * every request, it gives the header that carries the token (e.g. `authorization: Bearer …` or
 * `cookie: name=…`), refreshing it first when it is about to expire.
 */
export interface GatewayTokenSource {
  /** The header's lower-cased name and value; rejects with a ModelError when no token can be had. */
  header(signal: AbortSignal): Promise<readonly [string, string]>;
}

/** Why {@link resolveProvider} could not produce a provider. */
export type ProviderConfigErrorCode = 'unknownProvider' | 'unknownProfile' | 'unsupportedProvider' | 'missingEnvVar';

/** The configuration names a provider this server cannot use. Reported as a failed turn (a user error). */
export class ProviderConfigError extends Error {
  readonly code: ProviderConfigErrorCode;
  /** The environment variable that is missing, for `missingEnvVar`. */
  readonly envVar: string | null;

  constructor(code: ProviderConfigErrorCode, message: string, envVar: string | null = null) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.envVar = envVar;
  }
}

export const OPENAI_PROVIDER_ID = 'openai';
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** The reference's base URL for ChatGPT-authenticated Codex requests. */
export const DEFAULT_CHATGPT_CODEX_BASE_URL = 'https://chatgpt.com/backend-api/codex';

/** A non-blank environment value, as the reference reads every variable it uses here. */
function envValue(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The reference's built-in `openai` provider (`create_openai_provider`). */
function openaiProvider(env: Environment): ModelProviderToml {
  return {
    name: 'OpenAI',
    base_url: envValue(env, 'OPENAI_BASE_URL') ?? DEFAULT_OPENAI_BASE_URL,
    wire_api: 'responses',
    http_headers: { version: COMPATIBLE_CODEX_VERSION },
    env_http_headers: { 'OpenAI-Organization': 'OPENAI_ORGANIZATION', 'OpenAI-Project': 'OPENAI_PROJECT' },
    requires_openai_auth: true,
  };
}

/** The reference's built-in local providers (`create_oss_provider`): `CODEX_OSS_BASE_URL`, else `CODEX_OSS_PORT`. */
function ossProvider(env: Environment, defaultPort: number): ModelProviderToml {
  const port = Number(envValue(env, 'CODEX_OSS_PORT'));
  const validPort = Number.isInteger(port) && port > 0 && port < 65_536 ? port : defaultPort;
  return {
    name: 'gpt-oss',
    base_url: envValue(env, 'CODEX_OSS_BASE_URL') ?? `http://localhost:${validPort}/v1`,
    wire_api: 'responses',
  };
}

export const AMAZON_BEDROCK_PROVIDER_ID = 'amazon-bedrock';

/**
 * The reference's built-in `amazon-bedrock` provider: Bedrock's OpenAI-compatible Responses endpoint, with the
 * header the reference sends to it [observed]. Where requests go is decided per request (see {@link bedrockSettings}).
 */
function amazonBedrockProvider(): ModelProviderToml {
  return { name: 'Amazon Bedrock', wire_api: 'responses', http_headers: { 'x-amzn-mantle-client-agent': 'codex' } };
}

/**
 * Built-in providers. A `[model_providers.<id>]` table with one of these ids is ignored, like the reference
 * (`entry(key).or_insert`): built-ins cannot be overridden — except what `amazon-bedrock` reads from its own table
 * ({@link bedrockSettings}). `amazon-bedrock-runtime` (Bedrock's runtime endpoint) and `gcp` (Google credentials)
 * are not implemented.
 */
const BUILT_IN_PROVIDERS: Readonly<Record<string, ((env: Environment) => ModelProviderToml) | null>> = {
  [OPENAI_PROVIDER_ID]: openaiProvider,
  ollama: (env) => ossProvider(env, 11_434),
  lmstudio: (env) => ossProvider(env, 1234),
  [AMAZON_BEDROCK_PROVIDER_ID]: amazonBedrockProvider,
  'amazon-bedrock-runtime': null,
  gcp: null,
};

/** Whether `id` names a built-in provider (whose `[model_providers.<id>]` table, if any, is ignored). */
export function isBuiltInProvider(id: string): boolean {
  return Object.hasOwn(BUILT_IN_PROVIDERS, id);
}

/** The table for `id`: a built-in, else the config's own. */
function providerTable(config: ConfigToml, id: string, env: Environment): ModelProviderToml {
  if (Object.hasOwn(BUILT_IN_PROVIDERS, id)) {
    const builtIn = BUILT_IN_PROVIDERS[id];
    if (!builtIn) {
      throw new ProviderConfigError('unsupportedProvider', `Model provider \`${id}\` is not supported by this server`);
    }
    return builtIn(env);
  }
  const configured = config.model_providers;
  if (configured && Object.hasOwn(configured, id)) {
    const table = configured[id];
    if (table) return table;
  }
  throw new ProviderConfigError('unknownProvider', `Model provider \`${id}\` not found`);
}

/**
 * `[model_providers.amazon-bedrock]`'s `base_url` and `[model_providers.amazon-bedrock.aws]` `region` and `profile`
 * (blank counts as unset), the keys of that table the reference reads.
 */
function bedrockSettings(config: ConfigToml): BedrockSettings {
  const table: Record<string, unknown> = config.model_providers?.[AMAZON_BEDROCK_PROVIDER_ID] ?? {};
  const aws = table['aws'];
  const awsValue = (key: string) => (isPlainTable(aws) && typeof aws[key] === 'string' ? aws[key].trim() : '');
  const region = awsValue('region');
  const profile = awsValue('profile');
  const baseUrl = typeof table['base_url'] === 'string' ? table['base_url'].trim() : '';
  return { region: region === '' ? null : region, profile: profile === '' ? null : profile, baseUrl: baseUrl === '' ? null : baseUrl };
}

/** The active `[profiles.<name>]`, whose `model`/`model_provider` win over the top-level keys. */
function activeProfile(config: ConfigToml) {
  if (config.profile === undefined) return undefined;
  const profiles = config.profiles ?? {};
  const profile = Object.hasOwn(profiles, config.profile) ? profiles[config.profile] : undefined;
  if (!profile) throw new ProviderConfigError('unknownProfile', `config profile \`${config.profile}\` not found`);
  return profile;
}

/**
 * The bearer token the reference would send: `env_key` (a missing or blank variable is an error — the
 * reference checks it before `experimental_bearer_token`), then `experimental_bearer_token`, then for a
 * login-based provider `OPENAI_API_KEY`.
 */
function bearerToken(table: ModelProviderToml, env: Environment): string | null {
  if (table.env_key !== undefined) {
    const key = envValue(env, table.env_key);
    if (key === undefined) {
      const instructions = table.env_key_instructions === undefined ? '' : ` ${table.env_key_instructions}`;
      throw new ProviderConfigError(
        'missingEnvVar',
        `Missing environment variable: \`${table.env_key}\`.${instructions}`,
        table.env_key,
      );
    }
    return key;
  }
  if (table.experimental_bearer_token !== undefined) return table.experimental_bearer_token;
  if (table.requires_openai_auth) return envValue(env, 'OPENAI_API_KEY') ?? null;
  return null;
}

function resolveHeaders(table: ModelProviderToml, env: Environment): Record<string, string> {
  const headers: Record<string, string> = { ...table.http_headers };
  for (const [header, variable] of Object.entries(table.env_http_headers ?? {})) {
    const value = envValue(env, variable);
    if (value !== undefined) headers[header] = value;
  }
  return headers;
}

/**
 * Resolves the provider a turn uses from validated config.toml values and the environment: `model`,
 * `model_provider` (the active profile's first; default the built-in `openai`, whose base URL is
 * `OPENAI_BASE_URL` or `https://api.openai.com/v1`) and its `[model_providers.<id>]` table, with the
 * reference's defaults for the keys left out.
 *
 * Call it when a turn starts, like the reference, so a changed environment applies to the next turn and its
 * errors are turn errors.
 *
 * @throws ProviderConfigError `unknownProvider` (``Model provider `x` not found``), `unknownProfile`,
 *   `unsupportedProvider` (`amazon-bedrock-runtime`), or `missingEnvVar` (``Missing environment variable: `NAME`.``,
 *   followed by `env_key_instructions` when set).
 */
export function resolveProvider(config: ConfigToml, env: Environment): ResolvedProvider {
  const profile = activeProfile(config);
  const id = profile?.model_provider ?? config.model_provider ?? OPENAI_PROVIDER_ID;
  const table = providerTable(config, id, env);
  const withDefaults = providerDefaults(table);
  return {
    id,
    name: table.name ?? id,
    model: profile?.model ?? config.model ?? null,
    baseUrl: (table.base_url ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, ''),
    wireApi: withDefaults.wire_api,
    bearerToken: bearerToken(table, env),
    bearerTokenIsFallback:
      table.env_key === undefined && table.experimental_bearer_token === undefined && table.requires_openai_auth === true,
    chatgptBaseUrl: id === OPENAI_PROVIDER_ID && envValue(env, 'OPENAI_BASE_URL') === undefined ? DEFAULT_CHATGPT_CODEX_BASE_URL : null,
    requiresOpenaiAuth: table.requires_openai_auth ?? false,
    httpHeaders: resolveHeaders(table, env),
    queryParams: { ...table.query_params },
    requestMaxRetries: withDefaults.request_max_retries,
    streamMaxRetries: withDefaults.stream_max_retries,
    streamIdleTimeoutMs: withDefaults.stream_idle_timeout_ms,
    requestAttestation: table.request_attestation ?? false,
    bedrock: id === AMAZON_BEDROCK_PROVIDER_ID ? bedrockSettings(config) : null,
  };
}
