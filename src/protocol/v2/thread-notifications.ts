import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema, Int64Schema, RequestIdSchema, UnixMsSchema } from '../common.js';
import { ThreadItemSchema } from './items.js';
import {
  ActivePermissionProfileSchema,
  ApprovalsReviewerSchema,
  AskForApprovalSchema,
  CollaborationModeSchema,
  MultiAgentModeSchema,
  PersonalitySchema,
  ReasoningEffortSchema,
  ReasoningSummarySchema,
  SandboxPolicySchema,
} from './policies.js';
import { ThreadEnvironmentSchema, ThreadSchema, ThreadStatusSchema } from './thread.js';
import { TurnErrorSchema, TurnSchema } from './turn.js';

/*
 * Params of the Tier-1 server notifications (docs/protocol.md#turns). All output: every field the reference always
 * sends is required; the envelope's `emittedAtMs` is added by the connection, not here.
 */

const threadId = lazySchema(() => z.string());
/** `{threadId, turnId, itemId}`: where a streamed item delta belongs. */
const itemRef = { threadId, turnId: z.string(), itemId: z.string() };

export const ThreadStartedNotificationSchema = lazySchema(() => z
  .object({ thread: ThreadSchema })
  .meta({ id: 'ThreadStartedNotification' }));
export type ThreadStartedNotification = z.infer<typeof ThreadStartedNotificationSchema>;

export const ThreadStatusChangedNotificationSchema = lazySchema(() => z
  .object({ threadId, status: ThreadStatusSchema })
  .meta({ id: 'ThreadStatusChangedNotification' }));
export type ThreadStatusChangedNotification = z.infer<typeof ThreadStatusChangedNotificationSchema>;

export const ThreadArchivedNotificationSchema = lazySchema(() => z.object({ threadId }).meta({ id: 'ThreadArchivedNotification' }));
export type ThreadArchivedNotification = z.infer<typeof ThreadArchivedNotificationSchema>;

export const ThreadUnarchivedNotificationSchema = lazySchema(() => z.object({ threadId }).meta({ id: 'ThreadUnarchivedNotification' }));
export type ThreadUnarchivedNotification = z.infer<typeof ThreadUnarchivedNotificationSchema>;

/** The thread's rollout was deleted for good (thread/delete). */
export const ThreadDeletedNotificationSchema = lazySchema(() => z.object({ threadId }).meta({ id: 'ThreadDeletedNotification' }));
export type ThreadDeletedNotification = z.infer<typeof ThreadDeletedNotificationSchema>;

/** The thread's history was replaced by a prefix of itself (thread/revert). */
export const ThreadRevertedNotificationSchema = lazySchema(() => z.object({ threadId }).meta({ id: 'ThreadRevertedNotification' }));
export type ThreadRevertedNotification = z.infer<typeof ThreadRevertedNotificationSchema>;

/** The thread was unloaded after its last subscriber left. */
export const ThreadClosedNotificationSchema = lazySchema(() => z.object({ threadId }).meta({ id: 'ThreadClosedNotification' }));
export type ThreadClosedNotification = z.infer<typeof ThreadClosedNotificationSchema>;

/** `threadName` is omitted (not null) when the name was cleared. */
export const ThreadNameUpdatedNotificationSchema = lazySchema(() => z
  .object({ threadId, threadName: z.string().optional() })
  .meta({ id: 'ThreadNameUpdatedNotification' }));
export type ThreadNameUpdatedNotification = z.infer<typeof ThreadNameUpdatedNotificationSchema>;

/** Token counts of one model response, or of the whole thread. */
export const TokenUsageBreakdownSchema = lazySchema(() => z
  .object({
    totalTokens: Int64Schema,
    inputTokens: Int64Schema,
    cachedInputTokens: Int64Schema,
    cacheWriteInputTokens: Int64Schema,
    outputTokens: Int64Schema,
    reasoningOutputTokens: Int64Schema,
  })
  .meta({ id: 'TokenUsageBreakdown' }));
export type TokenUsageBreakdown = z.infer<typeof TokenUsageBreakdownSchema>;

/** Thread totals, the last response's usage, and the model's context window when known. */
export const ThreadTokenUsageSchema = lazySchema(() => z
  .object({
    total: TokenUsageBreakdownSchema,
    last: TokenUsageBreakdownSchema,
    modelContextWindow: Int64Schema.nullable(),
  })
  .meta({ id: 'ThreadTokenUsage' }));
export type ThreadTokenUsage = z.infer<typeof ThreadTokenUsageSchema>;

/** Sent after each model response (and on resume with the restored usage). */
export const ThreadTokenUsageUpdatedNotificationSchema = lazySchema(() => z
  .object({ threadId, turnId: z.string(), tokenUsage: ThreadTokenUsageSchema })
  .meta({ id: 'ThreadTokenUsageUpdatedNotification' }));
export type ThreadTokenUsageUpdatedNotification = z.infer<typeof ThreadTokenUsageUpdatedNotificationSchema>;

/** A thread's effective settings after a turn/start override changed them. */
export const ThreadSettingsSchema = lazySchema(() => z
  .object({
    disabledPluginIds: z.array(z.string()).describe('Saved list of disabled plugin IDs.'),
    cwd: AbsolutePathSchema,
    environments: z
      .array(ThreadEnvironmentSchema)
      .nullable()
      .describe('Environments configured for future turns, primary first; null when not exposed.'),
    approvalPolicy: AskForApprovalSchema,
    approvalsReviewer: ApprovalsReviewerSchema,
    sandboxPolicy: SandboxPolicySchema,
    activePermissionProfile: ActivePermissionProfileSchema.nullable(),
    model: z.string(),
    modelProvider: z.string(),
    serviceTier: z.string().nullable(),
    effort: ReasoningEffortSchema.nullable(),
    summary: ReasoningSummarySchema.nullable(),
    collaborationMode: CollaborationModeSchema,
    multiAgentMode: MultiAgentModeSchema.describe('@deprecated Always `explicitRequestOnly`.'),
    personality: PersonalitySchema.nullable().describe('@deprecated Reports the saved setting.'),
  })
  .meta({ id: 'ThreadSettings' }));
export type ThreadSettings = z.infer<typeof ThreadSettingsSchema>;

export const ThreadSettingsUpdatedNotificationSchema = lazySchema(() => z
  .object({ threadId, threadSettings: ThreadSettingsSchema })
  .meta({ id: 'ThreadSettingsUpdatedNotification' }));
export type ThreadSettingsUpdatedNotification = z.infer<typeof ThreadSettingsUpdatedNotificationSchema>;

/** The turn with `startedAt` set, `items: []`, `itemsView: "notLoaded"`. */
export const TurnStartedNotificationSchema = lazySchema(() => z
  .object({ threadId, turn: TurnSchema })
  .meta({ id: 'TurnStartedNotification' }));
export type TurnStartedNotification = z.infer<typeof TurnStartedNotificationSchema>;

/** The finished turn: `itemsView: "summary"` with the final agent message(s), `completedAt`, `durationMs`. */
export const TurnCompletedNotificationSchema = lazySchema(() => z
  .object({ threadId, turn: TurnSchema })
  .meta({ id: 'TurnCompletedNotification' }));
export type TurnCompletedNotification = z.infer<typeof TurnCompletedNotificationSchema>;

export const TurnDiffUpdatedNotificationSchema = lazySchema(() => z
  .object({ threadId, turnId: z.string(), diff: z.string() })
  .meta({
    id: 'TurnDiffUpdatedNotification',
    description:
      'Notification that the turn-level unified diff has changed. Contains the latest aggregated diff across all ' +
      'file changes in the turn.',
  }));
export type TurnDiffUpdatedNotification = z.infer<typeof TurnDiffUpdatedNotificationSchema>;

export const TurnPlanStepStatusSchema = lazySchema(() => z
  .enum(['pending', 'inProgress', 'completed'])
  .meta({ id: 'TurnPlanStepStatus' }));
export type TurnPlanStepStatus = z.infer<typeof TurnPlanStepStatusSchema>;

export const TurnPlanStepSchema = lazySchema(() => z
  .object({ step: z.string(), status: TurnPlanStepStatusSchema })
  .meta({ id: 'TurnPlanStep' }));
export type TurnPlanStep = z.infer<typeof TurnPlanStepSchema>;

/** The agent's plan (the `update_plan` tool), replaced wholesale on each update. */
export const TurnPlanUpdatedNotificationSchema = lazySchema(() => z
  .object({
    threadId,
    turnId: z.string(),
    explanation: z.string().nullable(),
    plan: z.array(TurnPlanStepSchema),
  })
  .meta({ id: 'TurnPlanUpdatedNotification' }));
export type TurnPlanUpdatedNotification = z.infer<typeof TurnPlanUpdatedNotificationSchema>;

export const ItemStartedNotificationSchema = lazySchema(() => z
  .object({
    item: ThreadItemSchema,
    threadId,
    turnId: z.string(),
    startedAtMs: UnixMsSchema.describe('Unix timestamp (in milliseconds) when this item lifecycle started.'),
  })
  .meta({ id: 'ItemStartedNotification' }));
export type ItemStartedNotification = z.infer<typeof ItemStartedNotificationSchema>;

export const ItemCompletedNotificationSchema = lazySchema(() => z
  .object({
    item: ThreadItemSchema,
    threadId,
    turnId: z.string(),
    contentTokenCount: z
      .number()
      .int()
      .min(0)
      .meta({ format: 'uint64' })
      .nullable()
      .optional()
      .describe('Native content tokens for the completed assistant message. Null when unavailable.'),
    completedAtMs: UnixMsSchema.describe('Unix timestamp (in milliseconds) when this item lifecycle completed.'),
  })
  .meta({ id: 'ItemCompletedNotification' }));
export type ItemCompletedNotification = z.infer<typeof ItemCompletedNotificationSchema>;

export const AgentMessageDeltaNotificationSchema = lazySchema(() => z
  .object({ ...itemRef, delta: z.string() })
  .meta({ id: 'AgentMessageDeltaNotification' }));
export type AgentMessageDeltaNotification = z.infer<typeof AgentMessageDeltaNotificationSchema>;

export const ReasoningSummaryTextDeltaNotificationSchema = lazySchema(() => z
  .object({ ...itemRef, delta: z.string(), summaryIndex: Int64Schema })
  .meta({ id: 'ReasoningSummaryTextDeltaNotification' }));
export type ReasoningSummaryTextDeltaNotification = z.infer<typeof ReasoningSummaryTextDeltaNotificationSchema>;

export const ReasoningSummaryPartAddedNotificationSchema = lazySchema(() => z
  .object({ ...itemRef, summaryIndex: Int64Schema })
  .meta({ id: 'ReasoningSummaryPartAddedNotification' }));
export type ReasoningSummaryPartAddedNotification = z.infer<typeof ReasoningSummaryPartAddedNotificationSchema>;

export const ReasoningTextDeltaNotificationSchema = lazySchema(() => z
  .object({ ...itemRef, delta: z.string(), contentIndex: Int64Schema })
  .meta({ id: 'ReasoningTextDeltaNotification' }));
export type ReasoningTextDeltaNotification = z.infer<typeof ReasoningTextDeltaNotificationSchema>;

/**
 * A mid-turn error. `willRetry: true` while the server retries (e.g. a stream reconnect); a final failure is
 * followed by `turn/completed` with status `failed` and the same error.
 */
export const ErrorNotificationSchema = lazySchema(() => z
  .object({ error: TurnErrorSchema, willRetry: z.boolean(), threadId, turnId: z.string() })
  .meta({ id: 'ErrorNotification' }));
export type ErrorNotification = z.infer<typeof ErrorNotificationSchema>;

export const WarningNotificationSchema = lazySchema(() => z
  .object({
    threadId: z
      .string()
      .nullable()
      .describe('Optional thread target when the warning applies to a specific thread.'),
    message: z.string().describe('Concise warning message for the user.'),
  })
  .meta({ id: 'WarningNotification' }));
export type WarningNotification = z.infer<typeof WarningNotificationSchema>;

/** A server request (approval, user input, …) was answered or cleared, e.g. by `turn/interrupt`. */
export const ServerRequestResolvedNotificationSchema = lazySchema(() => z
  .object({ threadId, requestId: RequestIdSchema })
  .meta({ id: 'ServerRequestResolvedNotification' }));
export type ServerRequestResolvedNotification = z.infer<typeof ServerRequestResolvedNotificationSchema>;

export const DeprecationNoticeNotificationSchema = lazySchema(() => z
  .object({
    summary: z.string().describe('Concise summary of what is deprecated.'),
    details: z.string().nullable().describe('Optional extra guidance, such as migration steps or rationale.'),
  })
  .meta({ id: 'DeprecationNoticeNotification' }));
export type DeprecationNoticeNotification = z.infer<typeof DeprecationNoticeNotificationSchema>;
