import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateConfigTable } from '../../config/load.js';
import { applyOverrides } from '../../config/overrides.js';
import type { ConfigToml } from '../../config/schema.js';
import type {
  ActivePermissionProfile,
  ApprovalsReviewer,
  AskForApproval,
  Personality,
  ReasoningEffort,
  ReasoningSummary,
  SandboxMode,
  SandboxPolicy,
} from '../../protocol/v2/policies.js';

/**
 * The settings a loaded thread runs its turns with. Resolved once at thread/start (config.toml, then the
 * thread's `config` overrides, then its explicit params) and changed by turn/start overrides, which persist
 * for later turns.
 */
export interface ThreadSettings {
  readonly model: string;
  readonly modelProvider: string;
  readonly serviceTier: string | null;
  readonly cwd: string;
  readonly runtimeWorkspaceRoots: readonly string[];
  readonly approvalPolicy: AskForApproval;
  readonly approvalsReviewer: ApprovalsReviewer;
  readonly sandboxPolicy: SandboxPolicy;
  /** The implicit built-in profile when neither params nor config chose a sandbox (the reference's report). */
  readonly activePermissionProfile: ActivePermissionProfile | null;
  readonly reasoningEffort: ReasoningEffort | null;
  readonly reasoningSummary: ReasoningSummary | null;
  readonly personality: Personality | null;
  readonly baseInstructions: string | null;
  readonly developerInstructions: string | null;
  /** config.toml with the thread's `config` overrides: what the model provider is resolved from. */
  readonly config: ConfigToml;
}

/** The session overrides thread/start, thread/resume and thread/fork accept (see ThreadStartParams). */
export interface SessionOverrides {
  readonly model?: string | null | undefined;
  readonly modelProvider?: string | null | undefined;
  readonly serviceTier?: string | null | undefined;
  readonly cwd?: string | null | undefined;
  readonly runtimeWorkspaceRoots?: readonly string[] | null | undefined;
  readonly approvalPolicy?: AskForApproval | null | undefined;
  readonly approvalsReviewer?: ApprovalsReviewer | null | undefined;
  readonly sandbox?: SandboxMode | null | undefined;
  readonly config?: Readonly<Record<string, unknown>> | null | undefined;
  readonly baseInstructions?: string | null | undefined;
  readonly developerInstructions?: string | null | undefined;
  readonly personality?: Personality | null | undefined;
}

/** The reference's model when config.toml names none (probed on 0.169.0 with an empty home). */
export const DEFAULT_MODEL = 'gpt-6.1-sol';
export const DEFAULT_MODEL_PROVIDER = 'openai';

/** Why settings could not be resolved; the handler puts it after `failed to load configuration: `. */
export class ThreadSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThreadSettingsError';
  }
}

/**
 * Applies a thread's `config` overrides (dotted keys, JSON values) to config.toml's table and validates the
 * result, so `{"config": {"model_reasoning_effort": "high"}}` behaves like `-c model_reasoning_effort=high`.
 * @throws ThreadSettingsError when an override has the wrong type.
 */
export function configWithOverrides(
  table: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>> | null | undefined,
): ConfigToml {
  const merged = applyOverrides(
    { ...table },
    Object.entries(overrides ?? {}).map(([key, value]) => ({ path: key.split('.'), value })),
  );
  const result = validateConfigTable(merged);
  if (!result.ok) throw new ThreadSettingsError(result.message);
  return result.config;
}

/** Settings of a new thread. `serverCwd` is where a thread without a `cwd` runs (the server's own cwd). */
export function resolveThreadSettings(
  configTable: Readonly<Record<string, unknown>>,
  params: SessionOverrides,
  serverCwd: string,
): ThreadSettings {
  const config = configWithOverrides(configTable, params.config);
  const profile = config.profile === undefined ? undefined : config.profiles?.[config.profile];
  // A relative cwd is taken relative to the server's own directory (probed).
  const cwd = resolve(serverCwd, params.cwd ?? '.');
  const sandboxMode = params.sandbox ?? profile?.sandbox_mode ?? config.sandbox_mode ?? null;
  return {
    model: params.model ?? profile?.model ?? config.model ?? DEFAULT_MODEL,
    modelProvider: params.modelProvider ?? profile?.model_provider ?? config.model_provider ?? DEFAULT_MODEL_PROVIDER,
    serviceTier: params.serviceTier ?? null,
    cwd,
    runtimeWorkspaceRoots: params.runtimeWorkspaceRoots ?? [cwd],
    approvalPolicy: wireApprovalPolicy(params.approvalPolicy ?? profile?.approval_policy ?? config.approval_policy),
    approvalsReviewer: params.approvalsReviewer ?? 'user',
    sandboxPolicy: sandboxPolicyFor(sandboxMode ?? 'read-only', config),
    activePermissionProfile: sandboxMode === null ? { id: ':read-only', extends: null } : null,
    reasoningEffort: profile?.model_reasoning_effort ?? config.model_reasoning_effort ?? null,
    reasoningSummary: profile?.model_reasoning_summary ?? config.model_reasoning_summary ?? null,
    personality: params.personality ?? null,
    baseInstructions:
      params.baseInstructions ?? instructionsFromFile(config.model_instructions_file, serverCwd) ?? config.base_instructions ?? null,
    developerInstructions: params.developerInstructions ?? config.developer_instructions ?? null,
    config,
  };
}

/**
 * config.toml `model_instructions_file`: a file whose text replaces the base instructions [observed on 0.169.0]. A
 * relative path is taken relative to the server's directory.
 * @throws ThreadSettingsError when the file cannot be read.
 */
function instructionsFromFile(path: string | undefined, serverCwd: string): string | null {
  if (path === undefined) return null;
  const absolute = resolve(serverCwd, path);
  try {
    return readFileSync(absolute, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ThreadSettingsError(`failed to read model_instructions_file ${absolute}: ${reason}`);
  }
}

/**
 * config.toml also allows `on-failure`, which the v2 wire enum lacks; it is reported as `on-request` (the
 * closest policy a v2 client can display) while the thread keeps asking only on failure once tools exist.
 */
function wireApprovalPolicy(policy: AskForApproval | 'on-failure' | undefined): AskForApproval {
  if (policy === undefined || policy === 'on-failure') return 'on-request';
  return policy;
}

/** The complete policy object of a sandbox mode, with `[sandbox_workspace_write]` for workspace-write. */
export function sandboxPolicyFor(mode: SandboxMode, config: ConfigToml): SandboxPolicy {
  switch (mode) {
    case 'read-only':
      return { type: 'readOnly', networkAccess: false };
    case 'danger-full-access':
      return { type: 'dangerFullAccess' };
    case 'workspace-write': {
      const table = config.sandbox_workspace_write;
      return {
        type: 'workspaceWrite',
        writableRoots: [...(table?.writable_roots ?? [])],
        networkAccess: table?.network_access ?? false,
        excludeTmpdirEnvVar: table?.exclude_tmpdir_env_var ?? false,
        excludeSlashTmp: table?.exclude_slash_tmp ?? false,
      };
    }
  }
}
