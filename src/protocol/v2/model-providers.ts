import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/*
 * `modelProvider/list` and `modelProvider/capabilities/read`: the providers a client may pick and what the
 * default one can do, as the reference's 0.169.0 JSON Schema names them.
 */

export const ModelProviderListParamsSchema = lazySchema(() => z.object({}).meta({ id: 'ModelProviderListParams' }));
export type ModelProviderListParams = z.infer<typeof ModelProviderListParamsSchema>;

export const GatewayAuthSchema = lazySchema(() => z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('none').meta({ title: 'NoneGatewayAuthMode' }) }).meta({ title: 'NoneGatewayAuth' }),
    z.object({ envKey: z.string(), mode: z.literal('environmentVariable') }),
    z
      .object({
        envKey: z.string().nullable().optional(),
        mode: z.literal('externallyConfigured').meta({ title: 'ModeGatewayAuthMode' }),
      })
      .meta({
        title: 'ModeGatewayAuth',
        description: 'Authentication is configured outside the gateway form. Preserve it on edits.',
      }),
  ])
  .meta({ id: 'GatewayAuth' }));
export type GatewayAuth = z.infer<typeof GatewayAuthSchema>;

export const ProviderSettingsSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z
      .object({ type: z.literal('openai').meta({ title: 'OpenaiProviderSettingsType' }) })
      .meta({ title: 'OpenaiProviderSettings' }),
    z
      .object({
        auth: GatewayAuthSchema,
        type: z.literal('customGateway').meta({ title: 'CustomGatewayProviderSettingsType' }),
      })
      .meta({ title: 'CustomGatewayProviderSettings' }),
    z
      .object({
        profile: z.string().nullable().optional(),
        region: z.string().nullable().optional(),
        type: z.literal('bedrock').meta({ title: 'BedrockProviderSettingsType' }),
      })
      .meta({ title: 'BedrockProviderSettings' }),
    z
      .object({
        credentialFile: z
          .string()
          .nullable()
          .optional()
          .describe('Path on the app-server host, without credential-file contents.'),
        location: z.string().nullable().optional(),
        projectId: z.string().nullable().optional(),
        type: z.literal('gcp').meta({ title: 'GcpProviderSettingsType' }),
      })
      .meta({ title: 'GcpProviderSettings' }),
  ])
  .meta({ id: 'ProviderSettings' }));
export type ProviderSettings = z.infer<typeof ProviderSettingsSchema>;

export const ModelProviderSummarySchema = lazySchema(() => z
  .object({
    baseUrl: z
      .string()
      .nullable()
      .optional()
      .describe('Null when the endpoint is absent or cannot be safely displayed.'),
    canEdit: z.boolean().describe('Whether a supported configuration field can be edited in the active user layer.'),
    id: z.string(),
    name: z.string(),
    settings: ProviderSettingsSchema,
  })
  .meta({ id: 'ModelProviderSummary' }));
export type ModelProviderSummary = z.infer<typeof ModelProviderSummarySchema>;

export const ModelProviderListResponseSchema = lazySchema(() => z
  .object({
    canChangeDefault: z.boolean(),
    data: z.array(ModelProviderSummarySchema),
    defaultProviderId: z.string(),
  })
  .meta({ id: 'ModelProviderListResponse' }));
export type ModelProviderListResponse = z.infer<typeof ModelProviderListResponseSchema>;

export const ModelProviderCapabilitiesReadParamsSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'ModelProviderCapabilitiesReadParams' }));
export type ModelProviderCapabilitiesReadParams = z.infer<typeof ModelProviderCapabilitiesReadParamsSchema>;

export const ModelProviderCapabilitiesReadResponseSchema = lazySchema(() => z
  .object({ imageGeneration: z.boolean(), webSearch: z.boolean() })
  .meta({ id: 'ModelProviderCapabilitiesReadResponse' }));
export type ModelProviderCapabilitiesReadResponse = z.infer<typeof ModelProviderCapabilitiesReadResponseSchema>;

export const BedrockProviderIdSchema = lazySchema(() => z.enum(['amazon-bedrock', 'amazon-bedrock-runtime']).meta({ id: 'BedrockProviderId' }));
export const GcpProviderIdSchema = lazySchema(() => z.enum(['gcp']).meta({ id: 'GcpProviderId' }));

export const ProviderSettingsPatchSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z
      // Declared in the reference's field order, which its `unknown field` error lists [observed].
      .strictObject({
        providerId: z.string().nullable().optional().describe('Omit or pass null to allocate a new custom provider ID.'),
        name: z.string().optional(),
        baseUrl: z.string().nullable().optional(),
        envKey: z.string().nullable().optional(),
        type: z.literal('customGateway').meta({ title: 'CustomGatewayProviderSettingsPatchType' }),
      })
      .meta({ title: 'CustomGatewayProviderSettingsPatch' }),
    z
      .strictObject({
        providerId: BedrockProviderIdSchema,
        profile: z.string().nullable().optional(),
        region: z.string().nullable().optional(),
        type: z.literal('bedrock').meta({ title: 'BedrockProviderSettingsPatchType' }),
      })
      .meta({ title: 'BedrockProviderSettingsPatch', description: 'AWS configuration fields for built-in Bedrock providers.' }),
    z
      .strictObject({
        providerId: GcpProviderIdSchema,
        projectId: z.string().nullable().optional(),
        location: z.string().nullable().optional(),
        credentialFile: z.string().nullable().optional(),
        type: z.literal('gcp').meta({ title: 'GcpProviderSettingsPatchType' }),
      })
      .meta({
        title: 'GcpProviderSettingsPatch',
        description: 'GCP configuration fields. Credential-file paths refer to the app-server host.',
      }),
  ])
  .meta({
    id: 'ProviderSettingsPatch',
    description: 'Omitted patch fields preserve their values. Explicit null clears a nullable field.',
  }));
export type ProviderSettingsPatch = z.infer<typeof ProviderSettingsPatchSchema>;

export const ModelProviderConfigWriteParamsSchema = lazySchema(() => z
  .strictObject({ settings: ProviderSettingsPatchSchema })
  .meta({ id: 'ModelProviderConfigWriteParams' }));
export type ModelProviderConfigWriteParams = z.infer<typeof ModelProviderConfigWriteParamsSchema>;

export const ModelProviderConfigWriteResponseSchema = lazySchema(() => z
  .object({ provider: ModelProviderSummarySchema })
  .meta({ id: 'ModelProviderConfigWriteResponse' }));
export type ModelProviderConfigWriteResponse = z.infer<typeof ModelProviderConfigWriteResponseSchema>;
