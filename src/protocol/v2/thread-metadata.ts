import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Int64Schema, Uint32Schema } from '../common.js';
import { ThreadSchema } from './thread.js';

/*
 * What a client sets on a thread besides its conversation, as the reference's 0.169.0 JSON Schema names it:
 * `thread/metadata/update`, `thread/section/move`, `thread/inject_items` and `thread/attachment*`.
 */

const patchedField = (what: string) =>
  z
    .string()
    .nullable()
    .optional()
    .describe(`Omit to leave the stored ${what} unchanged, set to \`null\` to clear it, or provide a non-empty string to replace it.`);

export const ThreadMetadataGitInfoUpdateParamsSchema = lazySchema(() => z
  .object({ sha: patchedField('commit'), branch: patchedField('branch'), originUrl: patchedField('origin URL') })
  .meta({ id: 'ThreadMetadataGitInfoUpdateParams' }));
export type ThreadMetadataGitInfoUpdateParams = z.infer<typeof ThreadMetadataGitInfoUpdateParamsSchema>;

export const ThreadMetadataUpdateParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    gitInfo: ThreadMetadataGitInfoUpdateParamsSchema.nullable()
      .optional()
      .describe(
        'Patch the stored Git metadata for this thread. Omit a field to leave it unchanged, set it to `null` to clear it, or provide a string to replace the stored value.',
      ),
    daybreakEnabled: z
      .boolean()
      .nullable()
      .optional()
      .describe("Save the client's Daybreak choice for this persistent thread. Omitted or null leaves it unchanged."),
    projectId: z
      .string()
      .nullable()
      .optional()
      .describe('Omit to leave the project unchanged, use an empty string to clear it, or provide an existing project ID to assign it.'),
  })
  .meta({ id: 'ThreadMetadataUpdateParams' }));

export const ThreadMetadataUpdateResponseSchema = lazySchema(() => z
  .object({ thread: ThreadSchema })
  .meta({ id: 'ThreadMetadataUpdateResponse' }));

export const ThreadSectionMoveParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string().describe('Thread to move into, within, or out of a section.'),
    sectionId: z.string().nullable().describe('Destination section, or `null` to remove the thread from its section.'),
    beforeThreadId: z
      .string()
      .nullable()
      .optional()
      .describe('Existing thread to insert before; omission or null appends to the section.'),
  })
  .meta({ id: 'ThreadSectionMoveParams', description: 'Parameters for moving a thread within a server-owned section ordering.' }));

export const ThreadSectionMoveResponseSchema = lazySchema(() => z.object({}).meta({ id: 'ThreadSectionMoveResponse' }));

export const ThreadSectionChangedNotificationSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    sectionId: z
      .string()
      .nullable()
      .describe('Destination section, or `null` when the thread was removed from its section.'),
  })
  .meta({
    id: 'ThreadSectionChangedNotification',
    description: 'Broadcast after a successful move into, within, or out of a section.',
  }));

export const ThreadInjectItemsParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    items: z.array(z.unknown()).describe("Raw Responses API items to append to the thread's model-visible history."),
  })
  .meta({ id: 'ThreadInjectItemsParams' }));

export const ThreadInjectItemsResponseSchema = lazySchema(() => z.object({}).meta({ id: 'ThreadInjectItemsResponse' }));

export const ThreadAttachmentSchema = lazySchema(() => z
  .object({
    id: z.string(),
    attachmentType: z.string(),
    identityKey: z.string(),
    payload: z.unknown(),
    createdAt: Int64Schema,
  })
  .meta({ id: 'ThreadAttachment', description: 'An independently persisted attachment associated with a thread.' }));
export type ThreadAttachment = z.infer<typeof ThreadAttachmentSchema>;

export const ThreadAttachmentAddOutcomeSchema = lazySchema(() => z
  .enum(['created', 'existing'])
  .meta({ id: 'ThreadAttachmentAddOutcome', description: 'Result of attempting to associate an attachment with a thread.' }));

export const ThreadAttachmentAddParamsSchema = lazySchema(() => z
  .object({ threadId: z.string(), attachmentType: z.string(), identityKey: z.string(), payload: z.unknown() })
  .meta({
    id: 'ThreadAttachmentAddParams',
    description: 'Parameters for creating or locating an attachment on its owning thread.',
  }));

export const ThreadAttachmentAddResponseSchema = lazySchema(() => z
  .object({ attachment: ThreadAttachmentSchema, outcome: ThreadAttachmentAddOutcomeSchema })
  .meta({ id: 'ThreadAttachmentAddResponse', description: 'The created or existing attachment.' }));

export const ThreadAttachmentListParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    cursor: z.string().nullable().optional(),
    limit: Uint32Schema.nullable().optional(),
  })
  .meta({ id: 'ThreadAttachmentListParams', description: 'Parameters for listing attachments from one thread.' }));

export const ThreadAttachmentListResponseSchema = lazySchema(() => z
  .object({ data: z.array(ThreadAttachmentSchema), nextCursor: z.string().nullable().optional() })
  .meta({
    id: 'ThreadAttachmentListResponse',
    description: 'One page of attachments associated with the requested thread.',
  }));

export const ThreadAttachmentRemoveParamsSchema = lazySchema(() => z
  .object({ threadId: z.string(), attachmentType: z.string(), identityKey: z.string() })
  .meta({
    id: 'ThreadAttachmentRemoveParams',
    description: 'Parameters for deleting an attachment by its stable thread-local identity.',
  }));

export const ThreadAttachmentRemoveResponseSchema = lazySchema(() => z.object({}).meta({
  id: 'ThreadAttachmentRemoveResponse',
  description: 'Successful deletion does not return additional attachment data.',
}));

export const ThreadAttachmentOwnerListParamsSchema = lazySchema(() => z
  .object({
    attachmentType: z.string(),
    identityKey: z.string(),
    archived: z
      .boolean()
      .nullable()
      .optional()
      .describe('Omitted or null returns all matches; false returns non-archived threads only.'),
    cursor: z.string().nullable().optional(),
    limit: Uint32Schema.nullable().optional(),
  })
  .meta({
    id: 'ThreadAttachmentOwnerListParams',
    description: "Parameters for reverse lookup by attachment identity within this server's store.",
  }));

export const ThreadAttachmentOwnerSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    archived: z
      .boolean()
      .describe('Whether the owning thread is archived, not whether it is currently executing a turn.'),
  })
  .meta({ id: 'ThreadAttachmentOwner', description: 'A thread that currently owns an attachment with the requested identity.' }));

export const ThreadAttachmentOwnerListResponseSchema = lazySchema(() => z
  .object({ data: z.array(ThreadAttachmentOwnerSchema), nextCursor: z.string().nullable().optional() })
  .meta({
    id: 'ThreadAttachmentOwnerListResponse',
    description: 'One page of matching owners, including threads without their own user messages.',
  }));

export const ThreadAttachmentOperationSchema = lazySchema(() => z
  .enum(['created', 'deleted'])
  .meta({ id: 'ThreadAttachmentOperation', description: 'The persisted attachment change represented by a notification.' }));

export const ThreadAttachmentUpdatedNotificationSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    attachmentType: z.string(),
    identityKey: z.string(),
    attachmentId: z.string(),
    operation: ThreadAttachmentOperationSchema,
  })
  .meta({
    id: 'ThreadAttachmentUpdatedNotification',
    description: 'Notification published after a thread attachment is created or deleted.',
  }));
