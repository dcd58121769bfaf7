import type { GatewayOAuthToml } from '../../config/schema.js';
import { ModelError } from '../../model/errors.js';
import type { GatewayTokenSource } from '../../model/provider.js';
import type { Logger } from '../../util/logger.js';
import { GatewayAuth, GatewaySignInRequired, type GatewayStatusSnapshot } from './gateway-auth.js';
import {
  gatewayCredentialId,
  gatewayOAuthSettings,
  GatewayOAuthSettingsError,
  gatewayTokenHeader,
} from './gateway-oauth-settings.js';
import type { GatewayFetch } from './gateway-token-requests.js';
import { GatewayTokenStore } from './gateway-token-store.js';

export interface GatewayCredentialsOptions {
  readonly codexHome: string;
  readonly log: Logger;
  /** Default: the global fetch. */
  readonly fetch?: GatewayFetch;
  /** Told of every provider's status changes (the server broadcasts them). */
  readonly onChange?: (providerId: string, snapshot: GatewayStatusSnapshot) => void;
}

/**
 * The gateway credentials of one CODEX_HOME: a {@link GatewayAuth} per provider that declares `gateway_oauth`,
 * made on first use and kept while its table stays the same (a changed table starts over, as a new gateway would).
 * Sign-in handlers and model requests share them, so a sign-in is used by the next request.
 */
export class GatewayCredentials {
  readonly #options: GatewayCredentialsOptions;
  readonly #store: GatewayTokenStore;
  readonly #byProvider = new Map<string, { readonly fingerprint: string; readonly auth: GatewayAuth }>();

  constructor(options: GatewayCredentialsOptions) {
    this.#options = options;
    this.#store = new GatewayTokenStore(options.codexHome);
  }

  /** The credentials of provider `providerId` whose `gateway_oauth` table is `table`. */
  forProvider(providerId: string, table: GatewayOAuthToml): GatewayAuth {
    const settings = gatewayOAuthSettings(table);
    const fingerprint = JSON.stringify(settings);
    const known = this.#byProvider.get(providerId);
    if (known !== undefined && known.fingerprint === fingerprint) return known.auth;
    const auth = new GatewayAuth({
      providerId,
      settings,
      credentialId: gatewayCredentialId(this.#options.codexHome, settings),
      store: this.#store,
      fetch: this.#options.fetch ?? fetch,
      log: this.#options.log,
      onChange: (id, snapshot) => this.#options.onChange?.(id, snapshot),
    });
    this.#byProvider.set(providerId, { fingerprint, auth });
    return auth;
  }

  /**
   * What a model request to this provider carries: the gateway token in the configured header or cookie. Without
   * a sign-in the request fails with the reference's "Gateway sign-in required…" message (not retried).
   */
  tokenSource(providerId: string, table: GatewayOAuthToml): GatewayTokenSource {
    return {
      header: async (signal) => {
        try {
          // Made here rather than with the client, so an incomplete table fails the request, not the turn's setup.
          const auth = this.forProvider(providerId, table);
          return gatewayTokenHeader(auth.settings.delivery, await auth.accessToken(signal));
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          if (error instanceof GatewaySignInRequired || error instanceof GatewayOAuthSettingsError) {
            throw new ModelError('other', error.message, { cause: error });
          }
          const reason = error instanceof Error ? error.message : String(error);
          throw new ModelError('other', `Gateway token refresh failed: ${reason}`, { cause: error });
        }
      },
    };
  }
}
