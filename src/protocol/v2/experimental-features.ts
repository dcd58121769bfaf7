import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema } from '../common.js';

export const ExperimentalFeatureStageSchema = lazySchema(() => z
  .enum(['beta', 'underDevelopment', 'stable', 'deprecated', 'removed'])
  .meta({ id: 'ExperimentalFeatureStage' }));
export type ExperimentalFeatureStage = z.infer<typeof ExperimentalFeatureStageSchema>;

export const ExperimentalFeatureSchema = lazySchema(() => z
  .object({
    name: z.string().describe('Stable key used in config.toml and CLI flag toggles.'),
    stage: ExperimentalFeatureStageSchema,
    displayName: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    announcement: z.string().nullable().optional(),
    enabled: z.boolean().describe('Whether this feature is currently enabled in the loaded config.'),
    defaultEnabled: z.boolean(),
  })
  .meta({ id: 'ExperimentalFeature' }));
export type ExperimentalFeature = z.infer<typeof ExperimentalFeatureSchema>;

export const ExperimentalFeatureListParamsSchema = lazySchema(() => z
  .object({
    cursor: z.string().nullable().optional(),
    limit: Uint32Schema.nullable().optional(),
    threadId: z.string().nullable().optional(),
  })
  .meta({ id: 'ExperimentalFeatureListParams' }));

export const ExperimentalFeatureListResponseSchema = lazySchema(() => z
  .object({ data: z.array(ExperimentalFeatureSchema), nextCursor: z.string().nullable().optional() })
  .meta({ id: 'ExperimentalFeatureListResponse' }));

export const ExperimentalFeatureEnablementSetParamsSchema = lazySchema(() => z
  .object({ enablement: z.record(z.string(), z.boolean()) })
  .meta({ id: 'ExperimentalFeatureEnablementSetParams' }));

export const ExperimentalFeatureEnablementSetResponseSchema = lazySchema(() => z
  .object({ enablement: z.record(z.string(), z.boolean()) })
  .meta({ id: 'ExperimentalFeatureEnablementSetResponse' }));
