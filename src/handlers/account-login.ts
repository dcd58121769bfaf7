import { randomUUID } from 'node:crypto';
import { accountUpdate, type CodexAuth } from '../auth/codex-auth.js';
import { ActiveLogin } from '../auth/login/active-login.js';
import { BrowserLogin } from '../auth/login/browser-login.js';
import { DeviceCodeLogin } from '../auth/login/device-code-login.js';
import { DeviceCodeUnavailable, type ExchangedTokens } from '../auth/login/oauth-requests.js';
import { oauthSettings } from '../auth/login/oauth-settings.js';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type { LoginAccountParams, LoginAccountResponse } from '../protocol/v2/account.js';
import { clearBedrockSelection, loginWithBedrock } from './bedrock-login.js';
import { bindHandler } from './context.js';
import type { HandlerContext, RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/** A browser sign-in nobody finishes is abandoned after 10 minutes (the reference's `LOGIN_CHATGPT_TIMEOUT`). */
const BROWSER_LOGIN_TIMEOUT_MS = 10 * 60 * 1000;

/** `account/login/start`, `account/login/cancel` and `account/logout`, sharing the one pending sign-in. */
export function accountLoginHandlers(services: ServerServices): RequestHandler[] {
  const active = new ActiveLogin();
  return [accountLoginStartHandler(services, active), accountLoginCancelHandler(active), accountLogoutHandler(services, active)];
}

/**
 * `account/login/start` [observed from the reference 0.169.0]:
 * - `apiKey`: stored in auth.json (mode 0600) as `{"auth_mode":"apikey","OPENAI_API_KEY":…}`, replacing any login;
 * - `chatgptAuthTokens`: ChatGPT tokens the client manages, kept in memory; on a 401 the server asks a client for
 *   new ones (`account/chatgptAuthTokens/refresh`);
 * both answer, then `account/login/completed {loginId:null, success:true}` and `account/updated`, to every client.
 * - `chatgpt`: answers at once with `{loginId, authUrl}` for the client to open; the browser comes back to
 *   127.0.0.1:1455 (browser-login.ts);
 * - `chatgptDeviceCode`: answers with `{loginId, verificationUrl, userCode}` for the person to enter anywhere; the
 *   server polls (device-code-login.ts).
 * Those two end later with `account/login/completed {loginId, success, error}` and, on success, `account/updated`.
 * - `amazonBedrock` / `amazonBedrockAccessKeys`: Bedrock credentials in auth.json and the `amazon-bedrock` provider
 *   selected in config.toml (bedrock-login.ts); answered `{type: "amazonBedrock"}`, announced like an API key.
 *
 * Where we differ: after storing the tokens the reference asks the ChatGPT backend for workspace routing and, when
 * that fails, reports `success:false` with `workspace routing discovery failed` although auth.json was written
 * [observed with a fake issuer]; this server does not call that backend, so a stored login is a success.
 */
function accountLoginStartHandler(services: ServerServices, active: ActiveLogin): RequestHandler {
  return bindHandler(ClientRequests.accountLoginStart, async (params, context): Promise<LoginAccountResponse> => {
    switch (params.type) {
      case 'chatgpt':
        return startBrowserLogin(services, active, context);
      case 'chatgptDeviceCode':
        return startDeviceCodeLogin(services, active, context);
      default: {
        const auth = await completeLocalLogin(services, active, params);
        announce(services, context, auth);
        return responseOf(auth);
      }
    }
  });
}

/** A login completed within the request (no browser or device involved). */
type LocalLoginParams = Exclude<LoginAccountParams, { type: 'chatgpt' | 'chatgptDeviceCode' }>;

async function completeLocalLogin(services: ServerServices, active: ActiveLogin, params: LocalLoginParams): Promise<CodexAuth> {
  switch (params.type) {
    case 'apiKey':
      active.endAny();
      return services.auth.loginWithApiKey(params.apiKey);
    case 'chatgptAuthTokens':
      // A pending sign-in would otherwise overwrite the client's tokens with its own when it completes.
      active.endAny();
      return services.auth.loginWithChatgptTokens(params.accessToken, params.chatgptAccountId, params.chatgptPlanType);
    case 'amazonBedrock':
    case 'amazonBedrockAccessKeys': {
      const auth = await loginWithBedrock(services, params);
      active.endAny();
      return auth;
    }
  }
}

function responseOf(auth: CodexAuth): LoginAccountResponse {
  switch (auth.mode) {
    case 'apikey':
      return { type: 'apiKey' };
    case 'bedrockApiKey':
    case 'bedrockAccessKeys':
      return { type: 'amazonBedrock' };
    default:
      return { type: 'chatgptAuthTokens' };
  }
}

/**
 * The reference's refusals of a ChatGPT sign-in [observed]: while a client's tokens are in effect (they would hide
 * the stored login), and when `forced_login_method = "api"` in config.toml.
 */
function refuseSignIn(services: ServerServices): void {
  if (services.auth.usesClientTokens) {
    throw new RpcError(
      ErrorCode.InvalidRequest,
      'External auth is active. Use account/login/start (chatgptAuthTokens) to update it or account/logout to clear it.',
    );
  }
  if (services.config.config.forced_login_method === 'api') {
    throw new RpcError(ErrorCode.InvalidRequest, 'ChatGPT login is disabled. Use API key login instead.');
  }
}

function loginHttp(services: ServerServices) {
  return { fetch: services.fetch, env: services.env };
}

async function startBrowserLogin(services: ServerServices, active: ActiveLogin, context: HandlerContext): Promise<LoginAccountResponse> {
  refuseSignIn(services);
  const settings = oauthSettings(services.env);
  const origin = { issuer: settings.issuer, clientId: settings.clientId };
  let login: BrowserLogin;
  try {
    login = await BrowserLogin.start({
      settings,
      http: loginHttp(services),
      originator: context.caller.clientInfo?.name ?? 'codex_cli_rs',
      save: async (tokens, apiKey) => {
        await services.auth.saveChatgptLogin(tokens, apiKey, origin);
      },
    });
  } catch (error) {
    throw new RpcError(ErrorCode.InternalError, `failed to start login server: ${messageOf(error)}`);
  }
  const loginId = randomUUID();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    login.cancel();
  }, BROWSER_LOGIN_TIMEOUT_MS).unref();
  active.replace({ loginId, cancel: () => login.cancel() });
  context.log.info({ loginId, issuer: settings.issuer }, 'ChatGPT browser sign-in started');
  void login.done.then(
    () => reportCompletion(services, context, active, loginId, null),
    (error: unknown) =>
      reportCompletion(
        services,
        context,
        active,
        loginId,
        timedOut ? 'Login timed out' : `Login server error: ${messageOf(error)}`,
      ),
  ).finally(() => clearTimeout(timer));
  return { type: 'chatgpt', loginId, authUrl: login.authUrl };
}

async function startDeviceCodeLogin(
  services: ServerServices,
  active: ActiveLogin,
  context: HandlerContext,
): Promise<LoginAccountResponse> {
  refuseSignIn(services);
  const settings = oauthSettings(services.env);
  const origin = { issuer: settings.issuer, clientId: settings.clientId };
  let login: DeviceCodeLogin;
  try {
    login = await DeviceCodeLogin.start({
      settings,
      http: loginHttp(services),
      save: async (tokens: ExchangedTokens) => {
        await services.auth.saveChatgptLogin(tokens, null, origin);
      },
    });
  } catch (error) {
    if (error instanceof DeviceCodeUnavailable) throw new RpcError(ErrorCode.InvalidRequest, error.message);
    throw new RpcError(ErrorCode.InternalError, `failed to request device code: ${messageOf(error)}`);
  }
  const loginId = randomUUID();
  active.replace({ loginId, cancel: () => login.cancel() });
  context.log.info({ loginId, issuer: settings.issuer }, 'ChatGPT device-code sign-in started');
  void login.done.then(
    () => reportCompletion(services, context, active, loginId, null),
    (error: unknown) => reportCompletion(services, context, active, loginId, messageOf(error)),
  );
  return { type: 'chatgptDeviceCode', loginId, verificationUrl: login.verificationUrl, userCode: login.userCode };
}

/** `account/login/completed` for a sign-in that ended, then `account/updated` when it succeeded; logged either way. */
async function reportCompletion(
  services: ServerServices,
  context: HandlerContext,
  active: ActiveLogin,
  loginId: string,
  error: string | null,
): Promise<void> {
  active.finished(loginId);
  if (error === null) context.log.info({ loginId }, 'ChatGPT sign-in completed');
  else context.log.warn({ loginId, reason: error }, 'ChatGPT sign-in ended without a login');
  services.broadcaster.broadcast(ServerNotifications.accountLoginCompleted, {
    loginId,
    success: error === null,
    error,
    onboardingEntrypoint: null,
  });
  if (error === null) services.broadcaster.broadcast(ServerNotifications.accountUpdated, accountUpdate(await services.auth.current()));
}

/**
 * `account/login/cancel {loginId}` [observed]: `{status:"canceled"}` for the pending sign-in (which then reports
 * `account/login/completed` with `success:false`), `{status:"notFound"}` for any other id, and -32600
 * `invalid login id: <id>` for one that is not a UUID.
 */
function accountLoginCancelHandler(active: ActiveLogin): RequestHandler {
  return bindHandler(ClientRequests.accountLoginCancel, ({ loginId }) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(loginId)) {
      throw new RpcError(ErrorCode.InvalidRequest, `invalid login id: ${loginId}`);
    }
    return { status: active.cancel(loginId.toLowerCase()) };
  });
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
 * `account/logout`: ends a pending sign-in, forgets client tokens and deletes auth.json, then `account/updated`
 * with nulls to every client — also when nobody was logged in [observed]. When config.toml selects Amazon
 * Bedrock, that selection is removed too (bedrock-login.ts).
 */
function accountLogoutHandler(services: ServerServices, active: ActiveLogin): RequestHandler {
  return bindHandler(ClientRequests.accountLogout, async (_params, context) => {
    active.endAny();
    await services.auth.logout();
    await clearBedrockSelection(services);
    context.afterResponse(() => services.broadcaster.broadcast(ServerNotifications.accountUpdated, accountUpdate(null)));
    return {};
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
