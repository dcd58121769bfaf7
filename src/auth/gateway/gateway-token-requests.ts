import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { statusLine } from '../../model/errors.js';
import { tokenEndpointErrorDetail } from '../login/oauth-requests.js';
import type { GatewayOAuthSettings } from './gateway-oauth-settings.js';
import type { StoredGatewayToken } from './gateway-token-store.js';

/**
 * The HTTP calls of a gateway sign-in, shaped as the reference 0.169.0 sends them [observed against a fake OAuth
 * server]: every call is a form-encoded POST (RFC 6749 and RFC 8628) with the parameters in the reference's order.
 */
export type GatewayFetch = typeof fetch;

/** The token endpoint (or device endpoint) answered with an OAuth error. `code` is its `error`, when it sent one. */
export class GatewayTokenEndpointError extends Error {
  readonly status: number;
  readonly code: string | null;
  constructor(status: number, code: string | null, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const TokenResponseSchema = lazySchema(() => z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  expires_in: z.number().nullish(),
}));

async function postForm(
  fetchImpl: GatewayFetch,
  url: string,
  fields: Record<string, string>,
  accept: string,
  signal: AbortSignal | undefined,
): Promise<{ status: number; text: string }> {
  const response = await fetchImpl(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
    ...(signal ? { signal } : {}),
  });
  return { status: response.status, text: await response.text() };
}

/** The body as JSON, or null when it is not JSON. */
function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function oauthErrorCode(text: string): string | null {
  const error = (jsonOrNull(text) as { error?: unknown } | null)?.error;
  return typeof error === 'string' ? error : null;
}

/** Tokens from a token endpoint answer; a refresh keeps the previous refresh token when the answer has none. */
function storedToken(text: string, previousRefreshToken: string | null): StoredGatewayToken {
  const parsed = TokenResponseSchema.safeParse(jsonOrNull(text));
  if (!parsed.success) throw new Error('the gateway token endpoint answered without an access_token');
  const { access_token, refresh_token, expires_in } = parsed.data;
  return {
    access_token,
    refresh_token: refresh_token ?? previousRefreshToken,
    expires_at: typeof expires_in === 'number' ? Math.floor(Date.now() / 1000) + Math.floor(expires_in) : null,
  };
}

async function tokenRequest(
  fetchImpl: GatewayFetch,
  settings: GatewayOAuthSettings,
  fields: Record<string, string>,
  accept: string,
  previousRefreshToken: string | null,
  signal?: AbortSignal,
): Promise<StoredGatewayToken> {
  const { status, text } = await postForm(fetchImpl, settings.tokenUrl, fields, accept, signal);
  if (status < 200 || status >= 300) {
    throw new GatewayTokenEndpointError(
      status,
      oauthErrorCode(text),
      `the gateway token endpoint answered ${statusLine(status)}: ${tokenEndpointErrorDetail(text)}`,
    );
  }
  return storedToken(text, previousRefreshToken);
}

/** `grant_type=authorization_code` with the PKCE verifier. */
export function exchangeGatewayCode(
  fetchImpl: GatewayFetch,
  settings: GatewayOAuthSettings,
  grant: { code: string; redirectUri: string; codeVerifier: string },
): Promise<StoredGatewayToken> {
  return tokenRequest(
    fetchImpl,
    settings,
    {
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code: grant.code,
      redirect_uri: grant.redirectUri,
      code_verifier: grant.codeVerifier,
    },
    '*/*',
    null,
  );
}

/** `grant_type=refresh_token`; the new tokens keep `refreshToken` when the gateway does not rotate it. */
export function refreshGatewayToken(
  fetchImpl: GatewayFetch,
  settings: GatewayOAuthSettings,
  refreshToken: string,
  signal?: AbortSignal,
): Promise<StoredGatewayToken> {
  return tokenRequest(
    fetchImpl,
    settings,
    { grant_type: 'refresh_token', client_id: settings.clientId, refresh_token: refreshToken },
    '*/*',
    refreshToken,
    signal,
  );
}

const DeviceAuthorizationSchema = lazySchema(() => z.looseObject({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.string().optional(),
  verification_url: z.string().optional(),
  // Required, as RFC 8628 says: the reference 0.169.0 refuses an answer without it [observed].
  expires_in: z.number(),
  interval: z.number().nullish(),
}));

/** What the person needs to approve a device sign-in, and what the server polls with. */
export interface GatewayDeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUrl: string;
  /** Seconds between polls (RFC 8628's default 5 when the gateway names none). */
  readonly intervalSeconds: number;
  /** Seconds until the code expires. */
  readonly expiresInSeconds: number;
}

/** The device authorization request (RFC 8628 §3.1): `scope` (when configured) and `client_id`. */
export async function requestGatewayDeviceAuthorization(
  fetchImpl: GatewayFetch,
  settings: GatewayOAuthSettings & { readonly deviceAuthorizationUrl: string },
  signal: AbortSignal,
): Promise<GatewayDeviceAuthorization> {
  const fields: Record<string, string> = {};
  if (settings.scopes.length > 0) fields.scope = settings.scopes.join(' ');
  fields.client_id = settings.clientId;
  const { status, text } = await postForm(fetchImpl, settings.deviceAuthorizationUrl, fields, 'application/json', signal);
  if (status < 200 || status >= 300) {
    throw new GatewayTokenEndpointError(
      status,
      oauthErrorCode(text),
      `the gateway device authorization endpoint answered ${statusLine(status)}: ${tokenEndpointErrorDetail(text)}`,
    );
  }
  const parsed = DeviceAuthorizationSchema.safeParse(jsonOrNull(text));
  if (!parsed.success) throw new Error('the gateway device authorization answer has no device_code and user_code');
  const verificationUrl = parsed.data.verification_uri ?? parsed.data.verification_url ?? '';
  if (!/^https?:\/\//i.test(verificationUrl) || !URL.canParse(verificationUrl)) {
    throw new Error('The gateway returned an invalid device verification URL');
  }
  return {
    deviceCode: parsed.data.device_code,
    userCode: parsed.data.user_code,
    verificationUrl,
    intervalSeconds: parsed.data.interval ?? 5,
    expiresInSeconds: parsed.data.expires_in,
  };
}

/**
 * One poll of the token endpoint for a device code (RFC 8628 §3.4): the tokens once approved, or the gateway's
 * OAuth error (`authorization_pending`, `slow_down`, `expired_token`, `access_denied`) as a
 * {@link GatewayTokenEndpointError}.
 */
export function pollGatewayDeviceToken(
  fetchImpl: GatewayFetch,
  settings: GatewayOAuthSettings,
  deviceCode: string,
  signal: AbortSignal,
): Promise<StoredGatewayToken> {
  return tokenRequest(
    fetchImpl,
    settings,
    { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: settings.clientId },
    'application/json',
    null,
    signal,
  );
}
