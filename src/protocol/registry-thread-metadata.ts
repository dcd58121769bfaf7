import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import * as guardian from './v2/guardian-approval.js';
import * as meta from './v2/thread-metadata.js';

/**
 * What a client keeps on a thread besides its turns: Git metadata, its place in a section, items injected into its
 * conversation, attachments, and the user's override of an auto-review denial. Merged into ClientRequests / ServerNotifications by registry.ts.
 */
export const ThreadMetadataRequests = {
  threadMetadataUpdate: defineRequest(
    'thread/metadata/update',
    meta.ThreadMetadataUpdateParamsSchema,
    meta.ThreadMetadataUpdateResponseSchema,
  ),
  threadSectionMove: defineRequest(
    'thread/section/move',
    meta.ThreadSectionMoveParamsSchema,
    meta.ThreadSectionMoveResponseSchema,
  ),
  threadInjectItems: defineRequest(
    'thread/inject_items',
    meta.ThreadInjectItemsParamsSchema,
    meta.ThreadInjectItemsResponseSchema,
  ),
  threadAttachmentAdd: defineRequest(
    'thread/attachment/add',
    meta.ThreadAttachmentAddParamsSchema,
    meta.ThreadAttachmentAddResponseSchema,
  ),
  threadAttachmentList: defineRequest(
    'thread/attachment/list',
    meta.ThreadAttachmentListParamsSchema,
    meta.ThreadAttachmentListResponseSchema,
  ),
  threadAttachmentRemove: defineRequest(
    'thread/attachment/remove',
    meta.ThreadAttachmentRemoveParamsSchema,
    meta.ThreadAttachmentRemoveResponseSchema,
  ),
  threadAttachmentOwnerList: defineRequest(
    'thread/attachmentOwner/list',
    meta.ThreadAttachmentOwnerListParamsSchema,
    meta.ThreadAttachmentOwnerListResponseSchema,
  ),
  threadApproveGuardianDeniedAction: defineRequest(
    'thread/approveGuardianDeniedAction',
    guardian.ThreadApproveGuardianDeniedActionParamsSchema,
    guardian.ThreadApproveGuardianDeniedActionResponseSchema,
  ),
} as const satisfies Record<string, RequestDefinition>;

export const ThreadMetadataNotifications = {
  threadSectionChanged: defineNotification('thread/section/changed', meta.ThreadSectionChangedNotificationSchema),
  threadAttachmentUpdated: defineNotification(
    'thread/attachment/updated',
    meta.ThreadAttachmentUpdatedNotificationSchema,
  ),
} as const satisfies Record<string, NotificationDefinition>;
