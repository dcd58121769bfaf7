import { defineRequest } from './registry-types.js';
import type { RequestDefinition } from './registry-types.js';
import * as backend from './v2/account-backend.js';

/**
 * Account reads and actions answered from the ChatGPT backend (token usage, the security-setup reminder, workspace
 * messages, reset credits, the add-credits nudge). Merged into ClientRequests by registry.ts.
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
} as const satisfies Record<string, RequestDefinition>;
