import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import * as account from './v2/account.js';
import * as modes from './v2/collaboration-modes.js';
import * as config from './v2/config.js';
import * as goals from './v2/goals.js';
import * as hooks from './v2/hooks.js';
import * as models from './v2/models.js';
import * as plugins from './v2/plugins.js';
import * as rateLimits from './v2/rate-limits.js';
import * as readState from './v2/read-state.js';
import * as skills from './v2/skills.js';

/**
 * What the terminal UI and other clients call at start-up besides threads
 * (docs/protocol.md#what-clients-call-at-start-up): models, config, skills, hooks, plugins, collaboration modes,
 * account, read state. Merged into ClientRequests / ServerNotifications by registry.ts.
 */
export const ClientSurfaceRequests = {
  modelList: defineRequest('model/list', models.ModelListParamsSchema, models.ModelListResponseSchema),
  configRead: defineRequest('config/read', config.ConfigReadParamsSchema, config.ConfigReadResponseSchema),
  configRequirementsRead: defineRequest(
    'configRequirements/read',
    config.ConfigRequirementsReadParamsSchema,
    config.ConfigRequirementsReadResponseSchema,
  ),
  configValueWrite: defineRequest(
    'config/value/write',
    config.ConfigValueWriteParamsSchema,
    config.ConfigWriteResponseSchema,
  ),
  configBatchWrite: defineRequest(
    'config/batchWrite',
    config.ConfigBatchWriteParamsSchema,
    config.ConfigWriteResponseSchema,
  ),
  accountRead: defineRequest('account/read', account.GetAccountParamsSchema, account.GetAccountResponseSchema),
  accountLoginStart: defineRequest(
    'account/login/start',
    account.LoginAccountParamsSchema,
    account.LoginAccountResponseSchema,
  ),
  accountLoginCancel: defineRequest(
    'account/login/cancel',
    account.CancelLoginAccountParamsSchema,
    account.CancelLoginAccountResponseSchema,
  ),
  accountLogout: defineRequest('account/logout', account.LogoutAccountParamsSchema, account.LogoutAccountResponseSchema),
  accountRateLimitsRead: defineRequest(
    'account/rateLimits/read',
    rateLimits.GetAccountRateLimitsParamsSchema,
    rateLimits.GetAccountRateLimitsResponseSchema,
  ),
  bedrockDiscover: defineRequest(
    'account/bedrock/discover',
    account.BedrockDiscoverParamsSchema,
    account.BedrockDiscoverResponseSchema,
    { experimental: true },
  ),
  bedrockSetup: defineRequest('account/bedrock/setup', account.BedrockSetupParamsSchema, account.BedrockSetupResponseSchema, {
    experimental: true,
  }),
  bedrockCheckGovCloudRequirements: defineRequest(
    'account/bedrock/checkGovCloudRequirements',
    account.BedrockCheckGovCloudRequirementsParamsSchema,
    account.BedrockCheckGovCloudRequirementsResponseSchema,
    { experimental: true },
  ),
  collaborationModeList: defineRequest(
    'collaborationMode/list',
    modes.CollaborationModeListParamsSchema,
    modes.CollaborationModeListResponseSchema,
    { experimental: true },
  ),
  skillsList: defineRequest('skills/list', skills.SkillsListParamsSchema, skills.SkillsListResponseSchema),
  hooksList: defineRequest('hooks/list', hooks.HooksListParamsSchema, hooks.HooksListResponseSchema),
  pluginInstalled: defineRequest(
    'plugin/installed',
    plugins.PluginInstalledParamsSchema,
    plugins.PluginInstalledResponseSchema,
  ),
  threadReadStateUpdate: defineRequest(
    'thread/readState/update',
    readState.ThreadReadStateUpdateParamsSchema,
    readState.ThreadReadStateUpdateResponseSchema,
    { experimental: true },
  ),
  threadGoalGet: defineRequest('thread/goal/get', goals.ThreadGoalGetParamsSchema, goals.ThreadGoalGetResponseSchema),
  threadGoalSet: defineRequest('thread/goal/set', goals.ThreadGoalSetParamsSchema, goals.ThreadGoalSetResponseSchema),
  threadGoalClear: defineRequest(
    'thread/goal/clear',
    goals.ThreadGoalClearParamsSchema,
    goals.ThreadGoalClearResponseSchema,
  ),
} as const satisfies Record<string, RequestDefinition>;

export const ClientSurfaceNotifications = {
  threadReadStateChanged: defineNotification(
    'thread/readState/changed',
    readState.ThreadReadStateChangedNotificationSchema,
  ),
  accountUpdated: defineNotification('account/updated', account.AccountUpdatedNotificationSchema),
  accountLoginCompleted: defineNotification('account/login/completed', account.AccountLoginCompletedNotificationSchema),
  threadGoalUpdated: defineNotification('thread/goal/updated', goals.ThreadGoalUpdatedNotificationSchema),
  threadGoalCleared: defineNotification('thread/goal/cleared', goals.ThreadGoalClearedNotificationSchema),
  hookStarted: defineNotification('hook/started', hooks.HookStartedNotificationSchema),
  hookCompleted: defineNotification('hook/completed', hooks.HookCompletedNotificationSchema),
} as const satisfies Record<string, NotificationDefinition>;
