import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema } from '../common.js';
import { ThreadSectionAppearanceSchema, ThreadSectionSchema } from './thread.js';

/* `threadSection/*`: the user's sections of the thread list, as the reference's 0.169.0 JSON Schema names them. */

export const ThreadSectionListParamsSchema = lazySchema(() => z
  .object({
    cursor: z.string().nullable().optional().describe('Opaque pagination cursor returned by a previous call.'),
    limit: Uint32Schema.nullable().optional().describe('Maximum number of sections to return.'),
  })
  .meta({ id: 'ThreadSectionListParams', description: 'Parameters for listing independently persisted thread sections.' }));

export const ThreadSectionListResponseSchema = lazySchema(() => z
  .object({
    data: z.array(ThreadSectionSchema),
    nextCursor: z
      .string()
      .nullable()
      .optional()
      .describe('Opaque cursor for the next page, or `null` when no sections remain.'),
  })
  .meta({ id: 'ThreadSectionListResponse', description: 'One page of independently persisted thread sections.' }));

export const ThreadSectionCreateParamsSchema = lazySchema(() => z
  .object({
    name: z.string().describe('The user-visible name of the section.'),
    appearance: ThreadSectionAppearanceSchema.nullable().optional(),
  })
  .meta({ id: 'ThreadSectionCreateParams', description: 'Parameters for creating an independently persisted thread section.' }));

export const ThreadSectionCreateResponseSchema = lazySchema(() => z
  .object({ section: ThreadSectionSchema })
  .meta({ id: 'ThreadSectionCreateResponse', description: 'The independently persisted section created by the server.' }));

export const ThreadSectionUpdateParamsSchema = lazySchema(() => z
  .object({
    sectionId: z.string().describe('The stable, server-generated identity of the section to update.'),
    name: z.string().describe('The updated user-visible name of the section.'),
    appearance: ThreadSectionAppearanceSchema.nullable()
      .optional()
      .describe('Omit to preserve appearance, use `null` to clear it, or provide a replacement.'),
  })
  .meta({ id: 'ThreadSectionUpdateParams', description: 'Parameters for updating an independently persisted thread section.' }));

export const ThreadSectionUpdateResponseSchema = lazySchema(() => z
  .object({ section: ThreadSectionSchema })
  .meta({ id: 'ThreadSectionUpdateResponse', description: 'The independently persisted section after its name is updated.' }));

export const ThreadSectionDeleteParamsSchema = lazySchema(() => z
  .object({ sectionId: z.string().describe('The stable, server-generated identity of the section to delete.') })
  .meta({ id: 'ThreadSectionDeleteParams', description: 'Parameters for deleting an independently persisted thread section.' }));

export const ThreadSectionDeleteResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'ThreadSectionDeleteResponse', description: 'Successful deletion does not return additional section data.' }));
