import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import * as features from './v2/experimental-features.js';
import * as fuzzy from './v2/fuzzy-file-search.js';
import * as permissions from './v2/permission-profiles.js';
import * as search from './v2/thread-search.js';
import * as settings from './v2/thread-settings-update.js';

/**
 * What the terminal UI's everyday commands call: thread and file search (the composer's `@`), `/model`,
 * `/permissions` and `/experimental`. Merged into ClientRequests / ServerNotifications by registry.ts.
 */
export const TerminalUiRequests = {
  threadSearch: defineRequest('thread/search', search.ThreadSearchParamsSchema, search.ThreadSearchResponseSchema, {
    experimental: true,
  }),
  threadSearchOccurrences: defineRequest(
    'thread/searchOccurrences',
    search.ThreadSearchOccurrencesParamsSchema,
    search.ThreadSearchOccurrencesResponseSchema,
    { experimental: true },
  ),
  fuzzyFileSearch: defineRequest(
    'fuzzyFileSearch',
    fuzzy.FuzzyFileSearchParamsSchema,
    fuzzy.FuzzyFileSearchResponseSchema,
  ),
  fuzzyFileSearchSessionStart: defineRequest(
    'fuzzyFileSearch/sessionStart',
    fuzzy.FuzzyFileSearchSessionStartParamsSchema,
    fuzzy.FuzzyFileSearchSessionStartResponseSchema,
    { experimental: true },
  ),
  fuzzyFileSearchSessionUpdate: defineRequest(
    'fuzzyFileSearch/sessionUpdate',
    fuzzy.FuzzyFileSearchSessionUpdateParamsSchema,
    fuzzy.FuzzyFileSearchSessionUpdateResponseSchema,
    { experimental: true },
  ),
  fuzzyFileSearchSessionStop: defineRequest(
    'fuzzyFileSearch/sessionStop',
    fuzzy.FuzzyFileSearchSessionStopParamsSchema,
    fuzzy.FuzzyFileSearchSessionStopResponseSchema,
    { experimental: true },
  ),
  threadSettingsUpdate: defineRequest(
    'thread/settings/update',
    settings.ThreadSettingsUpdateParamsSchema,
    settings.ThreadSettingsUpdateResponseSchema,
    { experimental: true },
  ),
  permissionProfileList: defineRequest(
    'permissionProfile/list',
    permissions.PermissionProfileListParamsSchema,
    permissions.PermissionProfileListResponseSchema,
  ),
  experimentalFeatureList: defineRequest(
    'experimentalFeature/list',
    features.ExperimentalFeatureListParamsSchema,
    features.ExperimentalFeatureListResponseSchema,
  ),
  experimentalFeatureEnablementSet: defineRequest(
    'experimentalFeature/enablement/set',
    features.ExperimentalFeatureEnablementSetParamsSchema,
    features.ExperimentalFeatureEnablementSetResponseSchema,
  ),
} as const satisfies Record<string, RequestDefinition>;

export const TerminalUiNotifications = {
  fuzzyFileSearchSessionUpdated: defineNotification(
    'fuzzyFileSearch/sessionUpdated',
    fuzzy.FuzzyFileSearchSessionUpdatedNotificationSchema,
  ),
  fuzzyFileSearchSessionCompleted: defineNotification(
    'fuzzyFileSearch/sessionCompleted',
    fuzzy.FuzzyFileSearchSessionCompletedNotificationSchema,
  ),
} as const satisfies Record<string, NotificationDefinition>;
