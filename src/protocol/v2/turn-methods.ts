import { lazySchema, lazyValue } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema } from '../common.js';
import { FunctionCallOutputBodySchema } from './items-tools.js';
import {
  ApprovalsReviewerSchema,
  AskForApprovalSchema,
  CollaborationModeSchema,
  CyberAccessProgramSchema,
  MultiAgentModeSchema,
  PersonalitySchema,
  ReasoningEffortSchema,
  ReasoningSummarySchema,
  SandboxPolicySchema,
} from './policies.js';
import { TurnEnvironmentParamsSchema } from './thread.js';
import { TurnSchema } from './turn.js';
import { UserInputSchema } from './user-input.js';

/*
 * Params and results of turn/start, turn/steer and turn/interrupt (docs/protocol.md#turns). Overrides given to
 * turn/start persist as the thread's defaults for later turns.
 */

const optionalString = () => z.string().nullable().optional();

/** Where a piece of client-provided context comes from; `untrusted` context is labelled as tool output. */
export const AdditionalContextKindSchema = lazySchema(() => z.enum(['untrusted', 'application']).meta({ id: 'AdditionalContextKind' }));
export type AdditionalContextKind = z.infer<typeof AdditionalContextKindSchema>;

export const AdditionalContextEntrySchema = lazySchema(() => z
  .object({
    value: z.string(),
    kind: AdditionalContextKindSchema,
    name: optionalString().describe('Optional name for untrusted context, used to label its tool output.'),
  })
  .meta({ id: 'AdditionalContextEntry' }));
export type AdditionalContextEntry = z.infer<typeof AdditionalContextEntrySchema>;

/** The output of a client-run tool, delivered with `turn/start`. */
export const TurnToolOutputSchema = lazySchema(() => z
  .object({
    name: z.string(),
    namespace: optionalString(),
    output: FunctionCallOutputBodySchema,
    retain: z.boolean().optional().describe("Requests retention of this output in the thread's model history."),
  })
  .meta({ id: 'TurnToolOutput' }));
export type TurnToolOutput = z.infer<typeof TurnToolOutputSchema>;

/** Responses API metadata and context fields turn/start and turn/steer share (all experimental). */
const clientContext = lazyValue(() => ({
  responsesapiClientMetadata: z
    .record(z.string(), z.string())
    .nullable()
    .optional()
    .describe("Metadata flattened into the Responses API request's `x-codex-turn-metadata`; replaces client entries."),
  responsesapiClientMetadataPatch: z
    .record(z.string(), z.string())
    .nullable()
    .optional()
    .describe('Entries merged into the Responses API turn metadata, after `responsesapiClientMetadata`.'),
  additionalContext: z
    .record(z.string(), AdditionalContextEntrySchema)
    .nullable()
    .optional()
    .describe('Optional client-provided context fragments keyed by an opaque source identifier.'),
}));

export const TurnStartParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    input: z.array(UserInputSchema),
    clientUserMessageId: optionalString(),
    disabledPluginIds: z
      .array(z.string())
      .nullable()
      .optional()
      .describe("Replace this thread's disabled plugin IDs. Omitted/null preserves the list; [] clears it."),
    turnTrigger: optionalString().describe('Optional source classification for the caller that starts this turn.'),
    parentTurnId: optionalString().describe('ID of the turn that caused this new turn to start.'),
    rootTurnId: optionalString().describe(
      'ID of the first turn in the chain of work that led to this new turn; if omitted the turn is its own root.',
    ),
    toolOutput: TurnToolOutputSchema.nullable().optional(),
    ...clientContext(),
    environments: z
      .array(TurnEnvironmentParamsSchema)
      .nullable()
      .optional()
      .describe('Optional environments for this turn and subsequent turns; [] disables environment access.'),
    cwd: optionalString().describe('Override the working directory for this turn and subsequent turns.'),
    runtimeWorkspaceRoots: z
      .array(AbsolutePathSchema)
      .nullable()
      .optional()
      .describe("Replace the thread's runtime workspace roots for this turn and subsequent turns."),
    approvalPolicy: AskForApprovalSchema.nullable()
      .optional()
      .describe('Override the approval policy for this turn and subsequent turns.'),
    approvalsReviewer: ApprovalsReviewerSchema.nullable()
      .optional()
      .describe('Override where approval requests are routed for review on this turn and subsequent turns.'),
    sandboxPolicy: SandboxPolicySchema.nullable()
      .optional()
      .describe('Override the sandbox policy for this turn and subsequent turns.'),
    permissions: optionalString().describe(
      'Select a named permissions profile id for this turn and subsequent turns. ' +
        'Cannot be combined with `sandboxPolicy`.',
    ),
    model: optionalString().describe('Override the model for this turn and subsequent turns.'),
    serviceTier: optionalString().describe('Override the service tier for this turn and subsequent turns.'),
    serviceTierForTurn: optionalString().describe(
      'Override the service tier only when this request starts a new turn; it does not change the thread tier.',
    ),
    effort: ReasoningEffortSchema.nullable()
      .optional()
      .describe('Override the reasoning effort for this turn and subsequent turns.'),
    summary: ReasoningSummarySchema.nullable()
      .optional()
      .describe('Override the reasoning summary for this turn and subsequent turns.'),
    personality: PersonalitySchema.nullable().optional(),
    outputSchema: z
      .unknown()
      .optional()
      .describe('Optional JSON Schema used to constrain the final assistant message for this turn.'),
    collaborationMode: CollaborationModeSchema.nullable()
      .optional()
      .describe('EXPERIMENTAL - Set a pre-set collaboration mode; takes precedence over model and effort.'),
    multiAgentMode: MultiAgentModeSchema.nullable().optional().describe('@deprecated Ignored.'),
    cyberAccessProgram: CyberAccessProgramSchema.nullable()
      .optional()
      .describe('EXPERIMENTAL - Request an authorized cyber program for this turn. This does not grant access.'),
  })
  .meta({ id: 'TurnStartParams' }));
export type TurnStartParams = z.infer<typeof TurnStartParamsSchema>;
/** `turn/start` params that need the `experimentalApi` capability. */
export const TURN_START_EXPERIMENTAL_FIELDS = [
  'responsesapiClientMetadata',
  'responsesapiClientMetadataPatch',
  'additionalContext',
  'environments',
  'runtimeWorkspaceRoots',
  'permissions',
  'collaborationMode',
  'multiAgentMode',
  'cyberAccessProgram',
] as const satisfies readonly (keyof TurnStartParams)[];

/** The new turn: `inProgress`, `items: []`, `itemsView: "notLoaded"`, `startedAt: null` [observed]. */
export const TurnStartResponseSchema = lazySchema(() => z.object({ turn: TurnSchema }).meta({ id: 'TurnStartResponse' }));
export type TurnStartResponse = z.infer<typeof TurnStartResponseSchema>;

/** Adds input to the running turn; fails unless `expectedTurnId` is the active, steerable turn. */
export const TurnSteerParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    input: z.array(UserInputSchema),
    clientUserMessageId: optionalString(),
    ...clientContext(),
    expectedTurnId: z
      .string()
      .describe('Required active turn id precondition. The request fails when it does not match the active turn.'),
  })
  .meta({ id: 'TurnSteerParams' }));
export type TurnSteerParams = z.infer<typeof TurnSteerParamsSchema>;
/** `turn/steer` params that need the `experimentalApi` capability. */
export const TURN_STEER_EXPERIMENTAL_FIELDS = [
  'responsesapiClientMetadata',
  'responsesapiClientMetadataPatch',
  'additionalContext',
] as const satisfies readonly (keyof TurnSteerParams)[];

export const TurnSteerResponseSchema = lazySchema(() => z.object({ turnId: z.string() }).meta({ id: 'TurnSteerResponse' }));
export type TurnSteerResponse = z.infer<typeof TurnSteerResponseSchema>;

export const TurnInterruptParamsSchema = lazySchema(() => z
  .object({ threadId: z.string(), turnId: z.string() })
  .meta({ id: 'TurnInterruptParams' }));
export type TurnInterruptParams = z.infer<typeof TurnInterruptParamsSchema>;

/** `{}` once cancellation is requested; the turn then completes with status `interrupted`. */
export const TurnInterruptResponseSchema = lazySchema(() => z.object({}).meta({ id: 'TurnInterruptResponse' }));
export type TurnInterruptResponse = z.infer<typeof TurnInterruptResponseSchema>;
