import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Int64Schema, Uint32Schema } from '../common.js';
import { ReasoningEffortSchema } from './policies.js';

/** `model/list` params: an optional provider, opaque cursor paging and hidden models on request. */
export const ModelListParamsSchema = lazySchema(() => z
  .object({
    cursor: z.string().nullable().optional().describe('Opaque pagination cursor returned by a previous call.'),
    limit: Uint32Schema.nullable()
      .optional()
      .describe('Optional page size; defaults to a reasonable server-side value.'),
    includeHidden: z
      .boolean()
      .nullable()
      .optional()
      .describe('When true, include models that are hidden from the default picker list.'),
    modelProvider: z
      .string()
      .nullable()
      .optional()
      .describe('List models for this configured provider instead of the app-server default.'),
  })
  .meta({ id: 'ModelListParams' }));
export type ModelListParams = z.infer<typeof ModelListParamsSchema>;

/** One reasoning effort a model accepts, with the text a picker shows for it. */
export const ReasoningEffortOptionSchema = lazySchema(() => z
  .object({ reasoningEffort: ReasoningEffortSchema, description: z.string() })
  .meta({ id: 'ReasoningEffortOption' }));
export type ReasoningEffortOption = z.infer<typeof ReasoningEffortOptionSchema>;

export const InputModalitySchema = lazySchema(() => z
  .enum(['text', 'image', 'audio'])
  .meta({ id: 'InputModality', description: 'Canonical user-input modality tags advertised by a model.' }));
export type InputModality = z.infer<typeof InputModalitySchema>;

export const MultiAgentVersionSchema = lazySchema(() => z
  .enum(['disabled', 'v1', 'v2'])
  .meta({ id: 'MultiAgentVersion', description: 'Multi-agent runtime supported by a model.' }));

export const ModelUpgradeInfoSchema = lazySchema(() => z
  .object({
    model: z.string(),
    upgradeCopy: z.string().nullable().optional(),
    modelLink: z.string().nullable().optional(),
    migrationMarkdown: z.string().nullable().optional(),
    retirementAt: Int64Schema.nullable()
      .optional()
      .describe("Informational Unix timestamp for this upgrade's scheduled retirement, if known."),
  })
  .meta({ id: 'ModelUpgradeInfo' }));

export const ModelAvailabilityNuxSchema = lazySchema(() => z.object({ message: z.string() }).meta({ id: 'ModelAvailabilityNux' }));

export const ModelServiceTierSchema = lazySchema(() => z
  .object({ id: z.string(), name: z.string(), description: z.string() })
  .meta({ id: 'ModelServiceTier' }));

export const CyberAccessProgramSchema = lazySchema(() => z.enum(['standard', 'daybreakBlue', 'daybreakRed']).meta({
  id: 'CyberAccessProgram',
  description:
    'Requested cyber treatment for an OpenAI model turn. Authorization and model-tier restrictions remain server-owned.',
}));

export const ModelAccessProgramsSchema = lazySchema(() => z
  .object({ cyber: z.array(CyberAccessProgramSchema).describe('Accepted explicit selections.') })
  .meta({ id: 'ModelAccessPrograms', description: 'Caller-specific explicit access programs advertised by model discovery.' }));

/**
 * A model a picker can offer. The server always writes every key (nulls and empty lists included), as the
 * reference does.
 */
export const ModelSchema = lazySchema(() => z
  .object({
    id: z.string(),
    model: z.string(),
    upgrade: z.string().nullable(),
    upgradeInfo: ModelUpgradeInfoSchema.nullable(),
    availabilityNux: ModelAvailabilityNuxSchema.nullable(),
    displayName: z.string(),
    description: z.string(),
    modelSpecialty: z.string().nullable(),
    hidden: z.boolean(),
    supportedReasoningEfforts: z.array(ReasoningEffortOptionSchema),
    defaultReasoningEffort: ReasoningEffortSchema,
    inputModalities: z.array(InputModalitySchema),
    supportsPersonality: z
      .boolean()
      .describe('@deprecated Always false; models no longer support personality selection.'),
    multiAgentVersion: MultiAgentVersionSchema.nullable().describe(
      'Multi-agent runtime declared by this model, when available.',
    ),
    additionalSpeedTiers: z.array(z.string()).describe('Deprecated: use `serviceTiers` instead.'),
    serviceTiers: z.array(ModelServiceTierSchema),
    defaultServiceTier: z
      .string()
      .nullable()
      .describe('Catalog default service tier id for this model, when one is configured.'),
    availableAccessPrograms: ModelAccessProgramsSchema.nullable().describe(
      'Null when the catalog does not provide access-program metadata.',
    ),
    isDefault: z.boolean(),
  })
  .meta({ id: 'Model' }));
export type Model = z.infer<typeof ModelSchema>;

export const ModelListResponseSchema = lazySchema(() => z
  .object({
    data: z.array(ModelSchema),
    nextCursor: z
      .string()
      .nullable()
      .describe(
        'Opaque cursor to pass to the next call to continue after the last item. If None, there are no more items to return.',
      ),
  })
  .meta({ id: 'ModelListResponse' }));
export type ModelListResponse = z.infer<typeof ModelListResponseSchema>;
