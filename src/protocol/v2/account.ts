import * as z from 'zod';

export const GetAccountParamsSchema = z
  .object({
    refreshToken: z
      .boolean()
      .optional()
      .describe(
        '`true` requests a proactive token refresh before returning. In managed auth mode this triggers the normal ' +
          'refresh-token flow; in external auth mode it is ignored.',
      ),
  })
  .meta({ id: 'GetAccountParams' });
export type GetAccountParams = z.infer<typeof GetAccountParamsSchema>;

export const PlanTypeSchema = z
  .enum([
    'free', 'go', 'plus', 'pro', 'prolite', 'promax', 'team', 'self_serve_business_prolite',
    'self_serve_business_usage_based', 'business', 'ent26', 'enterprise_cbp_automation',
    'enterprise_cbp_usage_based', 'enterprise', 'edu', 'edu_plus', 'edu_pro', 'sci', 'sci_plus', 'unknown',
  ])
  .meta({ id: 'PlanType' });

/** How the server authenticates to its model provider, as far as a client needs to know. */
export const AccountSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('apiKey') }),
    z.object({
      type: z.literal('chatgpt'),
      email: z.string().nullable(),
      planType: PlanTypeSchema,
      workspaceName: z.string().nullable().optional().describe('Display name of the selected ChatGPT workspace, when available.'),
    }),
    z.object({ type: z.literal('amazonBedrock'), usesCodexManagedCredentials: z.boolean().optional() }),
    z.object({ type: z.literal('gcp') }).describe('Google Cloud Vertex AI with externally managed credentials.'),
  ])
  .meta({ id: 'Account' });
export type Account = z.infer<typeof AccountSchema>;

export const GetAccountResponseSchema = z
  .object({
    account: AccountSchema.nullable(),
    userId: z.string().nullable().describe('ChatGPT user ID belonging to this account response, when available.'),
    requiresOpenaiAuth: z.boolean(),
    // Workspace routing only exists for ChatGPT logins, which this server does not perform.
    workspaceRouting: z.null(),
  })
  .meta({ id: 'GetAccountResponse' });
export type GetAccountResponse = z.infer<typeof GetAccountResponseSchema>;

export const BedrockCheckGovCloudRequirementsParamsSchema = z
  .object({})
  .meta({ id: 'BedrockCheckGovCloudRequirementsParams' });

export const BedrockCheckGovCloudRequirementsResponseSchema = z
  .object({
    isGovCloud: z.boolean().describe('Whether the active Bedrock authentication resolves to a GovCloud region.'),
    shouldWarn: z
      .boolean()
      .describe(
        'Whether GovCloud is selected and the managed requirements miss the baseline. A false value is not a general ' +
          'certification of the network configuration.',
      ),
  })
  .meta({
    id: 'BedrockCheckGovCloudRequirementsResponse',
    description: 'Advisory check of the current Bedrock configuration after login or setup.',
  });
export type BedrockCheckGovCloudRequirementsResponse = z.infer<typeof BedrockCheckGovCloudRequirementsResponseSchema>;
