import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import * as providers from './v2/model-providers.js';
import * as skills from './v2/skills-config.js';

/**
 * Changing which skills are in effect and reading the model providers (docs/methods.md). Merged into
 * ClientRequests / ServerNotifications by registry.ts.
 */
export const SkillsProvidersRequests = {
  skillsConfigWrite: defineRequest(
    'skills/config/write',
    skills.SkillsConfigWriteParamsSchema,
    skills.SkillsConfigWriteResponseSchema,
  ),
  skillsExtraRootsSet: defineRequest(
    'skills/extraRoots/set',
    skills.SkillsExtraRootsSetParamsSchema,
    skills.SkillsExtraRootsSetResponseSchema,
  ),
  modelProviderList: defineRequest(
    'modelProvider/list',
    providers.ModelProviderListParamsSchema,
    providers.ModelProviderListResponseSchema,
  ),
  modelProviderCapabilitiesRead: defineRequest(
    'modelProvider/capabilities/read',
    providers.ModelProviderCapabilitiesReadParamsSchema,
    providers.ModelProviderCapabilitiesReadResponseSchema,
  ),
} as const satisfies Record<string, RequestDefinition>;

export const SkillsProvidersNotifications = {
  skillsChanged: defineNotification('skills/changed', skills.SkillsChangedNotificationSchema),
} as const satisfies Record<string, NotificationDefinition>;
