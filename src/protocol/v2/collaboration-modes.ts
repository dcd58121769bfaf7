import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { ModeKindSchema, ReasoningEffortSchema } from './policies.js';

export const CollaborationModeListParamsSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'CollaborationModeListParams', description: 'EXPERIMENTAL - list collaboration mode presets.' }));

/** A preset a client can switch to; its fields override the session's model settings (snake_case on the wire). */
export const CollaborationModeMaskSchema = lazySchema(() => z
  .object({
    name: z.string(),
    mode: ModeKindSchema.nullable(),
    model: z.string().nullable(),
    reasoning_effort: ReasoningEffortSchema.nullable(),
  })
  .meta({ id: 'CollaborationModeMask', description: 'EXPERIMENTAL - collaboration mode preset metadata for clients.' }));
export type CollaborationModeMask = z.infer<typeof CollaborationModeMaskSchema>;

export const CollaborationModeListResponseSchema = lazySchema(() => z
  .object({ data: z.array(CollaborationModeMaskSchema) })
  .meta({ id: 'CollaborationModeListResponse', description: 'EXPERIMENTAL - collaboration mode presets response.' }));
