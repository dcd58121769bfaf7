import { createHash } from 'node:crypto';
import type { GatewayOAuthToml } from '../../config/schema.js';

/** How the gateway token travels on a model request: a header (`<scheme> <token>`) or a cookie (`<name>=<token>`). */
export type GatewayTokenDelivery =
  | { readonly kind: 'header'; readonly name: string; readonly scheme: string }
  | { readonly kind: 'cookie'; readonly name: string };

/** A provider's `gateway_oauth` table, with the reference's defaults filled in. */
export interface GatewayOAuthSettings {
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  /** Null when the administrator allowed only the browser sign-in. */
  readonly deviceAuthorizationUrl: string | null;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The browser sign-in's callback port on 127.0.0.1 (0 = any free port, for tests). */
  readonly redirectPort: number;
  readonly delivery: GatewayTokenDelivery;
}

/** A table that cannot drive a sign-in; its message is what the user sees. */
export class GatewayOAuthSettingsError extends Error {}

/**
 * The settings of `table`. The reference 0.169.0 requires an authorization URL, a token URL and a client id, and
 * sends the token as `Authorization: Bearer` unless `delivery` says otherwise [observed: a header named alone keeps
 * the `Bearer` scheme; a cookie is `Cookie: <name>=<token>`].
 */
export function gatewayOAuthSettings(table: GatewayOAuthToml): GatewayOAuthSettings {
  const required = (value: string | undefined, key: string): string => {
    if (value === undefined || value.trim() === '') throw new GatewayOAuthSettingsError(`gateway_oauth.${key} is required`);
    return value;
  };
  const delivery = table.delivery ?? {};
  return {
    authorizationUrl: required(table.authorization_url, 'authorization_url'),
    tokenUrl: required(table.token_url, 'token_url'),
    deviceAuthorizationUrl: table.device_authorization_url ?? null,
    clientId: required(table.client_id, 'client_id'),
    scopes: table.scopes ?? [],
    redirectPort: Number(table.redirect_port ?? 0),
    delivery:
      delivery.kind === 'cookie'
        ? { kind: 'cookie', name: required(delivery.name, 'delivery.name') }
        : { kind: 'header', name: delivery.name ?? 'Authorization', scheme: delivery.scheme ?? 'Bearer' },
  };
}

/**
 * The key a provider's tokens are stored under: one sign-in per CODEX_HOME, gateway and client, so providers that
 * share a gateway share its tokens, and a changed gateway configuration asks for a new sign-in. Built the way the
 * reference 0.169.0 names its stored gateway credentials (`provider-oauth|<sha-256>`).
 */
export function gatewayCredentialId(codexHome: string, settings: GatewayOAuthSettings): string {
  const digest = createHash('sha256');
  for (const part of [codexHome, settings.authorizationUrl, settings.tokenUrl, settings.clientId, '', ...settings.scopes]) {
    digest.update(part);
    digest.update(Buffer.from([0]));
  }
  return `provider-oauth|${digest.digest('hex')}`;
}

/** The header a model request carries for `accessToken`, name lower-cased. */
export function gatewayTokenHeader(delivery: GatewayTokenDelivery, accessToken: string): readonly [string, string] {
  if (delivery.kind === 'cookie') return ['cookie', `${delivery.name}=${accessToken}`];
  return [delivery.name.toLowerCase(), delivery.scheme === '' ? accessToken : `${delivery.scheme} ${accessToken}`];
}

/** The parameters a sign-in adds to the authorization URL itself. */
const SIGN_IN_PARAMETERS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'scope',
  'resource',
  'code_challenge',
  'code_challenge_method',
]);

/**
 * Why these settings cannot start a sign-in, in the reference 0.169.0's words [observed], or null: an
 * `authorization_url` that already carries one of the sign-in's own parameters would be ambiguous.
 */
export function signInSettingsProblem(settings: GatewayOAuthSettings): string | null {
  const url = new URL(settings.authorizationUrl);
  if ([...url.searchParams.keys()].some((name) => SIGN_IN_PARAMETERS.has(name))) {
    return 'provider OAuth authorization endpoint cannot include OAuth request parameters';
  }
  return null;
}
