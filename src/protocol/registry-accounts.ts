import { defineNotification, defineRequest } from './registry-types.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';
import { UnitParamsSchema } from './common.js';
import * as backend from './v2/account-backend.js';
import * as gateway from './v2/gateway-oauth.js';

/**
 * Account reads and actions answered from the ChatGPT backend (token usage, the security-setup reminder, workspace
 * messages, reset credits, the add-credits nudge) and sign-in to a model gateway's OAuth. Merged into ClientRequests by registry.ts.
 */
export const AccountRequests = {
  accountUsageRead: defineRequest(
    'account/usage/read',
    backend.GetAccountTokenUsageParamsSchema,
    backend.GetAccountTokenUsageResponseSchema,
  ),
  accountSecuritySetupRead: defineRequest(
    'account/securitySetup/read',
    backend.GetAccountSecuritySetupParamsSchema,
    backend.GetAccountSecuritySetupResponseSchema,
  ),
  accountWorkspaceMessagesRead: defineRequest(
    'account/workspaceMessages/read',
    backend.GetWorkspaceMessagesParamsSchema,
    backend.GetWorkspaceMessagesResponseSchema,
  ),
  accountRateLimitResetCreditConsume: defineRequest(
    'account/rateLimitResetCredit/consume',
    backend.ConsumeAccountRateLimitResetCreditParamsSchema,
    backend.ConsumeAccountRateLimitResetCreditResponseSchema,
  ),
  accountSendAddCreditsNudgeEmail: defineRequest(
    'account/sendAddCreditsNudgeEmail',
    backend.SendAddCreditsNudgeEmailParamsSchema,
    backend.SendAddCreditsNudgeEmailResponseSchema,
  ),
  accountGatewayOAuthRead: defineRequest(
    'account/gatewayOAuth/read',
    gateway.GatewayOAuthReadParamsSchema,
    gateway.GatewayOAuthReadResponseSchema,
  ),
  accountGatewayOAuthLogin: defineRequest(
    'account/gatewayOAuth/login',
    gateway.GatewayOAuthLoginParamsSchema,
    gateway.GatewayOAuthLoginResponseSchema,
  ),
  accountGatewayOAuthCancel: defineRequest(
    'account/gatewayOAuth/cancel',
    UnitParamsSchema,
    gateway.GatewayOAuthCancelResponseSchema,
  ),
} as const satisfies Record<string, RequestDefinition>;

/** Notifications of the account family: a gateway sign-in's status. Merged into ServerNotifications by registry.ts. */
export const AccountNotifications = {
  accountGatewayOAuthChanged: defineNotification('account/gatewayOAuth/changed', gateway.GatewayOAuthChangedNotificationSchema),
} as const satisfies Record<string, NotificationDefinition>;
