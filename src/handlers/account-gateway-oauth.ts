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
    bindHandler(ClientRequests.accountGatewayOAuthLogin, (params) => {
      const { gatewayOAuth } = provider(params.modelProvider);
      if (gatewayOAuth === null) throw RpcErrors.badRequest('The selected provider does not use gateway OAuth');
      if (params.deviceAuth === true && gatewayOAuth.device_authorization_url === undefined) {
        throw RpcErrors.badRequest('The gateway does not support device authorization');
      }
      throw RpcErrors.notSupportedYet('account/gatewayOAuth/login');
    }),
    bindHandler(ClientRequests.accountGatewayOAuthCancel, () => ({})),
  ];
}
