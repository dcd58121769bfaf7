import { lazySchema, lazyValue } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema, Int64Schema, Uint32Schema } from '../common.js';
import { DynamicToolSpecSchema, LegacyAppPathStringSchema } from './items-tools.js';
import { ResponseItemSchema } from './items-response-item.js';
import { canonicalDynamicTools } from './legacy-dynamic-tools.js';
import {
  ActivePermissionProfileSchema,
  ApprovalsReviewerSchema,
  AskForApprovalSchema,
  CollaborationModeSchema,
  MultiAgentModeSchema,
  PersonalitySchema,
  ReasoningEffortSchema,
  SandboxModeSchema,
  SandboxPolicySchema,
} from './policies.js';
import {
  ThreadHistoryModeSchema,
  ThreadReadStateSchema,
  ThreadSchema,
  ThreadSourceSchema,
  TurnEnvironmentParamsSchema,
} from './thread.js';
import { TurnItemsViewSchema, TurnSchema, TurnsPageSchema } from './turn.js';

/*
 * Params and results of the thread/* methods of Tier 1 (docs/protocol.md#threads; thread/loaded/list is in
 * thread-loaded-list.ts). Params follow the reference's input rules: every nullable field may be omitted.
 * Results list every field the server always sends as required. Each params schema has a companion list of
 * its experimental fields, which the router refuses (`<method>.<field> requires experimentalApi capability`)
 * from clients that did not opt in.
 */

const optionalString = () => z.string().nullable().optional();

export const SortDirectionSchema = lazySchema(() => z.enum(['asc', 'desc']).meta({ id: 'SortDirection' }));
export type SortDirection = z.infer<typeof SortDirectionSchema>;

/** How a `thread/start` came about: first start of a client, or `/clear`. */
export const ThreadStartSourceSchema = lazySchema(() => z.enum(['startup', 'clear']).meta({ id: 'ThreadStartSource' }));
export type ThreadStartSource = z.infer<typeof ThreadStartSourceSchema>;

/** Where a selected capability root lives. */
export const CapabilityRootLocationSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('environment'),
        environmentId: z.string(),
        path: z.string().describe('Absolute path for the root in the selected environment.'),
      })
      .describe('A path owned by an execution environment.'),
  ])
  .meta({ id: 'CapabilityRootLocation', description: 'Location used to resolve a selected capability root.' }));
export type CapabilityRootLocation = z.infer<typeof CapabilityRootLocationSchema>;

export const SelectedCapabilityRootSchema = lazySchema(() => z
  .object({
    id: z.string().describe('Stable identifier supplied by the capability selection platform.'),
    location: CapabilityRootLocationSchema.describe('Where the selected root can be resolved.'),
  })
  .meta({
    id: 'SelectedCapabilityRoot',
    description: 'A user-selected root that can expose one or more runtime capabilities.',
  }));
export type SelectedCapabilityRoot = z.infer<typeof SelectedCapabilityRootSchema>;

/** Session overrides thread/start, thread/resume and thread/fork share (all optional). */
const sessionOverrides = lazyValue(() => ({
  model: optionalString(),
  modelProvider: optionalString(),
  serviceTier: optionalString(),
  cwd: optionalString(),
  runtimeWorkspaceRoots: z
    .array(AbsolutePathSchema)
    .nullable()
    .optional()
    .describe("Replace the thread's runtime workspace roots. Paths must be absolute."),
  approvalPolicy: AskForApprovalSchema.nullable().optional(),
  approvalsReviewer: ApprovalsReviewerSchema.nullable()
    .optional()
    .describe('Override where approval requests are routed for review on this thread and subsequent turns.'),
  sandbox: SandboxModeSchema.nullable().optional(),
  permissions: optionalString().describe('Named profile id for this thread. Cannot be combined with `sandbox`.'),
  config: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe('Config overrides by dotted key (`model_reasoning_effort`, …), as `-c key=value` would set them.'),
  baseInstructions: optionalString(),
  developerInstructions: optionalString(),
}));

export const ThreadStartParamsSchema = lazySchema(() => z
  .object({
    ...sessionOverrides(),
    allowProviderModelFallback: z
      .boolean()
      .optional()
      .describe('Allow a provider with a static model catalog to replace an unavailable requested model.'),
    serviceName: optionalString(),
    personality: PersonalitySchema.nullable().optional(),
    multiAgentMode: MultiAgentModeSchema.nullable().optional().describe('@deprecated Ignored.'),
    ephemeral: z.boolean().nullable().optional(),
    historyMode: ThreadHistoryModeSchema.nullable()
      .optional()
      .describe('Persisted thread history contract to use for this new thread.'),
    sessionStartSource: ThreadStartSourceSchema.nullable().optional(),
    threadSource: ThreadSourceSchema.nullable()
      .optional()
      .describe('Optional client-supplied analytics source classification for this thread.'),
    projectId: optionalString().describe('Optional project identity for this new thread.'),
    daybreakEnabled: z.boolean().nullable().optional().describe('Initial Daybreak choice for this thread.'),
    environments: z
      .array(TurnEnvironmentParamsSchema)
      .nullable()
      .optional()
      .describe('Optional sticky environments for this thread; [] disables environment access.'),
    // The legacy untyped shape is accepted too, as its typed equivalent.
    dynamicTools: z.preprocess(canonicalDynamicTools, z.array(DynamicToolSpecSchema).nullable().optional()),
    selectedCapabilityRoots: z
      .array(SelectedCapabilityRootSchema)
      .nullable()
      .optional()
      .describe('Capability roots selected for this thread by the hosting platform.'),
    mockExperimentalField: optionalString().describe('Test-only experimental field (gating and schema filtering).'),
    experimentalRawEvents: z
      .boolean()
      .optional()
      .describe('If true, opt into emitting raw Responses API items on the event stream (internal use only).'),
  })
  .meta({ id: 'ThreadStartParams' }));
export type ThreadStartParams = z.infer<typeof ThreadStartParamsSchema>;
/** `thread/start` params that need the `experimentalApi` capability. */
export const THREAD_START_EXPERIMENTAL_FIELDS = [
  'allowProviderModelFallback',
  'runtimeWorkspaceRoots',
  'permissions',
  'multiAgentMode',
  'historyMode',
  'projectId',
  'daybreakEnabled',
  'environments',
  'dynamicTools',
  'selectedCapabilityRoots',
  'experimentalRawEvents',
  'mockExperimentalField',
] as const satisfies readonly (keyof ThreadStartParams)[];

/** The effective session settings every thread/start, thread/resume and thread/fork result reports. */
const sessionSettings = lazyValue(() => ({
  thread: ThreadSchema,
  model: z.string(),
  modelProvider: z.string(),
  serviceTier: z.string().nullable(),
  disabledPluginIds: z.array(z.string()).describe('Saved list of disabled plugin IDs.'),
  cwd: AbsolutePathSchema,
  runtimeWorkspaceRoots: z
    .array(AbsolutePathSchema)
    .describe('Thread-scoped runtime workspace roots used to materialize `:workspace_roots`.'),
  instructionSources: z
    .array(LegacyAppPathStringSchema)
    .describe('Environment-native paths to instruction source files currently loaded for this thread.'),
  approvalPolicy: AskForApprovalSchema,
  approvalsReviewer: ApprovalsReviewerSchema.describe('Reviewer currently used for approval requests on this thread.'),
  sandbox: SandboxPolicySchema.describe('Legacy sandbox policy retained for compatibility.'),
  activePermissionProfile: ActivePermissionProfileSchema.nullable().describe(
    'Named or implicit built-in profile that produced the active permissions, when known.',
  ),
  reasoningEffort: ReasoningEffortSchema.nullable(),
  multiAgentMode: MultiAgentModeSchema.describe('@deprecated Always `explicitRequestOnly`.'),
}));

export const ThreadStartResponseSchema = lazySchema(() => z.object(sessionSettings()).meta({ id: 'ThreadStartResponse' }));
export type ThreadStartResponse = z.infer<typeof ThreadStartResponseSchema>;

/** `thread/resume`'s experimental request for a first page of turns. */
export const ThreadResumeInitialTurnsPageParamsSchema = lazySchema(() => z
  .object({
    limit: Uint32Schema.nullable().optional().describe('Optional turn page size.'),
    sortDirection: SortDirectionSchema.nullable().optional().describe('Defaults to descending.'),
    itemsView: TurnItemsViewSchema.nullable().optional().describe('Defaults to summary.'),
  })
  .meta({ id: 'ThreadResumeInitialTurnsPageParams' }));
export type ThreadResumeInitialTurnsPageParams = z.infer<typeof ThreadResumeInitialTurnsPageParamsSchema>;

export const ThreadResumeParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    history: z
      .array(ResponseItemSchema)
      .nullable()
      .optional()
      .describe('[UNSTABLE] FOR CODEX CLOUD - DO NOT USE. Resume with this history instead of loading from disk.'),
    path: optionalString().describe('[UNSTABLE] Specify the rollout path to resume from.'),
    ...sessionOverrides(),
    personality: PersonalitySchema.nullable().optional(),
    excludeTurns: z.boolean().optional().describe('When true, do not populate `thread.turns`.'),
    initialTurnsPage: ThreadResumeInitialTurnsPageParamsSchema.nullable()
      .optional()
      .describe('When present, include a `thread/turns/list` page in the resume response.'),
    afterSeq: Int64Schema.nullable()
      .optional()
      .describe(
        '[EXTENSION of this server] The last `threadSeq` the client saw: the notifications after it are sent again ' +
          'before the response, if still buffered; the response\'s `replay` says whether they were.',
      ),
  })
  .meta({ id: 'ThreadResumeParams' }));
export type ThreadResumeParams = z.infer<typeof ThreadResumeParamsSchema>;
/** `thread/resume` params that need the `experimentalApi` capability. */
export const THREAD_RESUME_EXPERIMENTAL_FIELDS = [
  'history',
  'path',
  'runtimeWorkspaceRoots',
  'permissions',
  'initialTurnsPage',
  'afterSeq',
] as const satisfies readonly (keyof ThreadResumeParams)[];

/** [EXTENSION] The answer to `afterSeq` (docs/reliability.md#reconnect-and-replay). */
const ThreadReplaySchema = lazySchema(() => z.union([
  z.object({
    status: z.literal('replayed'),
    replayed: Int64Schema.describe('How many notifications were sent again, before this response.'),
    lastSeq: Int64Schema.nullable().describe('The latest `threadSeq` of the thread; null before its first.'),
  }),
  z.object({
    status: z.literal('unavailable'),
    oldestSeq: Int64Schema.nullable().describe('The oldest `threadSeq` still buffered; null when none is.'),
    lastSeq: Int64Schema.nullable().describe('The latest `threadSeq` of the thread; null before its first.'),
  }),
]));

export const ThreadResumeResponseSchema = lazySchema(() => z
  .object({
    ...sessionSettings(),
    collaborationMode: CollaborationModeSchema.nullable().describe('Effective collaboration mode.'),
    initialTurnsPage: TurnsPageSchema.nullable().describe('The page requested by `initialTurnsPage`.'),
    turnsBackwardsCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` to `thread/turns/list` with `sortDirection: "desc"` to hydrate turns backwards.'),
    itemsBackwardsCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` to `thread/items/list` with `sortDirection: "desc"` to hydrate items backwards.'),
    replay: ThreadReplaySchema.optional().describe(
      '[EXTENSION of this server] Present when `afterSeq` was given. `unavailable`: the buffer no longer reaches ' +
        'back to `afterSeq` (or it is from an earlier load of the thread); reload with `thread/read`.',
    ),
  })
  .meta({ id: 'ThreadResumeResponse' }));
export type ThreadResumeResponse = z.infer<typeof ThreadResumeResponseSchema>;

export const ThreadForkParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    experimentalPredictionMode: z.boolean().optional(),
    experimentalDisablePredictionMcp: z.boolean().optional(),
    lastTurnId: optionalString().describe('Fork through this turn, inclusive; later turns are omitted.'),
    beforeTurnId: optionalString().describe('Fork before this turn. Cannot be combined with `lastTurnId`.'),
    path: optionalString().describe('[UNSTABLE] Specify the rollout path to fork from.'),
    ...sessionOverrides(),
    ephemeral: z.boolean().optional(),
    attachToSource: z.boolean().optional().describe('Persist the fork as an attached thread of its source.'),
    threadSource: ThreadSourceSchema.nullable().optional(),
    excludeTurns: z.boolean().optional().describe('When true, do not populate `thread.turns`.'),
    deferGoalContinuation: z.boolean().optional(),
  })
  .meta({ id: 'ThreadForkParams' }));
export type ThreadForkParams = z.infer<typeof ThreadForkParamsSchema>;
/** `thread/fork` params that need the `experimentalApi` capability. */
export const THREAD_FORK_EXPERIMENTAL_FIELDS = [
  'experimentalPredictionMode',
  'experimentalDisablePredictionMcp',
  'beforeTurnId',
  'path',
  'runtimeWorkspaceRoots',
  'permissions',
  'attachToSource',
  'deferGoalContinuation',
] as const satisfies readonly (keyof ThreadForkParams)[];

export const ThreadForkResponseSchema = lazySchema(() => z.object(sessionSettings()).meta({ id: 'ThreadForkResponse' }));
export type ThreadForkResponse = z.infer<typeof ThreadForkResponseSchema>;

/** `thread/list` order. */
export const ThreadSortKeySchema = lazySchema(() => z
  .enum(['created_at', 'updated_at', 'recency_at', 'section_position'])
  .meta({ id: 'ThreadSortKey' }));
export type ThreadSortKey = z.infer<typeof ThreadSortKeySchema>;

/** `thread/list` source filter; omitted or [] means the interactive sources (cli, vscode). */
export const ThreadSourceKindSchema = lazySchema(() => z
  .enum([
    'cli',
    'vscode',
    'exec',
    'appServer',
    'subAgent',
    'subAgentReview',
    'subAgentCompact',
    'subAgentThreadSpawn',
    'subAgentOther',
    'unknown',
  ])
  .meta({ id: 'ThreadSourceKind' }));
export type ThreadSourceKind = z.infer<typeof ThreadSourceKindSchema>;

/** One cwd or several. */
export const ThreadListCwdFilterSchema = lazySchema(() => z
  .union([z.string(), z.array(z.string())])
  .meta({ id: 'ThreadListCwdFilter' }));
export type ThreadListCwdFilter = z.infer<typeof ThreadListCwdFilterSchema>;

/**
 * `thread/list` filters. For `sectionId` and `projectId`, omission and `null` differ: omitted means any,
 * `null` means unassigned.
 */
export const ThreadListParamsSchema = lazySchema(() => z
  .object({
    cursor: optionalString().describe('Opaque pagination cursor returned by a previous call.'),
    limit: Uint32Schema.nullable().optional().describe('Optional page size; defaults to a server-side value.'),
    sortKey: ThreadSortKeySchema.nullable().optional().describe('Optional sort key; defaults to created_at.'),
    sortDirection: SortDirectionSchema.nullable().optional().describe('Defaults to descending (newest first).'),
    modelProviders: z.array(z.string()).nullable().optional(),
    sourceKinds: z.array(ThreadSourceKindSchema).nullable().optional(),
    archived: z.boolean().nullable().optional().describe('true: only archived threads; otherwise non-archived.'),
    cwd: ThreadListCwdFilterSchema.nullable().optional(),
    searchTerm: optionalString().describe('Optional substring filter for the extracted thread title.'),
    originators: z.array(z.string()).nullable().optional(),
    excludedThreadIds: z.array(z.string()).nullable().optional(),
    sectionId: optionalString(),
    currentAccountOnly: z.boolean().optional(),
    useStateDbOnly: z.boolean().optional(),
    includeAttachedThreads: z.boolean().optional(),
    projectId: optionalString(),
    parentThreadId: optionalString(),
    ancestorThreadId: optionalString(),
    attachedToThreadId: optionalString(),
  })
  .meta({ id: 'ThreadListParams' }));
export type ThreadListParams = z.infer<typeof ThreadListParamsSchema>;
/** `thread/list` params that need the `experimentalApi` capability. */
export const THREAD_LIST_EXPERIMENTAL_FIELDS = [
  'includeAttachedThreads',
  'projectId',
  'parentThreadId',
  'ancestorThreadId',
  'attachedToThreadId',
] as const satisfies readonly (keyof ThreadListParams)[];

export const ThreadListResponseSchema = lazySchema(() => z
  .object({
    data: z.array(ThreadSchema),
    readStates: z
      .record(z.string(), ThreadReadStateSchema)
      .nullable()
      .describe('Read receipts by thread id; null when durable read state is unavailable.'),
    nextCursor: z.string().nullable().describe('Cursor of the next page; null on the last page.'),
    backwardsCursor: z.string().nullable().describe('Cursor to pass when reversing `sortDirection`.'),
  })
  .meta({ id: 'ThreadListResponse' }));
export type ThreadListResponse = z.infer<typeof ThreadListResponseSchema>;

export const ThreadReadParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    includeTurns: z.boolean().optional().describe('When true, include turns and their items from rollout history.'),
  })
  .meta({ id: 'ThreadReadParams' }));
export type ThreadReadParams = z.infer<typeof ThreadReadParamsSchema>;

export const ThreadReadResponseSchema = lazySchema(() => z
  .object({
    thread: ThreadSchema,
    readState: ThreadReadStateSchema.nullable().describe('Local receipt; null when read state is unavailable.'),
  })
  .meta({ id: 'ThreadReadResponse' }));
export type ThreadReadResponse = z.infer<typeof ThreadReadResponseSchema>;

export const ThreadTurnsListParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    cursor: optionalString().describe('Opaque cursor to pass to the next call to continue after the last turn.'),
    limit: Uint32Schema.nullable().optional().describe('Optional turn page size.'),
    sortDirection: SortDirectionSchema.nullable().optional().describe('Defaults to descending.'),
    itemsView: TurnItemsViewSchema.nullable().optional().describe('Defaults to summary.'),
  })
  .meta({ id: 'ThreadTurnsListParams' }));
export type ThreadTurnsListParams = z.infer<typeof ThreadTurnsListParamsSchema>;

export const ThreadTurnsListResponseSchema = lazySchema(() => z
  .object({
    data: z.array(TurnSchema),
    nextCursor: z.string().nullable().describe('Cursor of the next page; null on the last page.'),
    backwardsCursor: z.string().nullable().describe('Cursor to pass when reversing `sortDirection`.'),
  })
  .meta({ id: 'ThreadTurnsListResponse' }));
export type ThreadTurnsListResponse = z.infer<typeof ThreadTurnsListResponseSchema>;

const threadIdOnly = { threadId: z.string() };

export const ThreadArchiveParamsSchema = lazySchema(() => z.object(threadIdOnly).meta({ id: 'ThreadArchiveParams' }));
export type ThreadArchiveParams = z.infer<typeof ThreadArchiveParamsSchema>;
export const ThreadArchiveResponseSchema = lazySchema(() => z.object({}).meta({ id: 'ThreadArchiveResponse' }));
export type ThreadArchiveResponse = z.infer<typeof ThreadArchiveResponseSchema>;

export const ThreadDeleteParamsSchema = lazySchema(() => z.object(threadIdOnly).meta({ id: 'ThreadDeleteParams' }));
export type ThreadDeleteParams = z.infer<typeof ThreadDeleteParamsSchema>;
export const ThreadDeleteResponseSchema = lazySchema(() => z.object({}).meta({ id: 'ThreadDeleteResponse' }));
export type ThreadDeleteResponse = z.infer<typeof ThreadDeleteResponseSchema>;

export const ThreadUnarchiveParamsSchema = lazySchema(() => z.object(threadIdOnly).meta({ id: 'ThreadUnarchiveParams' }));
export type ThreadUnarchiveParams = z.infer<typeof ThreadUnarchiveParamsSchema>;
export const ThreadUnarchiveResponseSchema = lazySchema(() => z.object({ thread: ThreadSchema }).meta({ id: 'ThreadUnarchiveResponse' }));
export type ThreadUnarchiveResponse = z.infer<typeof ThreadUnarchiveResponseSchema>;

export const ThreadSetNameParamsSchema = lazySchema(() => z
  .object({ threadId: z.string(), name: z.string() })
  .meta({ id: 'ThreadSetNameParams' }));
export type ThreadSetNameParams = z.infer<typeof ThreadSetNameParamsSchema>;
export const ThreadSetNameResponseSchema = lazySchema(() => z.object({}).meta({ id: 'ThreadSetNameResponse' }));
export type ThreadSetNameResponse = z.infer<typeof ThreadSetNameResponseSchema>;

export const ThreadUnsubscribeParamsSchema = lazySchema(() => z.object(threadIdOnly).meta({ id: 'ThreadUnsubscribeParams' }));
export type ThreadUnsubscribeParams = z.infer<typeof ThreadUnsubscribeParamsSchema>;

export const ThreadUnsubscribeStatusSchema = lazySchema(() => z
  .enum(['notLoaded', 'notSubscribed', 'unsubscribed'])
  .meta({ id: 'ThreadUnsubscribeStatus' }));
export type ThreadUnsubscribeStatus = z.infer<typeof ThreadUnsubscribeStatusSchema>;
export const ThreadUnsubscribeResponseSchema = lazySchema(() => z
  .object({ status: ThreadUnsubscribeStatusSchema })
  .meta({ id: 'ThreadUnsubscribeResponse' }));
export type ThreadUnsubscribeResponse = z.infer<typeof ThreadUnsubscribeResponseSchema>;
