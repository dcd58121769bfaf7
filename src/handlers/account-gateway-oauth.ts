import { randomUUID } from 'node:crypto';
import { GatewayAuth, GATEWAY_SIGN_IN_FAILED, GatewaySignInFailed } from '../auth/gateway/gateway-auth.js';
import { GatewayOAuthSettingsError, signInSettingsProblem } from '../auth/gateway/gateway-oauth-settings.js';
import { INVALID_CONFIG_SUMMARY } from '../config/load.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type { GatewayOAuthLoginResponse } from '../protocol/v2/gateway-oauth.js';
import { gatewayProvider } from '../runtime/gateway-oauth/gateway-providers.js';
import type { GatewayProvider } from '../runtime/gateway-oauth/gateway-providers.js';
import { bindHandler, DeferredResult } from './context.js';
import type { HandlerContext, RequestHandler } from './context.js';
import { asProviderNotConfigured } from './model-list.js';
import type { ServerServices } from './services.js';

/** The one gateway sign-in a server runs at a time, and the connection that started it (only it may cancel). */
interface ActiveSignIn {
  readonly owner: number;
  readonly abort: AbortController;
  /** Settles once the sign-in has ended and released its slot. */
  readonly finished: Promise<void>;
}

/**
 * `account/gatewayOAuth/read|login|cancel`: sign-in to a model gateway that wants a token from its own OAuth server
 * (a provider with a `gateway_oauth` table), as the reference 0.169.0 answers [observed].
 *
 * `read` reports whether the provider (the one named, else the one new threads use) needs gateway sign-in, whether
 * device authorization is allowed, and where its credentials stand. `login` runs one sign-in at a time:
 * - the browser flow answers only when it ends: `{prompt: null}` once the tokens are stored, else -32603 with the
 *   reason. Meanwhile the calling connection gets `account/gatewayOAuth/changed` with the `authUrl` to open, and
 *   every connection the status (`started`, then `succeeded` or `failed`);
 * - the device flow (`deviceAuth: true`) answers at once with `{prompt: {loginId, verificationUrl, userCode}}`
 *   and polls; at the end the calling connection gets `changed` with the `loginId`, and every connection the status.
 * `cancel` ends the pending sign-in of the calling connection (answering once it has ended); closing that
 * connection ends it too.
 */
export function gatewayOAuthHandlers(services: ServerServices): RequestHandler[] {
  let active: ActiveSignIn | null = null;

  const provider = (requested: string | null | undefined): GatewayProvider => {
    // The reference loads the configuration afresh for these methods, so an unusable config.toml is an error
    // here rather than the defaults the server started with.
    const unusable = services.config.warnings.find((warning) => warning.summary === INVALID_CONFIG_SUMMARY);
    if (unusable !== undefined) throw RpcErrors.badRequest(`failed to load configuration: ${unusable.details ?? ''}`);
    try {
      return gatewayProvider(services.config.config, requested);
    } catch (error) {
      throw asProviderNotConfigured(error);
    }
  };
  const credentials = (id: string, table: NonNullable<GatewayProvider['gatewayOAuth']>): GatewayAuth => {
    try {
      return services.gatewayCredentials.forProvider(id, table);
    } catch (error) {
      if (error instanceof GatewayOAuthSettingsError) throw RpcErrors.badRequest(error.message);
      throw error;
    }
  };

  /** Claims the sign-in slot for the calling connection; the returned function releases it. */
  const claim = (context: HandlerContext): { abort: AbortController; release: () => void } => {
    if (active !== null) throw RpcErrors.badRequest('Gateway sign-in is already in progress');
    const abort = new AbortController();
    let release: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      release = () => {
        if (active?.abort === abort) active = null;
        resolve();
      };
    });
    active = { owner: context.caller.connectionId, abort, finished };
    context.channel.onClose(() => abort.abort());
    return { abort, release };
  };

  return [
    bindHandler(ClientRequests.accountGatewayOAuthRead, async (params) => {
      const { id, name, gatewayOAuth } = provider(params.modelProvider);
      const snapshot = gatewayOAuth === null ? null : await credentials(id, gatewayOAuth).currentStatus();
      return {
        providerId: id,
        providerName: name,
        required: gatewayOAuth !== null,
        supportsDeviceAuth: gatewayOAuth?.device_authorization_url !== undefined,
        status: snapshot?.status ?? null,
        error: snapshot?.error ?? null,
      };
    }),
    bindHandler(ClientRequests.accountGatewayOAuthLogin, async (params, context) => {
      if (active !== null) throw RpcErrors.badRequest('Gateway sign-in is already in progress');
      const { id, gatewayOAuth } = provider(params.modelProvider);
      if (gatewayOAuth === null) throw RpcErrors.badRequest('The selected provider does not use gateway OAuth');
      // A provider that also authenticates with the Codex login (its token then in a cookie or another header)
      // wants that login first.
      const table = services.config.config.model_providers?.[id];
      const ownCredential = table?.env_key !== undefined || table?.experimental_bearer_token !== undefined;
      if (table?.requires_openai_auth === true && !ownCredential && (await services.auth.current()) === null) {
        throw RpcErrors.badRequest('Sign in to your primary account before signing in to the gateway');
      }
      if (params.deviceAuth === true && gatewayOAuth.device_authorization_url === undefined) {
        throw RpcErrors.badRequest('The gateway does not support device authorization');
      }
      const auth = credentials(id, gatewayOAuth);
      const problem = signInSettingsProblem(auth.settings);
      if (problem !== null) throw RpcErrors.internal(problem);
      const slot = claim(context);
      try {
        return params.deviceAuth === true
          ? await startDeviceSignIn(auth, slot, context)
          : await startBrowserSignIn(auth, slot, context);
      } catch (error) {
        slot.release();
        auth.publish('failed', GATEWAY_SIGN_IN_FAILED);
        context.log.warn({ provider: id, reason: error instanceof Error ? error.message : String(error) }, 'gateway sign-in could not start');
        throw RpcErrors.internal(GATEWAY_SIGN_IN_FAILED, error);
      }
    }),
    bindHandler(ClientRequests.accountGatewayOAuthCancel, async (_params, context) => {
      const current = active;
      if (current === null) return {};
      if (current.owner !== context.caller.connectionId) {
        throw RpcErrors.badRequest('Gateway sign-in belongs to another connection');
      }
      current.abort.abort();
      await current.finished;
      return {};
    }),
  ];
}

type Slot = { readonly abort: AbortController; readonly release: () => void };

/** The message a failed sign-in reports. */
function failureMessage(error: unknown): string {
  return error instanceof GatewaySignInFailed ? error.message : GATEWAY_SIGN_IN_FAILED;
}

async function startBrowserSignIn(
  auth: GatewayAuth,
  slot: Slot,
  context: HandlerContext,
): Promise<DeferredResult<GatewayOAuthLoginResponse>> {
  const pending = await auth.startBrowserSignIn(slot.abort.signal);
  context.channel.notify(ServerNotifications.accountGatewayOAuthChanged, {
    loginId: null,
    authUrl: pending.authUrl,
    providerId: auth.providerId,
    status: 'started',
    error: null,
  });
  auth.publish('started', null);
  context.log.info({ provider: auth.providerId }, 'gateway browser sign-in started');
  const settled = pending.done.then(
    () => {
      slot.release();
      // The answer goes first, then the status every connection hears [observed].
      setImmediate(() => auth.publish('succeeded', null));
      return { prompt: null };
    },
    (error: unknown) => {
      slot.release();
      const message = failureMessage(error);
      setImmediate(() => auth.publish('failed', message));
      throw RpcErrors.internal(message, error);
    },
  );
  return new DeferredResult(settled);
}

async function startDeviceSignIn(auth: GatewayAuth, slot: Slot, context: HandlerContext): Promise<GatewayOAuthLoginResponse> {
  auth.publish('started', null);
  const pending = await auth.startDeviceSignIn(slot.abort.signal);
  const loginId = randomUUID();
  context.log.info({ provider: auth.providerId, loginId }, 'gateway device sign-in started');
  const report = (error: string | null) => {
    slot.release();
    const status = error === null ? 'succeeded' : 'failed';
    context.channel.notify(ServerNotifications.accountGatewayOAuthChanged, {
      loginId,
      authUrl: null,
      providerId: auth.providerId,
      status,
      error,
    });
    auth.publish(status, error);
  };
  void pending.done.then(
    () => report(null),
    (error: unknown) => report(failureMessage(error)),
  );
  const { verificationUrl, userCode } = pending.authorization;
  return { prompt: { loginId, verificationUrl, userCode } };
}
