import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import * as apps from './v2/apps.js';
import * as marketplaces from './v2/marketplaces.js';
import * as share from './v2/plugin-share.js';
import * as plugins from './v2/plugins.js';

/**
 * Plugins, the marketplaces they come from, plugin sharing and apps (docs/plugins.md). Merged into ClientRequests
 * by registry.ts.
 */
export const PluginRequests = {
  pluginList: defineRequest('plugin/list', plugins.PluginListParamsSchema, plugins.PluginListResponseSchema),
  pluginRead: defineRequest('plugin/read', plugins.PluginReadParamsSchema, plugins.PluginReadResponseSchema),
  pluginInstall: defineRequest('plugin/install', plugins.PluginInstallParamsSchema, plugins.PluginInstallResponseSchema),
  pluginUninstall: defineRequest(
    'plugin/uninstall',
    plugins.PluginUninstallParamsSchema,
    plugins.PluginUninstallResponseSchema,
  ),
  pluginReconcile: defineRequest(
    'plugin/reconcile',
    plugins.PluginReconcileParamsSchema,
    plugins.PluginReconcileResponseSchema,
  ),
  pluginSkillRead: defineRequest('plugin/skill/read', share.PluginSkillReadParamsSchema, share.PluginSkillReadResponseSchema),
  pluginShareSave: defineRequest('plugin/share/save', share.PluginShareSaveParamsSchema, share.PluginShareSaveResponseSchema),
  pluginShareUpdateTargets: defineRequest(
    'plugin/share/updateTargets',
    share.PluginShareUpdateTargetsParamsSchema,
    share.PluginShareUpdateTargetsResponseSchema,
  ),
  pluginShareList: defineRequest('plugin/share/list', share.PluginShareListParamsSchema, share.PluginShareListResponseSchema),
  pluginShareCheckout: defineRequest(
    'plugin/share/checkout',
    share.PluginShareCheckoutParamsSchema,
    share.PluginShareCheckoutResponseSchema,
  ),
  pluginShareDelete: defineRequest(
    'plugin/share/delete',
    share.PluginShareDeleteParamsSchema,
    share.PluginShareDeleteResponseSchema,
  ),
  marketplaceAdd: defineRequest(
    'marketplace/add',
    marketplaces.MarketplaceAddParamsSchema,
    marketplaces.MarketplaceAddResponseSchema,
  ),
  marketplaceRemove: defineRequest(
    'marketplace/remove',
    marketplaces.MarketplaceRemoveParamsSchema,
    marketplaces.MarketplaceRemoveResponseSchema,
  ),
  marketplaceUpgrade: defineRequest(
    'marketplace/upgrade',
    marketplaces.MarketplaceUpgradeParamsSchema,
    marketplaces.MarketplaceUpgradeResponseSchema,
  ),
  appList: defineRequest('app/list', apps.AppsListParamsSchema, apps.AppsListResponseSchema),
  appRead: defineRequest('app/read', apps.AppsReadParamsSchema, apps.AppsReadResponseSchema),
  appInstalled: defineRequest('app/installed', apps.AppsInstalledParamsSchema, apps.AppsInstalledResponseSchema),
} as const satisfies Record<string, RequestDefinition>;

/** What the server tells clients about apps: the merged list, as an `app/list` loads it. */
export const PluginNotifications = {
  appListUpdated: defineNotification('app/list/updated', apps.AppListUpdatedNotificationSchema),
} as const satisfies Record<string, NotificationDefinition>;
