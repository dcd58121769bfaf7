import { DEFAULT_CHATGPT_BASE_URL, readChatgptRateLimits, UsageFetchError } from '../auth/chatgpt-usage.js';
import { isChatgptAuth } from '../auth/codex-auth.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `account/rateLimits/read`: the ChatGPT backend's usage for a ChatGPT login (see chatgpt-usage.ts), requested with
 * the caller's user agent. Without a login: -32600 `codex account authentication required to read rate limits`;
 * with an API key or a Bedrock login: -32600 `chatgpt authentication required to read rate limits`; a failed fetch: -32603
 * `failed to fetch codex rate limits: …` [all observed].
 */
export function accountRateLimitsReadHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.accountRateLimitsRead, async (_params, context) => {
    const auth = await services.auth.current();
    if (auth === null) throw RpcErrors.badRequest('codex account authentication required to read rate limits');
    if (!isChatgptAuth(auth)) throw RpcErrors.badRequest('chatgpt authentication required to read rate limits');
    try {
      return await readChatgptRateLimits(auth, {
        chatgptBaseUrl: services.config.config.chatgpt_base_url ?? DEFAULT_CHATGPT_BASE_URL,
        userAgent: threadCaller(context).userAgent,
        fetch: services.fetch,
        signal: context.signal,
      });
    } catch (error) {
      if (error instanceof UsageFetchError) throw RpcErrors.internal(error.message, error);
      throw error;
    }
  });
}
