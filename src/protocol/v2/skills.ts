import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema } from '../common.js';

export const SkillsListParamsSchema = lazySchema(() => z
  .object({
    cwds: z
      .array(z.string())
      .optional()
      .describe('When empty, defaults to the current session working directory.'),
    forceReload: z.boolean().optional().describe('When true, bypass the skills cache and re-scan skills from disk.'),
  })
  .meta({ id: 'SkillsListParams' }));
export type SkillsListParams = z.infer<typeof SkillsListParamsSchema>;

export const SkillScopeSchema = lazySchema(() => z.enum(['user', 'repo', 'system', 'admin']).meta({ id: 'SkillScope' }));
export type SkillScope = z.infer<typeof SkillScopeSchema>;

/** `agents/openai.yaml`'s `interface` table; every key is written (null when unset), as the reference does. */
export const SkillInterfaceSchema = lazySchema(() => z
  .object({
    displayName: z.string().nullable().optional(),
    shortDescription: z.string().nullable().optional(),
    iconSmall: AbsolutePathSchema.nullable().optional(),
    iconLarge: AbsolutePathSchema.nullable().optional(),
    iconSmallUrl: z.string().nullable().describe('Remote small icon URL from the plugin catalog.'),
    iconLargeUrl: z.string().nullable().describe('Remote large icon URL from the plugin catalog.'),
    brandColor: z.string().nullable().optional(),
    defaultPrompt: z.string().nullable().optional(),
  })
  .meta({ id: 'SkillInterface' }));
export type SkillInterface = z.infer<typeof SkillInterfaceSchema>;

export const SkillToolDependencySchema = lazySchema(() => z
  .object({
    type: z.string(),
    value: z.string(),
    description: z.string().nullable().optional(),
    transport: z.string().nullable().optional(),
    command: z.string().nullable().optional(),
    url: z.string().nullable().optional(),
  })
  .meta({ id: 'SkillToolDependency' }));
export type SkillToolDependency = z.infer<typeof SkillToolDependencySchema>;

export const SkillDependenciesSchema = lazySchema(() => z
  .object({ tools: z.array(SkillToolDependencySchema) })
  .meta({ id: 'SkillDependencies' }));
export type SkillDependencies = z.infer<typeof SkillDependenciesSchema>;

export const SkillMetadataSchema = lazySchema(() => z
  .object({
    name: z.string(),
    description: z.string(),
    shortDescription: z
      .string()
      .nullable()
      .optional()
      .describe('Legacy short_description from SKILL.md. Prefer SKILL.json interface.short_description.'),
    interface: SkillInterfaceSchema.nullable().optional(),
    dependencies: SkillDependenciesSchema.nullable().optional(),
    path: z.string(),
    scope: SkillScopeSchema,
    enabled: z.boolean(),
    pluginId: z.string().nullable().describe('Owning plugin ID, matching `PluginSummary.id`, when known.'),
  })
  .meta({ id: 'SkillMetadata' }));
export type SkillMetadata = z.infer<typeof SkillMetadataSchema>;

export const SkillErrorInfoSchema = lazySchema(() => z
  .object({ path: z.string(), message: z.string() })
  .meta({ id: 'SkillErrorInfo' }));
export type SkillErrorInfo = z.infer<typeof SkillErrorInfoSchema>;

export const SkillsListEntrySchema = lazySchema(() => z
  .object({ cwd: z.string(), skills: z.array(SkillMetadataSchema), errors: z.array(SkillErrorInfoSchema) })
  .meta({ id: 'SkillsListEntry' }));
export type SkillsListEntry = z.infer<typeof SkillsListEntrySchema>;

export const SkillsListResponseSchema = lazySchema(() => z
  .object({ data: z.array(SkillsListEntrySchema) })
  .meta({ id: 'SkillsListResponse' }));
