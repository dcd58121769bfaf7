import { ChatgptBackend, type ChatgptLogin } from '../auth/chatgpt-backend.js';
import { DEFAULT_CHATGPT_BASE_URL } from '../auth/chatgpt-usage.js';
import { threadCaller } from './caller.js';
import type { HandlerContext } from './context.js';
import type { ServerServices } from './services.js';

/** The ChatGPT backend (`chatgpt_base_url`) on behalf of `login`, with the caller's user agent; ends with the request. */
export function chatgptBackendFor(services: ServerServices, login: ChatgptLogin, context: HandlerContext): ChatgptBackend {
  return new ChatgptBackend(login, {
    chatgptBaseUrl: services.config.config.chatgpt_base_url ?? DEFAULT_CHATGPT_BASE_URL,
    userAgent: threadCaller(context).userAgent,
    fetch: services.fetch,
    signal: context.signal,
  });
}
