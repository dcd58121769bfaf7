import { INVALID_CONFIG_SUMMARY } from '../config/load.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { gatewayProvider } from '../runtime/gateway-oauth/gateway-providers.js';
import type { GatewayProvider } from '../runtime/gateway-oauth/gateway-providers.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import { asProviderNotConfigured } from './model-list.js';
import type { ServerServices } from './services.js';

/**
 * `account/gatewayOAuth/read|login|cancel`: sign-in to a model gateway that wants a token from its own OAuth server
 * (a provider with a `gateway_oauth` table), as the reference 0.169.0 answers [observed].
 *
 * `read` reports whether the provider (the one named, else the one new threads use) needs gateway sign-in, and
 * whether the administrator allowed device authorization. This server cannot sign in to a gateway yet, so such a
 * provider's credentials are always `notReady`, `login` refuses what the reference refuses and answers "not
 * supported" where the reference would open the OAuth flow, and `cancel` has no sign-in to cancel.
 */
export function gatewayOAuthHandlers(services: ServerServices): RequestHandler[] {
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
  return [
    bindHandler(ClientRequests.accountGatewayOAuthRead, (params) => {
      const { id, name, gatewayOAuth } = provider(params.modelProvider);
      return {
        providerId: id,
        providerName: name,
        required: gatewayOAuth !== null,
        supportsDeviceAuth: gatewayOAuth?.device_authorization_url !== undefined,
        status: gatewayOAuth === null ? null : ('notReady' as const),
        error: null,
      };
    }),
    bindHandler(ClientRequests.accountGatewayOAuthLogin, async (params) => {
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
      throw RpcErrors.notSupportedYet('account/gatewayOAuth/login');
    }),
    bindHandler(ClientRequests.accountGatewayOAuthCancel, () => ({})),
  ];
}
