import { lazySchema } from '../util/lazy-schema.js';
import * as z from 'zod';

/*
 * The config.toml keys a server reads. Every table is loose: keys this server does not know are kept and
 * ignored, never an error. Validation messages are the reference's serde texts (probed against 0.169.0 with
 * `-c key=value`), because load.ts shows them to users in `configWarning` details and startup errors:
 *   invalid type: integer `5`, expected a string
 *   unknown variant `huge`, expected one of `low`, `medium`, `high`
 *   invalid value: integer `-1`, expected u64
 *   invalid type: integer `1`, expected struct ModelProviderInfo
 */

/** What the reference says for a non-string enum value coming from `-c`; load.ts rewords it for config.toml. */
export const NON_STRING_VARIANT_MESSAGE = 'invalid type: unit variant, expected string only';

/** What the reference says for a non-string enum value written in config.toml (the toml crate's wording). */
export const NON_STRING_VARIANT_FILE_MESSAGE = 'wanted string or table';

/** The reference's text for `wire_api = "chat"`, which it no longer supports. */
export const CHAT_WIRE_API_MESSAGE =
  '`wire_api = "chat"` is no longer supported.\n' +
  'How to fix: set `wire_api = "responses"` in your provider config.\n' +
  'More info: https://github.com/openai/codex/discussions/7782';

/** serde's wording of a value it did not expect (`integer \`5\``, `string "x"`, `sequence`, `map`). */
function describeTomlValue(value: unknown): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  }
  if (typeof value === 'bigint') return `integer \`${value}\``;
  if (Array.isArray(value)) return 'sequence';
  if (value === undefined || value === null) return 'unit value';
  return 'map';
}

function invalidType(input: unknown, expected: string): string {
  return `invalid type: ${describeTomlValue(input)}, expected ${expected}`;
}

/** serde lists variants as `` `a` ``, `` `a` or `b` ``, or ``one of `a`, `b`, `c` ``. */
function expectedVariants(values: readonly string[]): string {
  const quoted = values.map((value) => `\`${value}\``);
  if (quoted.length === 1) return quoted[0] ?? '';
  if (quoted.length === 2) return `${quoted[0]} or ${quoted[1]}`;
  return `one of ${quoted.join(', ')}`;
}

const tomlString = () => z.string({ error: (issue) => invalidType(issue.input, 'a string') });
const tomlBoolean = () => z.boolean({ error: (issue) => invalidType(issue.input, 'a boolean') });
const tomlI64 = () => z.int({ error: (issue) => invalidType(issue.input, 'i64') });
const tomlU64 = () =>
  z
    .int({ error: (issue) => invalidType(issue.input, 'u64') })
    .min(0, { error: (issue) => `invalid value: integer \`${String(issue.input)}\`, expected u64` });

/**
 * A string enum. `listed` is the variant list the reference prints, which can name variants this server does
 * not accept (e.g. `granular` for approval_policy).
 */
function tomlEnum<const T extends readonly [string, ...string[]]>(values: T, listed: readonly string[] = values) {
  return z.enum(values, {
    error: (issue) =>
      typeof issue.input === 'string'
        ? `unknown variant \`${issue.input}\`, expected ${expectedVariants(listed)}`
        : NON_STRING_VARIANT_MESSAGE,
  });
}

const tomlStringArray = (itemExpected = 'a string') =>
  z.array(z.string({ error: (issue) => invalidType(issue.input, itemExpected) }), {
    error: (issue) => invalidType(issue.input, 'a sequence'),
  });

const tomlStringMap = () =>
  z.record(z.string(), tomlString(), { error: (issue) => invalidType(issue.input, 'a map') });

/** A loose table named like the reference's Rust struct, which serde names when the value is not a table. */
function tomlStruct<S extends z.core.$ZodLooseShape>(structName: string, shape: S) {
  return z.looseObject(shape, { error: (issue) => invalidType(issue.input, `struct ${structName}`) });
}

/** A table of named entries (`[model_providers.<id>]`, `[projects."<path>"]`, `[profiles.<name>]`). */
function tomlMap<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value, { error: (issue) => invalidType(issue.input, 'a map') });
}

/**
 * `approval_policy`. The reference also accepts a `{ granular = { … } }` table; this server supports only the
 * named policies and says so instead of failing with a serde text.
 */
export const ApprovalPolicySchema = lazySchema(() => z.enum(['untrusted', 'on-failure', 'on-request', 'never'], {
  error: (issue) => {
    if (issue.input === 'granular') return 'invalid type: unit variant, expected newtype variant';
    const listed = expectedVariants(['untrusted', 'on-failure', 'on-request', 'granular', 'never']);
    if (typeof issue.input === 'string') return `unknown variant \`${issue.input}\`, expected ${listed}`;
    const tableKey = isPlainTable(issue.input) ? Object.keys(issue.input)[0] : undefined;
    if (tableKey !== undefined && tableKey !== 'granular') return `unknown variant \`${tableKey}\`, expected ${listed}`;
    if (tableKey === 'granular') return 'granular approval policies are not supported by this server';
    return NON_STRING_VARIANT_MESSAGE;
  },
}));
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

/** `sandbox_mode`. */
export const SandboxModeSchema = lazySchema(() => tomlEnum(['read-only', 'workspace-write', 'danger-full-access']));
export type SandboxMode = z.infer<typeof SandboxModeSchema>;

/** `wire_api` of a provider: only `responses`; `chat` fails with the reference's migration text. */
export const WireApiSchema = lazySchema(() => z.enum(['responses'], {
  error: (issue) => {
    if (issue.input === 'chat') return CHAT_WIRE_API_MESSAGE;
    if (typeof issue.input === 'string') return `unknown variant \`${issue.input}\`, expected \`responses\``;
    // The reference reads wire_api through a string first, so a number is "expected a string", not a variant.
    return invalidType(issue.input, 'a string');
  },
}));

/** The built-in Bedrock providers, configured by a `[model_providers.<id>]` table of their own. */
export const BEDROCK_PROVIDER_IDS: ReadonlySet<string> = new Set(['amazon-bedrock', 'amazon-bedrock-runtime']);
/** The built-in Google Cloud Vertex AI provider, configured the same way. */
export const GCP_PROVIDER_ID = 'gcp';

/**
 * `[model_providers.<id>.gateway_oauth]`: the provider's gateway wants a token from its own OAuth server (browser
 * sign-in with PKCE on `redirect_port`, or device authorization when `device_authorization_url` is set), sent on
 * model requests as `delivery` says (a header, by default `Authorization: Bearer`, or a cookie).
 */
export const GatewayOAuthTomlSchema = lazySchema(() => tomlStruct('GatewayOAuthConfig', {
  authorization_url: tomlString().optional(),
  device_authorization_url: tomlString().optional(),
  token_url: tomlString().optional(),
  client_id: tomlString().optional(),
  scopes: tomlStringArray().optional(),
  redirect_port: tomlU64().optional(),
  delivery: tomlStruct('GatewayOAuthDelivery', {
    kind: tomlString().optional(),
    name: tomlString().optional(),
    scheme: tomlString().optional(),
  }).optional(),
}));
export type GatewayOAuthToml = z.infer<typeof GatewayOAuthTomlSchema>;

/** `[model_providers.<id>]`. `request_attestation` is this server's extension (not in the reference). */
export const ModelProviderTomlSchema = lazySchema(() => tomlStruct('ModelProviderInfo', {
  name: tomlString().optional(),
  base_url: tomlString().optional(),
  wire_api: WireApiSchema.optional(),
  env_key: tomlString().optional(),
  env_key_instructions: tomlString().optional(),
  experimental_bearer_token: tomlString().optional(),
  query_params: tomlStringMap().optional(),
  http_headers: tomlStringMap().optional(),
  env_http_headers: tomlStringMap().optional(),
  request_max_retries: tomlU64().optional(),
  stream_max_retries: tomlU64().optional(),
  stream_idle_timeout_ms: tomlU64().optional(),
  requires_openai_auth: tomlBoolean().optional(),
  supports_websockets: tomlBoolean().optional(),
  websocket_connect_timeout_ms: tomlU64().optional(),
  request_attestation: tomlBoolean().optional(),
  gateway_oauth: GatewayOAuthTomlSchema.optional(),
}));
export type ModelProviderToml = z.infer<typeof ModelProviderTomlSchema>;

/** `[sandbox_workspace_write]`, used when `sandbox_mode = "workspace-write"`. */
export const SandboxWorkspaceWriteSchema = lazySchema(() => tomlStruct('SandboxWorkspaceWrite', {
  writable_roots: tomlStringArray('path string').optional(),
  network_access: tomlBoolean().optional(),
  exclude_tmpdir_env_var: tomlBoolean().optional(),
  exclude_slash_tmp: tomlBoolean().optional(),
}));

/** `[shell_environment_policy]`: only the commonly used keys are typed; the rest are kept as written. */
export const ShellEnvironmentPolicyTomlSchema = lazySchema(() => tomlStruct('ShellEnvironmentPolicyTomlRaw', {
  inherit: tomlEnum(['core', 'all', 'none']).optional(),
  ignore_default_excludes: tomlBoolean().optional(),
  exclude: tomlStringArray().optional(),
  include_only: tomlStringArray().optional(),
  set: tomlStringMap().optional(),
  experimental_use_profile: tomlBoolean().optional(),
}));

/** `[projects."<absolute path>"]`. */
export const ProjectTomlSchema = lazySchema(() => tomlStruct('ProjectConfig', {
  trust_level: tomlEnum(['trusted', 'untrusted']).optional(),
}));

/** `[features]`: feature name → enabled. Unknown names are kept (the reference only warns about them). */
export const FeaturesTomlSchema = lazySchema(() => z.record(z.string(), tomlBoolean(), {
  error: (issue) => invalidType(issue.input, 'struct FeaturesToml'),
}));

/** Keys allowed both at the top level and inside `[profiles.<name>]`. */
const sharedShape = {
  model: tomlString().optional(),
  model_provider: tomlString().optional(),
  /**
   * Known values `minimal|low|medium|high|xhigh`; the reference accepts any string here (probed: `"x"`
   * starts fine), so this stays a string.
   */
  model_reasoning_effort: tomlString().optional(),
  model_reasoning_summary: tomlEnum(['auto', 'concise', 'detailed', 'none']).optional(),
  model_verbosity: tomlEnum(['low', 'medium', 'high']).optional(),
  model_context_window: tomlI64().optional(),
  model_auto_compact_token_limit: tomlI64().optional(),
  /** Replaces the prompt that asks the model for a compaction summary. */
  compact_prompt: tomlString().optional(),
  approval_policy: ApprovalPolicySchema.optional(),
  sandbox_mode: SandboxModeSchema.optional(),
  sandbox_workspace_write: SandboxWorkspaceWriteSchema.optional(),
  model_providers: tomlMap(ModelProviderTomlSchema).optional(),
  features: FeaturesTomlSchema.optional(),
  /** The hosted web search tool: `live` (the open web), `cached` (the API's index only) or `disabled`. */
  web_search: tomlEnum(['disabled', 'cached', 'live']).optional(),
  developer_instructions: tomlString().optional(),
  /** The reference 0.169.0 reads base instructions from `instructions`; it reports `base_instructions` as ignored. */
  instructions: tomlString().optional(),
  base_instructions: tomlString().optional(),
  model_instructions_file: tomlString().optional(),
  shell_environment_policy: ShellEnvironmentPolicyTomlSchema.optional(),
  notify: tomlStringArray().optional(),
  chatgpt_base_url: tomlString().optional(),
  cli_auth_credentials_store: tomlEnum(['file', 'keyring', 'auto', 'ephemeral']).optional(),
  forced_login_method: tomlEnum(['chatgpt', 'api']).optional(),
  analytics: tomlStruct('AnalyticsConfigToml', { enabled: tomlBoolean().optional() }).optional(),
};

/** `[profiles.<name>]`: the shared keys, selected by `profile = "<name>"`. */
export const ConfigProfileSchema = lazySchema(() => tomlStruct('ConfigProfile', sharedShape));
export type ConfigProfile = z.infer<typeof ConfigProfileSchema>;

/**
 * config.toml as this server reads it. Parsing keeps unknown keys and sections; it fails only on a wrong
 * type or value for a key listed here, with the reference's serde text as the issue message. A provider
 * without a non-empty `name` fails like the reference (``model_providers.<id>: provider name must not be
 * empty``, reported at `model_providers`).
 */
export const ConfigTomlSchema = lazySchema(() => tomlStruct('ConfigToml', {
  ...sharedShape,
  profile: tomlString().optional(),
  profiles: tomlMap(ConfigProfileSchema).optional(),
  /** Ours (the reference 0.169.0 has no such key): the bubblewrap executable to sandbox commands with. */
  bwrap_path: tomlString().optional(),
  projects: tomlMap(ProjectTomlSchema).optional(),
  /** The byte budget of a thread's project AGENTS.md files together (the reference's default is 32 KiB). */
  project_doc_max_bytes: tomlI64().optional(),
  /** File names tried after AGENTS.md in each directory (e.g. `["CLAUDE.md"]`). */
  project_doc_fallback_filenames: tomlStringArray().optional(),
  /** What marks a project root for AGENTS.md and skill discovery (default `[".git"]`). */
  project_root_markers: tomlStringArray().optional(),
}).superRefine((config, ctx) => {
  for (const [id, provider] of Object.entries(config.model_providers ?? {})) {
    // A Bedrock or GCP table only configures a built-in provider (AWS profile, GCP project…): no name needed.
    if (BEDROCK_PROVIDER_IDS.has(id) || id === GCP_PROVIDER_ID) continue;
    if (provider.name === undefined || provider.name === '') {
      ctx.addIssue({
        code: 'custom',
        // The path names the provider so load.ts can tell which layer defined it; displayPath is what the
        // reference prints after `in`.
        path: ['model_providers', id],
        params: { displayPath: ['model_providers'] },
        message: `model_providers.${id}: provider name must not be empty`,
      });
    }
    const gatewayProblem = gatewayOAuthProblem(provider);
    if (gatewayProblem !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['model_providers', id],
        params: { displayPath: ['model_providers'] },
        message: `model_providers.${id}: ${gatewayProblem}`,
      });
    }
  }
}));

/**
 * What the reference 0.169.0 refuses in a provider's `gateway_oauth` table [observed]: a gateway needs the
 * provider's own `base_url`, a client id and a callback port, HTTPS endpoints (plain HTTP only on loopback), and a
 * token header of its own: not the `Authorization` header the provider's credential uses, nor one of the provider's
 * `http_headers` / `env_http_headers`.
 */
function gatewayOAuthProblem(provider: ModelProviderToml): string | null {
  const gateway = provider.gateway_oauth;
  if (gateway === undefined) return null;
  if (provider.base_url === undefined) return 'gateway_oauth requires base_url';
  if ((gateway.client_id !== undefined && gateway.client_id.trim() === '') || gateway.redirect_port === 0) {
    return 'gateway_oauth requires a nonempty client_id and a nonzero redirect_port';
  }
  for (const key of ['authorization_url', 'device_authorization_url', 'token_url'] as const) {
    const url = gateway[key];
    if (url !== undefined && !isGatewayEndpoint(url)) {
      return `gateway_oauth.${key} must use HTTPS (or loopback HTTP), without userinfo or a fragment`;
    }
  }
  const delivery = gateway.delivery ?? {};
  const header = delivery.kind === 'cookie' ? 'cookie' : (delivery.name ?? 'Authorization').toLowerCase();
  const providerCredential =
    provider.requires_openai_auth === true ||
    provider.env_key !== undefined ||
    provider.experimental_bearer_token !== undefined;
  if (header === 'authorization' && providerCredential) {
    return (
      'Header conflict. Codex is configured to send both the model provider credential and the gateway token in ' +
      'the Authorization header. Set gateway_oauth.delivery to a different header or cookie that your gateway ' +
      'accepts for its token.'
    );
  }
  const providerHeaders = [...Object.keys(provider.http_headers ?? {}), ...Object.keys(provider.env_http_headers ?? {})];
  if (providerHeaders.some((name) => name.toLowerCase() === header)) {
    return (
      `The ${header} header is set in both gateway_oauth.delivery and the provider's http_headers or ` +
      'env_http_headers. Remove the duplicate header from the provider or choose a different gateway delivery.'
    );
  }
  return null;
}

/** An endpoint a gateway sign-in may talk to: HTTPS, or HTTP on loopback; no userinfo or fragment. */
function isGatewayEndpoint(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '' || value.includes('#')) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
}
export type ConfigToml = z.infer<typeof ConfigTomlSchema>;

/** The reference's provider defaults (`-c`/config.toml values win); retries are capped at 100 like the reference. */
export const PROVIDER_DEFAULTS = {
  wire_api: 'responses',
  request_max_retries: 4,
  stream_max_retries: 5,
  stream_idle_timeout_ms: 300_000,
} as const;

const MAX_RETRIES = 100;

/** A provider table with what the reference assumes for the keys it leaves out. Does not modify `provider`. */
export function providerDefaults(provider: ModelProviderToml) {
  return {
    ...provider,
    wire_api: provider.wire_api ?? PROVIDER_DEFAULTS.wire_api,
    request_max_retries: Math.min(provider.request_max_retries ?? PROVIDER_DEFAULTS.request_max_retries, MAX_RETRIES),
    stream_max_retries: Math.min(provider.stream_max_retries ?? PROVIDER_DEFAULTS.stream_max_retries, MAX_RETRIES),
    stream_idle_timeout_ms: provider.stream_idle_timeout_ms ?? PROVIDER_DEFAULTS.stream_idle_timeout_ms,
  };
}

/** A TOML table as smol-toml returns it (a plain object, not an array or a TomlDate). */
export function isPlainTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
