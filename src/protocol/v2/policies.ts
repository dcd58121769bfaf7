import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema } from '../common.js';

/**
 * The fine-grained approval policy (`{"granular": {...}}`). Only experimental clients may send it: the router
 * answers `askForApproval.granular requires experimentalApi capability` otherwise (docs/protocol.md#experimental-api).
 */
export const GranularApprovalSettingsSchema = lazySchema(() => z.object({
  sandbox_approval: z.boolean(),
  rules: z.boolean(),
  skill_approval: z.boolean().default(false),
  request_permissions: z.boolean().default(false),
  mcp_elicitations: z.boolean(),
}));

/** When the agent must ask before acting. Kebab-case strings, or the experimental `granular` object. */
export const AskForApprovalSchema = lazySchema(() => z
  .union([
    z.enum(['untrusted', 'on-request', 'never']),
    z.strictObject({ granular: GranularApprovalSettingsSchema }),
  ])
  .meta({ id: 'AskForApproval' }));
export type AskForApproval = z.infer<typeof AskForApprovalSchema>;

/** Who reviews approval requests. `guardian_subagent` is the legacy spelling of `auto_review`, still accepted. */
export const ApprovalsReviewerSchema = lazySchema(() => z
  .enum(['user', 'auto_review', 'guardian_subagent'])
  .meta({
    id: 'ApprovalsReviewer',
    description:
      'Configures who approval requests are routed to for review. Examples include sandbox escapes, blocked ' +
      'network access, MCP approval prompts, and ARC escalations. Defaults to `user`. `auto_review` uses a ' +
      'carefully prompted subagent to gather relevant context and apply a risk-based decision framework before ' +
      'approving or denying the request. The legacy value `guardian_subagent` is accepted for compatibility.',
  }));
export type ApprovalsReviewer = z.infer<typeof ApprovalsReviewerSchema>;

/** The sandbox a thread runs in, as `thread/start|resume|fork` spell it: kebab-case (`readOnly` is refused). */
export const SandboxModeSchema = lazySchema(() => z
  .enum(['read-only', 'workspace-write', 'danger-full-access'])
  .meta({ id: 'SandboxMode' }));
export type SandboxMode = z.infer<typeof SandboxModeSchema>;

/** Network access of an externally managed sandbox. */
export const NetworkAccessSchema = lazySchema(() => z.enum(['restricted', 'enabled']).meta({ id: 'NetworkAccess' }));
export type NetworkAccess = z.infer<typeof NetworkAccessSchema>;

/**
 * The resolved sandbox policy, camelCase-tagged (turn/start `sandboxPolicy`, thread responses' `sandbox`).
 * As input, missing booleans default to false and `writableRoots` to []; the parsed value is always complete,
 * and that complete shape is what the server sends.
 */
export const SandboxPolicySchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('dangerFullAccess') }),
    z.object({ type: z.literal('readOnly'), networkAccess: z.boolean().default(false) }),
    z.object({ type: z.literal('externalSandbox'), networkAccess: NetworkAccessSchema.default('restricted') }),
    z.object({
      type: z.literal('workspaceWrite'),
      writableRoots: z.array(AbsolutePathSchema).default([]),
      networkAccess: z.boolean().default(false),
      excludeTmpdirEnvVar: z.boolean().default(false),
      excludeSlashTmp: z.boolean().default(false),
    }),
  ])
  .meta({ id: 'SandboxPolicy' }));
/** The complete policy (every default applied): what handlers see and what the server emits. */
export type SandboxPolicy = z.infer<typeof SandboxPolicySchema>;

/** A reasoning effort; the model catalogue defines the values (`low`, `medium`, `high`, `xhigh`, `minimal`, …). */
export const ReasoningEffortSchema = lazySchema(() => z
  .string()
  .min(1)
  .meta({ id: 'ReasoningEffort', description: 'A non-empty reasoning effort value advertised by the model.' }));
export type ReasoningEffort = z.infer<typeof ReasoningEffortSchema>;

/** How much reasoning summary the model should produce; `none` disables summaries. */
export const ReasoningSummarySchema = lazySchema(() => z
  .enum(['auto', 'concise', 'detailed', 'none'])
  .meta({
    id: 'ReasoningSummary',
    description:
      'A summary of the reasoning performed by the model. This can be useful for debugging and understanding the ' +
      "model's reasoning process. " +
      'See https://platform.openai.com/docs/guides/reasoning?api-mode=responses#reasoning-summaries',
  }));
export type ReasoningSummary = z.infer<typeof ReasoningSummarySchema>;

/** Deprecated personality selector; accepted and persisted, but no longer changes the model's style. */
export const PersonalitySchema = lazySchema(() => z
  .enum(['none', 'friendly', 'pragmatic'])
  .meta({ id: 'Personality', description: 'Deprecated: `friendly` and `pragmatic` no longer select a style.' }));
export type Personality = z.infer<typeof PersonalitySchema>;

/** Deprecated multi-agent delegation mode; the server always reports `explicitRequestOnly`. */
export const MultiAgentModeSchema = lazySchema(() => z
  .union([z.enum(['explicitRequestOnly', 'proactive']), z.strictObject({ custom: z.string() })])
  .meta({
    id: 'MultiAgentMode',
    description:
      'Controls the effective multi-agent delegation instructions for a turn. `custom` means the configured mode ' +
      'hint defines the policy instead of a built-in policy.',
  }));
export type MultiAgentMode = z.infer<typeof MultiAgentModeSchema>;

/** The permissions profile (`:workspace`, `:read-only`, or a `[permissions.<id>]` table) in effect. */
export const ActivePermissionProfileSchema = lazySchema(() => z
  .object({
    id: z
      .string()
      .describe(
        'Identifier from `default_permissions` or the implicit built-in default, such as `:workspace` or a ' +
          'user-defined `[permissions.<id>]` profile.',
      ),
    extends: z
      .string()
      .nullable()
      .describe("Parent profile identifier from the selected permissions profile's `extends` setting, when present."),
  })
  .meta({ id: 'ActivePermissionProfile' }));
export type ActivePermissionProfile = z.infer<typeof ActivePermissionProfileSchema>;

/** Which built-in collaboration mode a session uses. */
export const ModeKindSchema = lazySchema(() => z
  .enum(['plan', 'default'])
  .meta({ id: 'ModeKind', description: 'Initial collaboration mode to use when the TUI starts.' }));
export type ModeKind = z.infer<typeof ModeKindSchema>;

/** Settings of a collaboration mode (snake_case keys, as the reference spells them). */
export const CollaborationSettingsSchema = lazySchema(() => z
  .object({
    model: z.string(),
    reasoning_effort: ReasoningEffortSchema.nullable().optional(),
    developer_instructions: z.string().nullable().optional(),
  })
  .meta({ id: 'Settings', description: 'Settings for a collaboration mode.' }));
export type CollaborationSettings = z.infer<typeof CollaborationSettingsSchema>;

/** A collaboration mode preset: plan or default, with its model settings. */
export const CollaborationModeSchema = lazySchema(() => z
  .object({ mode: ModeKindSchema, settings: CollaborationSettingsSchema })
  .meta({ id: 'CollaborationMode', description: 'Collaboration mode for a Codex session.' }));
export type CollaborationMode = z.infer<typeof CollaborationModeSchema>;

/** Requested cyber-access treatment for a turn (experimental; it grants nothing by itself). */
export const CyberAccessProgramSchema = lazySchema(() => z
  .enum(['standard', 'daybreakBlue', 'daybreakRed'])
  .meta({
    id: 'CyberAccessProgram',
    description:
      'Requested cyber treatment for an OpenAI model turn. Authorization and model-tier restrictions remain ' +
      'server-owned.',
  }));
export type CyberAccessProgram = z.infer<typeof CyberAccessProgramSchema>;
