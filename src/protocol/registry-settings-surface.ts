import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import * as externalAgent from './v2/external-agent-config.js';
import * as imports from './v2/external-agent-imports.js';
import * as feedback from './v2/feedback.js';
import * as providers from './v2/model-providers.js';
import * as skills from './v2/skills-config.js';
import * as sections from './v2/thread-sections.js';
import * as windowsSandbox from './v2/windows-sandbox.js';

/**
 * Changing which skills are in effect, reading the model providers, the thread list's sections, the history of
 * imports from other agents, saving feedback, and the Windows sandbox setup that this
 * platform answers as unsupported (docs/methods.md). Merged into
 * ClientRequests / ServerNotifications by registry.ts.
 */
export const SettingsSurfaceRequests = {
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
  modelProviderConfigWrite: defineRequest(
    'modelProvider/config/write',
    providers.ModelProviderConfigWriteParamsSchema,
    providers.ModelProviderConfigWriteResponseSchema,
  ),
  modelProviderCapabilitiesRead: defineRequest(
    'modelProvider/capabilities/read',
    providers.ModelProviderCapabilitiesReadParamsSchema,
    providers.ModelProviderCapabilitiesReadResponseSchema,
  ),
  threadSectionList: defineRequest(
    'threadSection/list',
    sections.ThreadSectionListParamsSchema,
    sections.ThreadSectionListResponseSchema,
  ),
  threadSectionCreate: defineRequest(
    'threadSection/create',
    sections.ThreadSectionCreateParamsSchema,
    sections.ThreadSectionCreateResponseSchema,
  ),
  threadSectionUpdate: defineRequest(
    'threadSection/update',
    sections.ThreadSectionUpdateParamsSchema,
    sections.ThreadSectionUpdateResponseSchema,
  ),
  threadSectionDelete: defineRequest(
    'threadSection/delete',
    sections.ThreadSectionDeleteParamsSchema,
    sections.ThreadSectionDeleteResponseSchema,
  ),
  externalAgentDetect: defineRequest(
    'externalAgentConfig/detect',
    externalAgent.ExternalAgentConfigDetectParamsSchema,
    externalAgent.ExternalAgentConfigDetectResponseSchema,
  ),
  externalAgentImport: defineRequest(
    'externalAgentConfig/import',
    externalAgent.ExternalAgentConfigImportParamsSchema,
    externalAgent.ExternalAgentConfigImportResponseSchema,
  ),
  externalAgentImportRecordHistory: defineRequest(
    'externalAgentConfig/import/recordHistory',
    imports.ExternalAgentConfigImportHistoryRecordParamsSchema,
    imports.ExternalAgentConfigImportHistoryRecordResponseSchema,
  ),
  externalAgentImportReadHistories: defineRequest(
    'externalAgentConfig/import/readHistories',
    imports.ExternalAgentConfigImportHistoriesReadParamsSchema,
    imports.ExternalAgentConfigImportHistoriesReadResponseSchema,
  ),
  feedbackSave: defineRequest('feedback/save', feedback.FeedbackSaveParamsSchema, feedback.FeedbackSaveResponseSchema),
  feedbackUpload: defineRequest(
    'feedback/upload',
    feedback.FeedbackUploadParamsSchema,
    feedback.FeedbackUploadResponseSchema,
  ),
  windowsSandboxSetupStart: defineRequest(
    'windowsSandbox/setupStart',
    windowsSandbox.WindowsSandboxSetupStartParamsSchema,
    windowsSandbox.WindowsSandboxSetupStartResponseSchema,
  ),
  windowsSandboxReadiness: defineRequest(
    'windowsSandbox/readiness',
    windowsSandbox.WindowsSandboxReadinessParamsSchema,
    windowsSandbox.WindowsSandboxReadinessResponseSchema,
  ),
} as const satisfies Record<string, RequestDefinition>;

export const SettingsSurfaceNotifications = {
  skillsChanged: defineNotification('skills/changed', skills.SkillsChangedNotificationSchema),
  externalAgentImportProgress: defineNotification(
    'externalAgentConfig/import/progress',
    externalAgent.ExternalAgentConfigImportProgressNotificationSchema,
  ),
  externalAgentImportCompleted: defineNotification(
    'externalAgentConfig/import/completed',
    externalAgent.ExternalAgentConfigImportCompletedNotificationSchema,
  ),
  windowsSandboxSetupCompleted: defineNotification(
    'windowsSandbox/setupCompleted',
    windowsSandbox.WindowsSandboxSetupCompletedNotificationSchema,
  ),
} as const satisfies Record<string, NotificationDefinition>;
