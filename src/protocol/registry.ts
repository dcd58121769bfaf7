import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import { InitializeParamsSchema, InitializeResponseSchema } from './v2/initialize.js';
import {
  ConfigWarningNotificationSchema,
  RemoteControlStatusChangedNotificationSchema,
} from './v2/server-status.js';
import { ThreadLoadedListParamsSchema, ThreadLoadedListResponseSchema } from './v2/thread-loaded-list.js';
import * as threads from './v2/thread-methods.js';
import { ThreadRevertParamsSchema, ThreadRevertResponseSchema } from './v2/thread-revert.js';
import * as threadItems from './v2/thread-items.js';
import * as threadQueue from './v2/thread-queue.js';
import * as threadCompact from './v2/thread-compact.js';
import * as shellCommand from './v2/thread-shell-command.js';
import * as review from './v2/review.js';
import * as terminals from './v2/background-terminals.js';
import { AccountNotifications, AccountRequests } from './registry-accounts.js';
import { ClientSurfaceNotifications, ClientSurfaceRequests } from './registry-client-surface.js';
import { CommandExecNotifications, CommandExecRequests } from './registry-command-exec.js';
import { FsNotifications, FsRequests } from './registry-fs.js';
import { ProcessNotifications, ProcessRequests } from './registry-process.js';
import { TerminalUiNotifications, TerminalUiRequests } from './registry-terminal-ui.js';
import { McpNotifications, McpRequests, McpServerRequests } from './registry-mcp.js';
import { SettingsSurfaceNotifications, SettingsSurfaceRequests } from './registry-settings-surface.js';
import { ThreadMetadataNotifications, ThreadMetadataRequests } from './registry-thread-metadata.js';
import { PluginNotifications, PluginRequests } from './registry-plugins.js';
import * as account from './v2/account.js';
import * as approvals from './v2/approvals.js';
import { AttestationGenerateParamsSchema, AttestationGenerateResponseSchema } from './v2/attestation.js';
import { AccountRateLimitsUpdatedNotificationSchema } from './v2/rate-limits.js';
import * as notes from './v2/thread-notifications.js';
import * as turns from './v2/turn-methods.js';
import * as z from 'zod';

/**
 * Every wire method this server implements, bound to its schemas. The router, the handler table and the
 * JSON Schema generator read these; a method that is not here answers `-32601 <method> is not supported yet`
 * when the reference knows it (protocol/method-catalogue.ts), `-32600 unknown variant` otherwise.
 */
export const ClientRequests = {
  initialize: defineRequest('initialize', InitializeParamsSchema, InitializeResponseSchema),
  threadLoadedList: defineRequest('thread/loaded/list', ThreadLoadedListParamsSchema, ThreadLoadedListResponseSchema),
  threadStart: defineRequest('thread/start', threads.ThreadStartParamsSchema, threads.ThreadStartResponseSchema, {
    experimentalFields: threads.THREAD_START_EXPERIMENTAL_FIELDS,
  }),
  threadResume: defineRequest('thread/resume', threads.ThreadResumeParamsSchema, threads.ThreadResumeResponseSchema, {
    experimentalFields: threads.THREAD_RESUME_EXPERIMENTAL_FIELDS,
  }),
  threadFork: defineRequest('thread/fork', threads.ThreadForkParamsSchema, threads.ThreadForkResponseSchema, {
    experimentalFields: threads.THREAD_FORK_EXPERIMENTAL_FIELDS,
  }),
  threadList: defineRequest('thread/list', threads.ThreadListParamsSchema, threads.ThreadListResponseSchema, {
    experimentalFields: threads.THREAD_LIST_EXPERIMENTAL_FIELDS,
  }),
  threadRead: defineRequest('thread/read', threads.ThreadReadParamsSchema, threads.ThreadReadResponseSchema),
  threadTurnsList: defineRequest(
    'thread/turns/list',
    threads.ThreadTurnsListParamsSchema,
    threads.ThreadTurnsListResponseSchema,
  ),
  threadItemsList: defineRequest(
    'thread/items/list',
    threadItems.ThreadItemsListParamsSchema,
    threadItems.ThreadItemsListResponseSchema,
  ),
  threadQueueAdd: defineRequest(
    'thread/queue/add',
    threadQueue.ThreadQueueAddParamsSchema,
    threadQueue.ThreadQueueAddResponseSchema,
    { experimental: true },
  ),
  threadBackgroundTerminalsList: defineRequest(
    'thread/backgroundTerminals/list',
    terminals.ThreadBackgroundTerminalsListParamsSchema,
    terminals.ThreadBackgroundTerminalsListResponseSchema,
    { experimental: true },
  ),
  threadBackgroundTerminalsTerminate: defineRequest(
    'thread/backgroundTerminals/terminate',
    terminals.ThreadBackgroundTerminalsTerminateParamsSchema,
    terminals.ThreadBackgroundTerminalsTerminateResponseSchema,
    { experimental: true },
  ),
  threadBackgroundTerminalsClean: defineRequest(
    'thread/backgroundTerminals/clean',
    terminals.ThreadBackgroundTerminalsCleanParamsSchema,
    terminals.ThreadBackgroundTerminalsCleanResponseSchema,
    { experimental: true },
  ),
  threadCompactStart: defineRequest(
    'thread/compact/start',
    threadCompact.ThreadCompactStartParamsSchema,
    threadCompact.ThreadCompactStartResponseSchema,
  ),
  threadArchive: defineRequest('thread/archive', threads.ThreadArchiveParamsSchema, threads.ThreadArchiveResponseSchema),
  threadUnarchive: defineRequest(
    'thread/unarchive',
    threads.ThreadUnarchiveParamsSchema,
    threads.ThreadUnarchiveResponseSchema,
  ),
  threadDelete: defineRequest('thread/delete', threads.ThreadDeleteParamsSchema, threads.ThreadDeleteResponseSchema),
  threadRevert: defineRequest('thread/revert', ThreadRevertParamsSchema, ThreadRevertResponseSchema),
  threadShellCommand: defineRequest(
    'thread/shellCommand',
    shellCommand.ThreadShellCommandParamsSchema,
    shellCommand.ThreadShellCommandResponseSchema,
  ),
  threadSetName: defineRequest('thread/name/set', threads.ThreadSetNameParamsSchema, threads.ThreadSetNameResponseSchema),
  threadUnsubscribe: defineRequest(
    'thread/unsubscribe',
    threads.ThreadUnsubscribeParamsSchema,
    threads.ThreadUnsubscribeResponseSchema,
  ),
  turnStart: defineRequest('turn/start', turns.TurnStartParamsSchema, turns.TurnStartResponseSchema, {
    experimentalFields: turns.TURN_START_EXPERIMENTAL_FIELDS,
  }),
  turnSteer: defineRequest('turn/steer', turns.TurnSteerParamsSchema, turns.TurnSteerResponseSchema, {
    experimentalFields: turns.TURN_STEER_EXPERIMENTAL_FIELDS,
  }),
  reviewStart: defineRequest('review/start', review.ReviewStartParamsSchema, review.ReviewStartResponseSchema),
  turnInterrupt: defineRequest('turn/interrupt', turns.TurnInterruptParamsSchema, turns.TurnInterruptResponseSchema),
  ...FsRequests,
  ...CommandExecRequests,
  ...ProcessRequests,
  ...ClientSurfaceRequests,
  ...TerminalUiRequests,
  ...McpRequests,
  ...SettingsSurfaceRequests,
  ...AccountRequests,
  ...ThreadMetadataRequests,
  ...PluginRequests,
} as const satisfies Record<string, RequestDefinition>;

/** Notifications a client may send. Anything else a client notifies is ignored, as the reference does. */
export const ClientNotifications = {
  initialized: defineNotification('initialized', z.object({}).optional()),
} as const satisfies Record<string, NotificationDefinition>;

/** Notifications the server sends. */
export const ServerNotifications = {
  configWarning: defineNotification('configWarning', ConfigWarningNotificationSchema),
  remoteControlStatusChanged: defineNotification(
    'remoteControl/status/changed',
    RemoteControlStatusChangedNotificationSchema,
  ),
  threadStarted: defineNotification('thread/started', notes.ThreadStartedNotificationSchema),
  threadStatusChanged: defineNotification('thread/status/changed', notes.ThreadStatusChangedNotificationSchema),
  threadArchived: defineNotification('thread/archived', notes.ThreadArchivedNotificationSchema),
  threadUnarchived: defineNotification('thread/unarchived', notes.ThreadUnarchivedNotificationSchema),
  threadDeleted: defineNotification('thread/deleted', notes.ThreadDeletedNotificationSchema),
  threadReverted: defineNotification('thread/reverted', notes.ThreadRevertedNotificationSchema),
  threadClosed: defineNotification('thread/closed', notes.ThreadClosedNotificationSchema),
  threadQueueChanged: defineNotification('thread/queue/changed', threadQueue.ThreadQueueChangedNotificationSchema),
  threadNameUpdated: defineNotification('thread/name/updated', notes.ThreadNameUpdatedNotificationSchema),
  threadTokenUsageUpdated: defineNotification(
    'thread/tokenUsage/updated',
    notes.ThreadTokenUsageUpdatedNotificationSchema,
  ),
  threadSettingsUpdated: defineNotification('thread/settings/updated', notes.ThreadSettingsUpdatedNotificationSchema),
  turnStarted: defineNotification('turn/started', notes.TurnStartedNotificationSchema),
  turnCompleted: defineNotification('turn/completed', notes.TurnCompletedNotificationSchema),
  itemStarted: defineNotification('item/started', notes.ItemStartedNotificationSchema),
  itemCompleted: defineNotification('item/completed', notes.ItemCompletedNotificationSchema),
  agentMessageDelta: defineNotification('item/agentMessage/delta', notes.AgentMessageDeltaNotificationSchema),
  reasoningSummaryTextDelta: defineNotification(
    'item/reasoning/summaryTextDelta',
    notes.ReasoningSummaryTextDeltaNotificationSchema,
  ),
  reasoningSummaryPartAdded: defineNotification(
    'item/reasoning/summaryPartAdded',
    notes.ReasoningSummaryPartAddedNotificationSchema,
  ),
  reasoningTextDelta: defineNotification('item/reasoning/textDelta', notes.ReasoningTextDeltaNotificationSchema),
  error: defineNotification('error', notes.ErrorNotificationSchema),
  warning: defineNotification('warning', notes.WarningNotificationSchema),
  deprecationNotice: defineNotification('deprecationNotice', notes.DeprecationNoticeNotificationSchema),
  serverRequestResolved: defineNotification('serverRequest/resolved', notes.ServerRequestResolvedNotificationSchema),
  commandExecutionOutputDelta: defineNotification(
    'item/commandExecution/outputDelta',
    approvals.CommandExecutionOutputDeltaNotificationSchema,
  ),
  terminalInteraction: defineNotification(
    'item/commandExecution/terminalInteraction',
    approvals.TerminalInteractionNotificationSchema,
  ),
  turnDiffUpdated: defineNotification('turn/diff/updated', notes.TurnDiffUpdatedNotificationSchema),
  turnPlanUpdated: defineNotification('turn/plan/updated', notes.TurnPlanUpdatedNotificationSchema),
  accountRateLimitsUpdated: defineNotification(
    'account/rateLimits/updated',
    AccountRateLimitsUpdatedNotificationSchema,
  ),
  ...FsNotifications,
  ...CommandExecNotifications,
  ...ProcessNotifications,
  ...ClientSurfaceNotifications,
  ...TerminalUiNotifications,
  ...McpNotifications,
  ...PluginNotifications,
  ...SettingsSurfaceNotifications,
  ...ThreadMetadataNotifications,
  ...AccountNotifications,
} as const satisfies Record<string, NotificationDefinition>;

/** Requests the server sends to clients: approvals, questions, attestation tokens and token refreshes. */
export const ServerRequests = {
  commandExecutionRequestApproval: defineRequest(
    'item/commandExecution/requestApproval',
    approvals.CommandExecutionRequestApprovalParamsSchema,
    approvals.CommandExecutionRequestApprovalResponseSchema,
  ),
  fileChangeRequestApproval: defineRequest(
    'item/fileChange/requestApproval',
    approvals.FileChangeRequestApprovalParamsSchema,
    approvals.FileChangeRequestApprovalResponseSchema,
  ),
  toolRequestUserInput: defineRequest(
    'item/tool/requestUserInput',
    approvals.ToolRequestUserInputParamsSchema,
    approvals.ToolRequestUserInputResponseSchema,
  ),
  attestationGenerate: defineRequest(
    'attestation/generate',
    AttestationGenerateParamsSchema,
    AttestationGenerateResponseSchema,
  ),
  chatgptAuthTokensRefresh: defineRequest(
    'account/chatgptAuthTokens/refresh',
    account.ChatgptAuthTokensRefreshParamsSchema,
    account.ChatgptAuthTokensRefreshResponseSchema,
  ),
  ...McpServerRequests,
} as const satisfies Record<string, RequestDefinition>;

export type ClientRequestDefinition = (typeof ClientRequests)[keyof typeof ClientRequests];
export type ServerNotificationDefinition = (typeof ServerNotifications)[keyof typeof ServerNotifications];
