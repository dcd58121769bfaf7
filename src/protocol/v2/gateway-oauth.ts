import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/** Sign-in to a model gateway's own OAuth server: where the selected provider's credentials stand. */
export const GatewayOAuthStatusSchema = lazySchema(() => z
  .enum(['notReady', 'started', 'succeeded', 'failed'])
  .meta({ id: 'GatewayOAuthStatus' }));
export type GatewayOAuthStatus = z.infer<typeof GatewayOAuthStatusSchema>;

const modelProvider = lazySchema(() => z
  .string()
  .nullable()
  .optional()
  .describe('Defaults to the current provider when omitted.'));

export const GatewayOAuthReadParamsSchema = lazySchema(() => z
  .object({ modelProvider })
  .describe('Read credential readiness for a configured provider without starting browser login.')
  .meta({ id: 'GatewayOAuthReadParams' }));
export type GatewayOAuthReadParams = z.infer<typeof GatewayOAuthReadParamsSchema>;

export const GatewayOAuthReadResponseSchema = lazySchema(() => z
  .object({
    providerId: z.string(),
    providerName: z.string(),
    required: z.boolean().describe('Whether the selected provider uses gateway OAuth, even when already signed in.'),
    supportsDeviceAuth: z
      .boolean()
      .default(false)
      .describe('Whether the administrator configured a device authorization endpoint.'),
    status: GatewayOAuthStatusSchema.nullable()
      .optional()
      .describe('Null when the effective provider does not use gateway OAuth.'),
    error: z.string().nullable().optional(),
  })
  .describe('Current effective gateway policy and credential readiness; never contains credentials.')
  .meta({ id: 'GatewayOAuthReadResponse' }));
export type GatewayOAuthReadResponse = z.infer<typeof GatewayOAuthReadResponseSchema>;

export const GatewayOAuthLoginParamsSchema = lazySchema(() => z
  .object({
    modelProvider,
    deviceAuth: z.boolean().optional().describe('Select device authorization when the server advertises support for it.'),
  })
  .describe("Authorize a configured provider without changing the default or any thread's provider.")
  .meta({ id: 'GatewayOAuthLoginParams' }));
export type GatewayOAuthLoginParams = z.infer<typeof GatewayOAuthLoginParamsSchema>;

export const GatewayOAuthPromptSchema = lazySchema(() => z
  .object({ loginId: z.string(), userCode: z.string(), verificationUrl: z.string() })
  .meta({ id: 'GatewayOAuthPrompt' }));

export const GatewayOAuthLoginResponseSchema = lazySchema(() => z
  .object({ prompt: GatewayOAuthPromptSchema.nullable().optional() })
  .meta({ id: 'GatewayOAuthLoginResponse' }));
export type GatewayOAuthLoginResponse = z.infer<typeof GatewayOAuthLoginResponseSchema>;

export const GatewayOAuthCancelResponseSchema = lazySchema(() => z.object({}).meta({ id: 'GatewayOAuthCancelResponse' }));

export const GatewayOAuthChangedNotificationSchema = lazySchema(() => z
  .object({
    loginId: z.string().nullable().optional().describe('Identifies the completed device login attempt.'),
    authUrl: z
      .string()
      .nullable()
      .optional()
      .describe('Authorization handoff, sent only to the connection that started login.'),
    providerId: z.string(),
    status: GatewayOAuthStatusSchema,
    error: z.string().nullable().optional(),
  })
  .meta({ id: 'GatewayOAuthChangedNotification' }));
export type GatewayOAuthChangedNotification = z.infer<typeof GatewayOAuthChangedNotificationSchema>;
