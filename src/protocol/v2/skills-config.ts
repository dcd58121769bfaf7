import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { ClientPathSchema } from './fs.js';

/*
 * Changing which skills are in effect: `skills/config/write` (persisted in config.toml) and `skills/extraRoots/set`
 * (for the life of the server), as the reference's 0.169.0 JSON Schema names them.
 */

export const SkillsConfigWriteParamsSchema = lazySchema(() => z
  .object({
    enabled: z.boolean(),
    name: z.string().nullable().optional().describe('Name-based selector.'),
    path: ClientPathSchema.nullable().optional().describe('Path-based selector.'),
  })
  .meta({ id: 'SkillsConfigWriteParams' }));
export type SkillsConfigWriteParams = z.infer<typeof SkillsConfigWriteParamsSchema>;

export const SkillsConfigWriteResponseSchema = lazySchema(() => z
  .object({ effectiveEnabled: z.boolean() })
  .meta({ id: 'SkillsConfigWriteResponse' }));
export type SkillsConfigWriteResponse = z.infer<typeof SkillsConfigWriteResponseSchema>;

export const SkillsExtraRootsSetParamsSchema = lazySchema(() => z
  .object({ extraRoots: z.array(ClientPathSchema) })
  .meta({ id: 'SkillsExtraRootsSetParams' }));
export type SkillsExtraRootsSetParams = z.infer<typeof SkillsExtraRootsSetParamsSchema>;

export const SkillsExtraRootsSetResponseSchema = lazySchema(() => z.object({}).meta({ id: 'SkillsExtraRootsSetResponse' }));
export type SkillsExtraRootsSetResponse = z.infer<typeof SkillsExtraRootsSetResponseSchema>;

export const SkillsChangedNotificationSchema = lazySchema(() => z.object({}).meta({
  id: 'SkillsChangedNotification',
  description:
    'Notification emitted when watched local skill files change.\n\nTreat this as an invalidation signal and re-run `skills/list` with the client\'s current parameters when refreshed skill metadata is needed.',
}));
export type SkillsChangedNotification = z.infer<typeof SkillsChangedNotificationSchema>;
