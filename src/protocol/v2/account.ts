import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

export const GetAccountParamsSchema = lazySchema(() => z
  .object({
    refreshToken: z
      .boolean()
      .optional()
      .describe(
        '`true` requests a proactive token refresh before returning. In managed auth mode this triggers the normal ' +
          'refresh-token flow; in external auth mode it is ignored.',
      ),
  })
  .meta({ id: 'GetAccountParams' }));
export type GetAccountParams = z.infer<typeof GetAccountParamsSchema>;

export const PlanTypeSchema = lazySchema(() => z
  .enum([
    'free', 'go', 'plus', 'pro', 'prolite', 'promax', 'team', 'self_serve_business_prolite',
    'self_serve_business_usage_based', 'business', 'ent26', 'enterprise_cbp_automation',
    'enterprise_cbp_usage_based', 'enterprise', 'edu', 'edu_plus', 'edu_pro', 'sci', 'sci_plus', 'unknown',
  ])
  .meta({ id: 'PlanType' }));

/** How the server authenticates to its model provider, as far as a client needs to know. */
export const AccountSchema = lazySchema(() => z
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
  .meta({ id: 'Account' }));
export type Account = z.infer<typeof AccountSchema>;

export const GetAccountResponseSchema = lazySchema(() => z
  .object({
    account: AccountSchema.nullable(),
    userId: z.string().nullable().describe('ChatGPT user ID belonging to this account response, when available.'),
    requiresOpenaiAuth: z.boolean(),
    // Workspace routing comes from the ChatGPT backend's account check, which this server does not call.
    workspaceRouting: z.null(),
  })
  .meta({ id: 'GetAccountResponse' }));
export type GetAccountResponse = z.infer<typeof GetAccountResponseSchema>;

export const BedrockCheckGovCloudRequirementsParamsSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'BedrockCheckGovCloudRequirementsParams' }));

export const BedrockCheckGovCloudRequirementsResponseSchema = lazySchema(() => z
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
  }));
export type BedrockCheckGovCloudRequirementsResponse = z.infer<typeof BedrockCheckGovCloudRequirementsResponseSchema>;

export const BedrockDiscoverParamsSchema = lazySchema(() => z.object({}).meta({ id: 'BedrockDiscoverParams' }));

export const AwsCredentialTypeSchema = lazySchema(() => z.enum(['accessKeys', 'bedrockApiKey']).meta({ id: 'AwsCredentialType' }));

export const BedrockAwsProfileSchema = lazySchema(() => z
  .object({ name: z.string(), region: z.string().nullable().optional() })
  .meta({ id: 'BedrockAwsProfile' }));

export const BedrockEnvironmentCredentialSchema = lazySchema(() => z
  .object({ type: AwsCredentialTypeSchema, region: z.string().nullable().optional() })
  .meta({ id: 'BedrockEnvironmentCredential' }));

export const BedrockDiscoverResponseSchema = lazySchema(() => z
  .object({
    profiles: z.array(BedrockAwsProfileSchema),
    environmentCredentials: z.array(BedrockEnvironmentCredentialSchema),
  })
  .meta({ id: 'BedrockDiscoverResponse' }));
export type BedrockDiscoverResponse = z.infer<typeof BedrockDiscoverResponseSchema>;

export const BedrockSetupParamsSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('profile'), profile: z.string(), region: z.string() }),
    z.object({ type: z.literal('environment'), region: z.string() }),
  ])
  .meta({ id: 'BedrockSetupParams' }));
export type BedrockSetupParams = z.infer<typeof BedrockSetupParamsSchema>;

export const BedrockSetupResponseSchema = lazySchema(() => z.object({}).meta({ id: 'BedrockSetupResponse' }));

export const AuthModeSchema = lazySchema(() => z
  .enum([
    'apikey', 'chatgpt', 'chatgptAuthTokens', 'headers', 'agentIdentity', 'personalAccessToken', 'bedrockApiKey',
    'bedrockAccessKeys',
  ])
  .describe('Authentication mode for OpenAI-backed providers.')
  .meta({ id: 'AuthMode' }));
export type AuthMode = z.infer<typeof AuthModeSchema>;

export const LoginAppBrandSchema = lazySchema(() => z.enum(['codex', 'chatgpt']).meta({ id: 'LoginAppBrand' }));

export const LoginAccountParamsSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('apiKey'), apiKey: z.string() }),
    z.object({
      type: z.literal('chatgpt'),
      codexStreamlinedLogin: z.boolean().optional(),
      useHostedLoginSuccessPage: z.boolean().optional(),
      appBrand: LoginAppBrandSchema.nullable().optional(),
    }),
    z.object({ type: z.literal('chatgptDeviceCode') }),
    z.object({
      type: z.literal('chatgptAuthTokens'),
      accessToken: z
        .string()
        .describe('Access token (JWT) supplied by the client.\nThis token is used for backend API requests and email extraction.'),
      chatgptAccountId: z.string().describe('Workspace/account identifier supplied by the client.'),
      chatgptPlanType: z
        .string()
        .nullable()
        .optional()
        .describe(
          'Optional plan type supplied by the client.\n\nWhen `null`, Codex attempts to derive the plan type from ' +
            'access-token\nclaims. If unavailable, the plan defaults to `unknown`.',
        ),
    }),
    z.object({ type: z.literal('amazonBedrock'), apiKey: z.string(), region: z.string() }),
    z.object({
      type: z.literal('amazonBedrockAccessKeys'),
      accessKeyId: z.string(),
      secretAccessKey: z.string(),
      sessionToken: z.string().nullable().optional(),
      region: z.string(),
    }),
  ])
  .meta({ id: 'LoginAccountParams' }));
export type LoginAccountParams = z.infer<typeof LoginAccountParamsSchema>;

export const LoginAccountResponseSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('apiKey') }),
    z.object({
      type: z.literal('chatgpt'),
      loginId: z.string(),
      authUrl: z.string().describe('URL the client should open in a browser to initiate the OAuth flow.'),
    }),
    z.object({
      type: z.literal('chatgptDeviceCode'),
      loginId: z.string(),
      verificationUrl: z
        .string()
        .describe('URL the client should open in a browser to complete device code authorization.'),
      userCode: z.string().describe('One-time code the user must enter after signing in.'),
    }),
    z.object({ type: z.literal('chatgptAuthTokens') }),
    z.object({ type: z.literal('amazonBedrock') }),
  ])
  .meta({ id: 'LoginAccountResponse' }));
export type LoginAccountResponse = z.infer<typeof LoginAccountResponseSchema>;

export const CancelLoginAccountParamsSchema = lazySchema(() => z
  .object({ loginId: z.string() })
  .meta({ id: 'CancelLoginAccountParams' }));
export type CancelLoginAccountParams = z.infer<typeof CancelLoginAccountParamsSchema>;

export const CancelLoginAccountResponseSchema = lazySchema(() => z
  .object({ status: z.enum(['canceled', 'notFound']).meta({ id: 'CancelLoginAccountStatus' }) })
  .meta({ id: 'CancelLoginAccountResponse' }));
export type CancelLoginAccountResponse = z.infer<typeof CancelLoginAccountResponseSchema>;

export const LogoutAccountParamsSchema = lazySchema(() => z.object({}));
export const LogoutAccountResponseSchema = lazySchema(() => z.object({}).meta({ id: 'LogoutAccountResponse' }));

export const AccountUpdatedNotificationSchema = lazySchema(() => z
  .object({ authMode: AuthModeSchema.nullable(), planType: PlanTypeSchema.nullable() })
  .meta({ id: 'AccountUpdatedNotification' }));
export type AccountUpdatedNotification = z.infer<typeof AccountUpdatedNotificationSchema>;

export const AccountLoginCompletedNotificationSchema = lazySchema(() => z
  .object({
    loginId: z.string().nullable(),
    success: z.boolean(),
    error: z.string().nullable(),
    // Desktop onboarding only; a login started here never has one.
    onboardingEntrypoint: z.null(),
  })
  .meta({ id: 'AccountLoginCompletedNotification' }));
export type AccountLoginCompletedNotification = z.infer<typeof AccountLoginCompletedNotificationSchema>;

export const ChatgptAuthTokensRefreshParamsSchema = lazySchema(() => z
  .object({
    reason: z.enum(['unauthorized']).meta({ id: 'ChatgptAuthTokensRefreshReason' }),
    previousAccountId: z
      .string()
      .nullable()
      .optional()
      .describe(
        'Workspace/account identifier that Codex was previously using.\n\nClients that manage multiple ' +
          'accounts/workspaces can use this as a hint\nto refresh the token for the correct workspace.\n\nThis may ' +
          'be `null` when the prior auth state did not include a workspace\nidentifier (`chatgpt_account_id`).',
      ),
  })
  .meta({ id: 'ChatgptAuthTokensRefreshParams' }));
export type ChatgptAuthTokensRefreshParams = z.infer<typeof ChatgptAuthTokensRefreshParamsSchema>;

export const ChatgptAuthTokensRefreshResponseSchema = lazySchema(() => z
  .object({ accessToken: z.string(), chatgptAccountId: z.string(), chatgptPlanType: z.string().nullable() })
  .meta({ id: 'ChatgptAuthTokensRefreshResponse' }));
export type ChatgptAuthTokensRefreshResponse = z.infer<typeof ChatgptAuthTokensRefreshResponseSchema>;
