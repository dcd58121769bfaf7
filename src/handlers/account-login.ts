import { accountUpdate, type CodexAuth } from '../auth/codex-auth.js';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type { LoginAccountParams } from '../protocol/v2/account.js';
import { bindHandler } from './context.js';
import type { HandlerContext, RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/** Why a login type is refused: each needs something this server does not have. */
const UNSUPPORTED_LOGINS: Readonly<Record<string, string>> = {
  chatgpt:
    'the browser login needs this server to exchange the OAuth code with auth.openai.com; sign in elsewhere and ' +
    'pass the tokens with type `chatgptAuthTokens`, or use type `apiKey`',
  chatgptDeviceCode:
    'the device-code login needs this server to reach auth.openai.com; sign in elsewhere and pass the tokens with ' +
    'type `chatgptAuthTokens`, or use type `apiKey`',
  amazonBedrock: 'this server does not talk to Amazon Bedrock',
  amazonBedrockAccessKeys: 'this server does not talk to Amazon Bedrock',
};

/**
 * `account/login/start` for the logins that complete locally [observed order: the response, then
 * `account/login/completed {loginId:null, success:true}`, then `account/updated {authMode, planType}`, both to every
 * client]:
 * - `apiKey`: stored in auth.json (mode 0600) as `{"auth_mode":"apikey","OPENAI_API_KEY":…}`, replacing any login;
 * - `chatgptAuthTokens`: ChatGPT tokens the client manages, kept in memory; on a 401 the server asks a client for
 *   new ones (`account/chatgptAuthTokens/refresh`).
 * The browser and device-code ChatGPT logins need auth.openai.com and Bedrock is not supported: -32601 with why.
 */
export function accountLoginStartHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.accountLoginStart, async (params, context) => {
    const auth = await startLogin(services, params);
    announce(services, context, auth);
    return auth.mode === 'apikey' ? { type: 'apiKey' as const } : { type: 'chatgptAuthTokens' as const };
  });
}

async function startLogin(services: ServerServices, params: LoginAccountParams): Promise<CodexAuth> {
  switch (params.type) {
    case 'apiKey':
      return services.auth.loginWithApiKey(params.apiKey);
    case 'chatgptAuthTokens':
      return services.auth.loginWithChatgptTokens(params.accessToken, params.chatgptAccountId, params.chatgptPlanType);
    default:
      throw new RpcError(
        ErrorCode.MethodNotFound,
        `account/login/start with type \`${params.type}\` is not supported yet: ${UNSUPPORTED_LOGINS[params.type] ?? ''}`,
      );
  }
}

function announce(services: ServerServices, context: HandlerContext, auth: CodexAuth): void {
  context.afterResponse(() => {
    services.broadcaster.broadcast(ServerNotifications.accountLoginCompleted, {
      loginId: null,
      success: true,
      error: null,
      onboardingEntrypoint: null,
    });
    services.broadcaster.broadcast(ServerNotifications.accountUpdated, accountUpdate(auth));
  });
}

/**
 * `account/logout`: forgets client-supplied tokens and deletes auth.json, then `account/updated` with nulls to every
 * client — also when nobody was logged in [observed].
 */
export function accountLogoutHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.accountLogout, async (_params, context) => {
    await services.auth.logout();
    context.afterResponse(() => services.broadcaster.broadcast(ServerNotifications.accountUpdated, accountUpdate(null)));
    return {};
  });
}
