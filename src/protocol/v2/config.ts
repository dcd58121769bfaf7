import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema } from '../common.js';
import { ApprovalsReviewerSchema, AskForApprovalSchema, ReasoningEffortSchema, ReasoningSummarySchema, SandboxModeSchema } from './policies.js';

/** A JSON value as config tables carry it (TOML dates are sent as their text). */
export const JsonValueSchema: z.ZodType<unknown> = lazySchema(() => z.unknown());

export const ConfigReadParamsSchema = lazySchema(() => z
  .object({
    includeLayers: z.boolean().optional(),
    cwd: z
      .string()
      .nullable()
      .optional()
      .describe(
        'Optional working directory to resolve project config layers. If specified, return the effective config ' +
          'as seen from that directory (i.e., including any project layers between `cwd` and the project/repo root).',
      ),
  })
  .meta({ id: 'ConfigReadParams' }));
export type ConfigReadParams = z.infer<typeof ConfigReadParamsSchema>;

export const SandboxWorkspaceWriteSchema = lazySchema(() => z
  .object({
    writable_roots: z.array(z.string()),
    network_access: z.boolean(),
    exclude_tmpdir_env_var: z.boolean(),
    exclude_slash_tmp: z.boolean(),
  })
  .meta({ id: 'SandboxWorkspaceWrite' }));

const objectOrNull = () => z.record(z.string(), z.unknown()).nullable();

/**
 * The effective config.toml in its own snake_case keys. The keys named here are always written (null when
 * unset), like the reference; every other key the user's layers set follows with its value.
 */
export const ConfigSchema = lazySchema(() => z
  .looseObject({
    model: z.string().nullable(),
    review_model: z.string().nullable(),
    model_context_window: z.number().int().nullable().meta({ format: 'int64' }),
    model_auto_compact_token_limit: z.number().int().nullable().meta({ format: 'int64' }),
    model_auto_compact_token_limit_scope: z.enum(['total', 'body_after_prefix']).nullable(),
    model_provider: z.string().nullable(),
    approval_policy: AskForApprovalSchema.nullable(),
    approvals_reviewer: ApprovalsReviewerSchema.nullable().describe(
      '[UNSTABLE] Optional default for where approval requests are routed for review.',
    ),
    sandbox_mode: SandboxModeSchema.nullable(),
    sandbox_workspace_write: SandboxWorkspaceWriteSchema.nullable(),
    forced_chatgpt_workspace_id: z.union([z.string(), z.array(z.string())]).nullable(),
    forced_login_method: z.enum(['chatgpt', 'api']).nullable(),
    web_search: z.enum(['disabled', 'cached', 'indexed', 'live']).nullable(),
    client_search_provider: z
      .enum(['standalone', 'search_mcp'])
      .nullable()
      .describe('Effective tools.client_search_provider hint. Model-selected providers take precedence.'),
    tools: objectOrNull(),
    instructions: z.string().nullable(),
    developer_instructions: z.string().nullable(),
    compact_prompt: z.string().nullable(),
    model_reasoning_effort: ReasoningEffortSchema.nullable(),
    model_reasoning_summary: ReasoningSummarySchema.nullable(),
    model_verbosity: z.enum(['low', 'medium', 'high']).nullable(),
    service_tier: z.string().nullable(),
    analytics: objectOrNull(),
    apps: objectOrNull(),
    browser_use: objectOrNull(),
    computer_use: objectOrNull(),
    desktop: objectOrNull(),
  })
  .meta({ id: 'Config' }));
export type Config = z.infer<typeof ConfigSchema>;

/** Where a config layer comes from. Only the kinds this server reads are listed. */
export const ConfigLayerSourceSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('system'),
      file: AbsolutePathSchema.describe(
        'This is the path to the system config.toml file, though it is not guaranteed to exist.',
      ),
    }),
    z.object({
      type: z.literal('user'),
      file: AbsolutePathSchema.describe(
        "This is the path to the user's config.toml file, though it is not guaranteed to exist.",
      ),
      profile: z
        .string()
        .nullable()
        .describe('Name of the selected profile-v2 config layered on top of the base user config, when this layer represents one.'),
    }),
    z.object({ type: z.literal('project'), dotCodexFolder: AbsolutePathSchema }),
    z.object({ type: z.literal('sessionFlags') }),
  ])
  .meta({ id: 'ConfigLayerSource' }));
export type ConfigLayerSource = z.infer<typeof ConfigLayerSourceSchema>;

export const ConfigLayerMetadataSchema = lazySchema(() => z
  .object({ name: ConfigLayerSourceSchema, version: z.string() })
  .meta({ id: 'ConfigLayerMetadata' }));
export type ConfigLayerMetadata = z.infer<typeof ConfigLayerMetadataSchema>;

/** One layer as its file (or the command line) defines it; `disabledReason` only when the layer is not applied. */
export const ConfigLayerSchema = lazySchema(() => z
  .object({
    name: ConfigLayerSourceSchema,
    version: z.string(),
    config: JsonValueSchema,
    disabledReason: z.string().nullable().optional(),
  })
  .meta({ id: 'ConfigLayer' }));
export type ConfigLayer = z.infer<typeof ConfigLayerSchema>;

export const ConfigReadResponseSchema = lazySchema(() => z
  .object({
    config: ConfigSchema,
    origins: z.record(z.string(), ConfigLayerMetadataSchema),
    // Omitted (not null) unless `includeLayers` was set, as the reference answers.
    layers: z.array(ConfigLayerSchema).nullable().optional(),
  })
  .meta({ id: 'ConfigReadResponse' }));
export type ConfigReadResponse = z.infer<typeof ConfigReadResponseSchema>;

/** `configRequirements/read` takes no params; the TUI sends none at all. */
export const ConfigRequirementsReadParamsSchema = lazySchema(() => z.object({}));

export const ConfigRequirementsReadResponseSchema = lazySchema(() => z
  .object({
    supportsIndependentSpeedModes: z
      .boolean()
      .nullable()
      .describe(
        'Whether Fast and Ultra Fast requirements are enforced independently. Older servers omit this field and use ' +
          'Fast mode as a shared speed gate.',
      ),
    // This server reads no requirements.toml or MDM policy, so there is never a requirements object to send.
    requirements: z
      .null()
      .describe('Null if no requirements are configured (e.g. no requirements.toml/MDM entries).'),
  })
  .meta({ id: 'ConfigRequirementsReadResponse' }));
export type ConfigRequirementsReadResponse = z.infer<typeof ConfigRequirementsReadResponseSchema>;

export const MergeStrategySchema = lazySchema(() => z.enum(['replace', 'upsert']).meta({ id: 'MergeStrategy' }));
export type MergeStrategy = z.infer<typeof MergeStrategySchema>;

export const ConfigEditSchema = lazySchema(() => z
  .object({ keyPath: z.string(), value: JsonValueSchema, mergeStrategy: MergeStrategySchema })
  .meta({ id: 'ConfigEdit' }));
export type ConfigEdit = z.infer<typeof ConfigEditSchema>;

const filePath = () =>
  z
    .string()
    .nullable()
    .optional()
    .describe("Path to the config file to write; defaults to the user's `config.toml` when omitted.");

export const ConfigValueWriteParamsSchema = lazySchema(() => z
  .object({
    keyPath: z.string(),
    value: JsonValueSchema,
    mergeStrategy: MergeStrategySchema,
    filePath: filePath(),
    expectedVersion: z.string().nullable().optional(),
  })
  .meta({ id: 'ConfigValueWriteParams' }));
export type ConfigValueWriteParams = z.infer<typeof ConfigValueWriteParamsSchema>;

export const ConfigBatchWriteParamsSchema = lazySchema(() => z
  .object({
    edits: z.array(ConfigEditSchema),
    filePath: filePath(),
    expectedVersion: z.string().nullable().optional(),
    reloadUserConfig: z
      .boolean()
      .optional()
      .describe(
        'When true, hot-reload updated runtime settings into loaded threads after writing. Session-static model, ' +
          'reasoning-effort, Plan-mode reasoning-effort, and service-tier defaults are not reloaded. The deprecated ' +
          'personality setting is also not reloaded.',
      ),
  })
  .meta({ id: 'ConfigBatchWriteParams' }));
export type ConfigBatchWriteParams = z.infer<typeof ConfigBatchWriteParamsSchema>;

export const WriteStatusSchema = lazySchema(() => z.enum(['ok', 'okOverridden']).meta({ id: 'WriteStatus' }));

export const OverriddenMetadataSchema = lazySchema(() => z
  .object({ message: z.string(), overridingLayer: ConfigLayerMetadataSchema, effectiveValue: JsonValueSchema })
  .meta({ id: 'OverriddenMetadata' }));
export type OverriddenMetadata = z.infer<typeof OverriddenMetadataSchema>;

export const ConfigWriteResponseSchema = lazySchema(() => z
  .object({
    status: WriteStatusSchema,
    version: z.string(),
    filePath: AbsolutePathSchema.describe('Canonical path to the config file that was written.'),
    overriddenMetadata: OverriddenMetadataSchema.nullable(),
  })
  .meta({ id: 'ConfigWriteResponse' }));
export type ConfigWriteResponse = z.infer<typeof ConfigWriteResponseSchema>;
