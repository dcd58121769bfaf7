import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema, Int64Schema } from '../common.js';
import { LegacyAppPathStringSchema } from './items-tools.js';
import { ReasoningEffortSchema } from './policies.js';
import { TurnSchema } from './turn.js';

/** A thread id as the reference's core types name it (a UUID string). */
export const ThreadIdSchema = lazySchema(() => z.string().meta({ id: 'ThreadId' }));
export type ThreadId = z.infer<typeof ThreadIdSchema>;

/** A sub-agent's path in the agent tree. */
export const AgentPathSchema = lazySchema(() => z.string().meta({ id: 'AgentPath' }));
export type AgentPath = z.infer<typeof AgentPathSchema>;

/** Why a thread is busy while active. */
export const ThreadActiveFlagSchema = lazySchema(() => z
  .enum(['waitingOnApproval', 'waitingOnUserInput'])
  .meta({ id: 'ThreadActiveFlag' }));
export type ThreadActiveFlag = z.infer<typeof ThreadActiveFlagSchema>;

/** A thread's runtime status: not in memory, loaded and idle, running a turn, or broken. */
export const ThreadStatusSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('notLoaded') }),
    z.object({ type: z.literal('idle') }),
    z.object({ type: z.literal('systemError') }),
    z.object({ type: z.literal('active'), activeFlags: z.array(ThreadActiveFlagSchema) }),
  ])
  .meta({ id: 'ThreadStatus' }));
export type ThreadStatus = z.infer<typeof ThreadStatusSchema>;

/** An environment a loaded thread selected (`local` with the thread's cwd, for this server). */
export const ThreadEnvironmentSchema = lazySchema(() => z
  .object({
    environmentId: z.string(),
    cwd: LegacyAppPathStringSchema,
    runtimeWorkspaceRoots: z.array(LegacyAppPathStringSchema),
  })
  .meta({
    id: 'ThreadEnvironment',
    description: 'An environment selected by a loaded thread, independent of connection status.',
  }));
export type ThreadEnvironment = z.infer<typeof ThreadEnvironmentSchema>;

/** An environment a client selects for a thread or turn (experimental `environments` params). */
export const TurnEnvironmentParamsSchema = lazySchema(() => z
  .object({
    environmentId: z.string(),
    cwd: LegacyAppPathStringSchema,
    runtimeWorkspaceRoots: z
      .array(LegacyAppPathStringSchema)
      .nullable()
      .optional()
      .describe('Environment-native runtime workspace roots. Omitted defaults to `cwd`.'),
  })
  .meta({ id: 'TurnEnvironmentParams' }));
export type TurnEnvironmentParams = z.infer<typeof TurnEnvironmentParamsSchema>;

/** What spawned a sub-agent thread (snake_case, as the reference's core types spell it). */
export const SubAgentSourceSchema = lazySchema(() => z
  .union([
    z.enum(['review', 'compact', 'memory_consolidation']),
    z.strictObject({
      thread_spawn: z.object({
        parent_thread_id: ThreadIdSchema,
        depth: z.number().int().meta({ format: 'int32' }),
        agent_path: AgentPathSchema.nullable(),
        agent_nickname: z.string().nullable(),
        agent_role: z.string().nullable(),
      }),
    }),
    z.strictObject({ other: z.string() }),
  ])
  .meta({ id: 'SubAgentSource' }));
export type SubAgentSource = z.infer<typeof SubAgentSourceSchema>;

/** Which kind of client created a thread; threads created through this server report `vscode` [observed]. */
export const SessionSourceSchema = lazySchema(() => z
  .union([
    z.enum(['cli', 'vscode', 'exec', 'appServer', 'unknown']),
    z.strictObject({ custom: z.string() }),
    z.strictObject({ subAgent: SubAgentSourceSchema }),
  ])
  .meta({ id: 'SessionSource' }));
export type SessionSource = z.infer<typeof SessionSourceSchema>;

/** A client-supplied analytics classification of a thread (free-form). */
export const ThreadSourceSchema = lazySchema(() => z.string().meta({ id: 'ThreadSource' }));
export type ThreadSource = z.infer<typeof ThreadSourceSchema>;

/** Git metadata captured when a thread was created. */
export const GitInfoSchema = lazySchema(() => z
  .object({ sha: z.string().nullable(), branch: z.string().nullable(), originUrl: z.string().nullable() })
  .meta({ id: 'GitInfo' }));
export type GitInfo = z.infer<typeof GitInfoSchema>;

/** The persisted history contract of a thread; new threads are `paginated`. */
export const ThreadHistoryModeSchema = lazySchema(() => z.enum(['legacy', 'paginated']).meta({ id: 'ThreadHistoryMode' }));
export type ThreadHistoryMode = z.infer<typeof ThreadHistoryModeSchema>;

export const ThreadSectionAppearanceSchema = lazySchema(() => z
  // Both keys optional as in the reference's schema (a client may send one); answers always carry both.
  .object({ icon: z.string().nullable().optional(), color: z.string().nullable().optional() })
  .meta({
    id: 'ThreadSectionAppearance',
    description: 'Extensible visual presentation for a custom thread section.',
  }));
export type ThreadSectionAppearance = z.infer<typeof ThreadSectionAppearanceSchema>;

/** A user-visible section (folder) a thread is filed under. */
export const ThreadSectionSchema = lazySchema(() => z
  .object({
    id: z.string().describe('Opaque UUIDv7 identity that remains stable when the section is renamed.'),
    name: z.string().describe('The current user-visible section name.'),
    appearance: ThreadSectionAppearanceSchema.nullable().describe('Optional appearance synchronized across clients.'),
  })
  .meta({ id: 'ThreadSection', description: 'An independently persisted, user-visible thread section.' }));
export type ThreadSection = z.infer<typeof ThreadSectionSchema>;

/** Implementation-specific thread data; always `null` from this server. */
export const ThreadExtraSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'ThreadExtra', description: 'Extra app-server data for a thread.' }));
export type ThreadExtra = z.infer<typeof ThreadExtraSchema>;

/** Where a thread's unread content starts. */
export const ThreadUnreadPositionSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z
      .object({ type: z.literal('threadStart') })
      .describe('Explicitly marked unread, including when the thread has no turns.'),
    z
      .object({ type: z.literal('turn'), turnId: z.string() })
      .describe('The earliest completed result needing attention.'),
  ])
  .meta({ id: 'ThreadUnreadPosition' }));
export type ThreadUnreadPosition = z.infer<typeof ThreadUnreadPositionSchema>;

/** A thread's durable read receipt; `firstUnread: null` means read. `revision` guards concurrent edits. */
export const ThreadReadStateSchema = lazySchema(() => z
  .object({ firstUnread: ThreadUnreadPositionSchema.nullable(), revision: z.string() })
  .meta({
    id: 'ThreadReadState',
    description:
      'The first unread position in a durable local thread. A null position means read. The opaque revision guards ' +
      'edits against activity or marks the caller has not seen.',
  }));
export type ThreadReadState = z.infer<typeof ThreadReadStateSchema>;

const nullableString = (description: string) => z.string().nullable().describe(description);

/**
 * A conversation. Output only: every field is always sent (`null` when unset), experimental ones included
 * (the reference does not filter responses, docs/protocol.md#experimental-api). `turns` is `[]` except in
 * thread/resume, thread/fork and thread/read{includeTurns}.
 */
export const ThreadSchema = lazySchema(() => z
  .object({
    id: z.string().describe('Identifier for this thread. Codex-generated thread IDs are UUIDv7.'),
    environments: z
      .array(ThreadEnvironmentSchema)
      .nullable()
      .describe(
        'Current environments for a loaded thread, in priority order, primary first. `null` means the thread is ' +
          'not loaded or the server does not expose its selection. An empty list means no environments are selected.',
      ),
    extra: ThreadExtraSchema.nullable().describe('Optional implementation-specific thread data.'),
    sessionId: z.string().describe('Session id shared by threads that belong to the same session tree.'),
    forkedFromId: nullableString('Source thread id when this thread was created by forking another thread.'),
    attachedToThreadId: nullableString(
      'Parent that owns this persisted attached thread, independent of fork or spawn lineage.',
    ),
    parentThreadId: nullableString(
      'The ID of the parent thread. This will only be set if this thread is a subagent.',
    ),
    preview: z.string().describe('Usually the first user message in the thread, if available.'),
    ephemeral: z.boolean().describe('Whether the thread is ephemeral and should not be materialized on disk.'),
    section: ThreadSectionSchema.nullable().describe(
      'The independently persisted section selected for this thread, if any.',
    ),
    sectionEnteredAt: Int64Schema.nullable().describe(
      'Unix timestamp in seconds when the thread entered its current section.',
    ),
    projectId: nullableString('Canonical project assignment owned by app-server, if any.'),
    historyMode: ThreadHistoryModeSchema.describe(
      'Persisted thread history contract selected when this thread was created.',
    ),
    modelProvider: z.string().describe("Model provider used for this thread (for example, 'openai')."),
    model: nullableString(
      'Current configured model when loaded, otherwise the latest persisted model. Null when unavailable.',
    ),
    reasoningEffort: ReasoningEffortSchema.nullable().describe(
      'Current configured reasoning effort when loaded, otherwise the latest persisted effort. Null when unset.',
    ),
    createdAt: Int64Schema.describe('Unix timestamp (in seconds) when the thread was created.'),
    updatedAt: Int64Schema.describe('Unix timestamp (in seconds) when the thread was last updated.'),
    recencyAt: Int64Schema.nullable().describe('Unix timestamp (in seconds) used for thread recency ordering.'),
    status: ThreadStatusSchema.describe('Current runtime status for the thread.'),
    path: nullableString('[UNSTABLE] Path to the thread on disk.'),
    cwd: AbsolutePathSchema.describe('Working directory captured for the thread.'),
    cliVersion: z.string().describe('Version of the CLI that created the thread.'),
    originator: nullableString(
      'Originator recorded when the thread was created, independent of its current client or executor.',
    ),
    source: SessionSourceSchema.describe('Origin of the thread (CLI, VSCode, codex exec, codex app-server, etc.).'),
    canAcceptDirectInput: z
      .boolean()
      .nullable()
      .describe('Whether the app server accepts direct turn input for this loaded thread; null when unloaded.'),
    threadSource: ThreadSourceSchema.nullable().describe('Optional analytics source classification for this thread.'),
    agentNickname: nullableString('Optional random unique nickname assigned to an AgentControl-spawned sub-agent.'),
    agentRole: nullableString('Optional role (agent_role) assigned to an AgentControl-spawned sub-agent.'),
    gitInfo: GitInfoSchema.nullable().describe('Optional Git metadata captured when the thread was created.'),
    name: nullableString('Optional user-facing thread title.'),
    daybreakEnabled: z
      .boolean()
      .nullable()
      .describe('Saved Daybreak choice, independent of turn execution. Null if unset.'),
    turns: z
      .array(TurnSchema)
      .describe(
        'Only populated on `thread/resume`, `thread/fork`, and `thread/read` (when `includeTurns` is true) ' +
          'responses. For all other responses and notifications returning a Thread, the turns field will be an ' +
          'empty list.',
      ),
  })
  .meta({ id: 'Thread' }));
export type Thread = z.infer<typeof ThreadSchema>;
