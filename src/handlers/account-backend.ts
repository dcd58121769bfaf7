import {
  consumeRateLimitResetCredit,
  readSecuritySetupNotice,
  readThreadUsage,
  readTokenUsageProfile,
  readWorkspaceMessages,
  sendAddCreditsNudgeEmail,
  WorkspaceMessageTimestampError,
} from '../auth/chatgpt-account-backend.js';
import { BackendRequestError, BackendTimeoutError, withTimeout, type ChatgptBackend } from '../auth/chatgpt-backend.js';
import { isChatgptAuth } from '../auth/codex-auth.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { chatgptBackendFor } from './chatgpt-backend-for.js';
import { bindHandler } from './context.js';
import type { HandlerContext, RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/** How long each backend read may take before the request fails with the reference's "… timed out" text. */
const TOKEN_USAGE_TIMEOUT_MS = 30_000;
const WORKSPACE_MESSAGES_TIMEOUT_MS = 30_000;
const SECURITY_SETUP_TIMEOUT_MS = 10_000;
const RESET_CONSUME_TIMEOUT_MS = 10_000;

/**
 * The account methods answered from the ChatGPT backend (see auth/chatgpt-account-backend.ts for the endpoints).
 * Each needs a ChatGPT login: without any login they answer -32600 `codex account authentication required to
 * <purpose>`, with an API key -32600 `chatgpt authentication required to <purpose>`; a backend failure is -32603
 * `failed to <action>: <why>` [all observed on 0.169.0]. `account/securitySetup/read` is advisory and answers
 * `{notice: null}` instead of any of those errors.
 */
export function accountBackendHandlers(services: ServerServices): RequestHandler[] {
  const backendFor = async (context: HandlerContext, purpose: string): Promise<ChatgptBackend> => {
    const auth = await services.auth.current();
    if (auth === null) throw RpcErrors.badRequest(`codex account authentication required ${purpose}`);
    if (!isChatgptAuth(auth)) throw RpcErrors.badRequest(`chatgpt authentication required ${purpose}`);
    return chatgptBackendFor(services, auth, context);
  };

  return [
    bindHandler(ClientRequests.accountUsageRead, async (params, context) => {
      // The thread id is checked before the login [observed].
      const threadId = params.threadId === undefined || params.threadId === null ? null : threadIdParam(params.threadId);
      const backend = await backendFor(context, 'to read token usage');
      if (threadId !== null) {
        const threadUsage = await failingAs('failed to fetch thread usage', () =>
          withTimeout(TOKEN_USAGE_TIMEOUT_MS, 'thread usage fetch timed out', (signal) =>
            readThreadUsage(backend, threadId, signal),
          ),
        );
        return {
          summary: {
            lifetimeTokens: null,
            peakDailyTokens: null,
            longestRunningTurnSec: null,
            currentStreakDays: null,
            longestStreakDays: null,
          },
          dailyUsageBuckets: null,
          threadUsage,
        };
      }
      return failingAs('failed to fetch token usage profile', () =>
        withTimeout(TOKEN_USAGE_TIMEOUT_MS, 'token usage profile fetch timed out', (signal) =>
          readTokenUsageProfile(backend, signal),
        ),
      );
    }),

    bindHandler(ClientRequests.accountSecuritySetupRead, async (_params, context) => {
      const auth = await services.auth.current();
      if (!isChatgptAuth(auth)) return { notice: null };
      const backend = await backendFor(context, 'to read security setup');
      const notice = await withTimeout(SECURITY_SETUP_TIMEOUT_MS, 'security setup fetch timed out', (signal) =>
        readSecuritySetupNotice(backend, auth, signal),
      ).catch((error: unknown) => {
        if (error instanceof BackendTimeoutError) return null;
        throw error;
      });
      return { notice };
    }),

    bindHandler(ClientRequests.accountWorkspaceMessagesRead, async (_params, context) => {
      const backend = await backendFor(context, 'to read workspace messages');
      try {
        return await failingAs('failed to fetch workspace messages', () =>
          withTimeout(WORKSPACE_MESSAGES_TIMEOUT_MS, 'workspace messages fetch timed out', (signal) =>
            readWorkspaceMessages(backend, signal),
          ),
        );
      } catch (error) {
        if (error instanceof WorkspaceMessageTimestampError) throw RpcErrors.internal(error.message, error);
        throw error;
      }
    }),

    bindHandler(ClientRequests.accountRateLimitResetCreditConsume, async (params, context) => {
      if (params.idempotencyKey === '') throw RpcErrors.badRequest('idempotencyKey must not be empty');
      if (params.creditId === '') throw RpcErrors.badRequest('creditId must not be empty');
      const backend = await backendFor(context, 'for rate limit reset credits');
      const outcome = await failingAs('failed to consume rate limit reset', () =>
        withTimeout(RESET_CONSUME_TIMEOUT_MS, 'rate limit reset consume timed out', (signal) =>
          consumeRateLimitResetCredit(
            backend,
            { idempotencyKey: params.idempotencyKey, creditId: params.creditId ?? null },
            signal,
          ),
        ),
      );
      return { outcome };
    }),

    bindHandler(ClientRequests.accountSendAddCreditsNudgeEmail, async (params, context) => {
      const backend = await backendFor(context, 'to notify workspace owner');
      const status = await failingAs('failed to notify workspace owner', () =>
        sendAddCreditsNudgeEmail(backend, params.creditType),
      );
      return { status };
    }),
  ];
}

/**
 * Runs a backend call, turning its failure into the reference's -32603: `<prefix>: <why>` for a failed request, the
 * bare "… timed out" text for a timeout.
 */
async function failingAs<T>(prefix: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BackendTimeoutError) throw RpcErrors.internal(error.message, error);
    if (error instanceof BackendRequestError) throw RpcErrors.internal(`${prefix}: ${error.message}`, error);
    throw error;
  }
}
