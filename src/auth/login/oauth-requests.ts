import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { describeConnectionFailure } from '../../net/connection-failure.js';
import { statusLine } from '../../model/errors.js';

/**
 * The HTTP calls of the ChatGPT sign-in, shaped as the reference 0.169.0 sends them [observed against a fake
 * issuer]: form-encoded `POST <issuer>/oauth/token` for the code exchange and the API-key token exchange, JSON for
 * the device-code endpoints and the refresh. Error messages keep the reference's wording and add what to check.
 */
export interface OauthHttp {
  readonly fetch: typeof fetch;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The issuer could not be reached at all (as opposed to answering with an error). */
export class OauthTransportError extends Error {}

const ISSUER_SETTING =
  'the sign-in issuer (https://auth.openai.com unless CODEX_APP_SERVER_LOGIN_ISSUER or, for refreshes, ' +
  'CODEX_REFRESH_TOKEN_URL_OVERRIDE says otherwise)';

/** `error sending request for url (<url>)` — reqwest's words, which the reference shows — then why. */
function transportError(error: unknown, url: string, http: OauthHttp): OauthTransportError {
  const failure = describeConnectionFailure(error, url, ISSUER_SETTING, http.env);
  return new OauthTransportError(`error sending request for url (${url}): ${failure.explanation}`, { cause: error });
}

async function post(http: OauthHttp, url: string, contentType: string, body: string, signal?: AbortSignal): Promise<Response> {
  try {
    return await http.fetch(url, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: '*/*' },
      body,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw transportError(error, url, http);
  }
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** The most useful text of a token endpoint's error body: `error_description`, `error.message`, `error`, or the body. */
export function tokenEndpointErrorDetail(body: string): string {
  const trimmed = body.trim();
  if (trimmed === '') return 'unknown error';
  try {
    const json = JSON.parse(trimmed) as Record<string, unknown>;
    const error = json.error;
    if (typeof json.error_description === 'string' && json.error_description.trim() !== '') return json.error_description;
    if (error !== null && typeof error === 'object') {
      const message = (error as Record<string, unknown>).message;
      if (typeof message === 'string' && message.trim() !== '') return message;
      const code = (error as Record<string, unknown>).code;
      if (typeof code === 'string' && code.trim() !== '') return code;
    }
    if (typeof error === 'string' && error.trim() !== '') return error;
  } catch {
    // Not JSON: the body itself says what went wrong.
  }
  return trimmed;
}

const TokensSchema = lazySchema(() => z.looseObject({ id_token: z.string(), access_token: z.string(), refresh_token: z.string() }));
export type ExchangedTokens = z.infer<typeof TokensSchema>;

/** The PKCE code exchange: `grant_type=authorization_code`. */
export async function exchangeCodeForTokens(
  http: OauthHttp,
  request: { tokenUrl: string; clientId: string; code: string; redirectUri: string; codeVerifier: string },
): Promise<ExchangedTokens> {
  const response = await post(
    http,
    request.tokenUrl,
    'application/x-www-form-urlencoded',
    form({
      grant_type: 'authorization_code',
      client_id: request.clientId,
      code: request.code,
      redirect_uri: request.redirectUri,
      code_verifier: request.codeVerifier,
    }),
  );
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`token endpoint returned status ${statusLine(response.status)}: ${tokenEndpointErrorDetail(text)}`);
  }
  const parsed = TokensSchema.safeParse(safeJson(text));
  if (!parsed.success) throw new Error('token endpoint answered without id_token, access_token and refresh_token');
  return parsed.data;
}

/**
 * The token exchange the browser login does after the code exchange: the id token for an API key
 * (`requested_token=openai-api-key`), stored as `OPENAI_API_KEY`. Best effort, as in the reference: null on failure.
 */
export async function exchangeIdTokenForApiKey(
  http: OauthHttp,
  request: { tokenUrl: string; clientId: string; idToken: string },
): Promise<string | null> {
  try {
    const response = await post(
      http,
      request.tokenUrl,
      'application/x-www-form-urlencoded',
      form({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        client_id: request.clientId,
        requested_token: 'openai-api-key',
        subject_token: request.idToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      }),
    );
    if (!response.ok) return null;
    const parsed = z.looseObject({ access_token: z.string() }).safeParse(safeJson(await response.text()));
    return parsed.success ? parsed.data.access_token : null;
  } catch {
    return null;
  }
}

/** Why a refresh was asked for; sent as `refresh_reason` [observed]. */
export type RefreshReason = 'forced' | 'proactive_expiry' | 'unauthorized_recovery';

const RefreshedSchema = lazySchema(() => z.looseObject({
  id_token: z.string().nullish(),
  access_token: z.string().nullish(),
  refresh_token: z.string().nullish(),
}));
export type RefreshedTokens = z.infer<typeof RefreshedSchema>;

/** The refresh token can no longer be used: signing in again is the only fix. */
export class RefreshTokenRejected extends Error {}

/** The reference's messages for a refresh the issuer refused, by `error.code` (or `error`). */
const REFRESH_FAILURES: Readonly<Record<string, string>> = {
  refresh_token_expired:
    'Your access token could not be refreshed because your refresh token has expired. Please log out and sign in again.',
  refresh_token_reused:
    'Your access token could not be refreshed because your refresh token was already used. Please log out and sign in again.',
  refresh_token_invalidated:
    'Your access token could not be refreshed because your refresh token was revoked. Please log out and sign in again.',
};
const REFRESH_UNKNOWN = 'Your access token could not be refreshed. Please log out and sign in again.';

/** `POST <refreshUrl>` `{client_id, grant_type: "refresh_token", refresh_reason, refresh_token}` [observed]. */
export async function refreshChatgptTokens(
  http: OauthHttp,
  request: { refreshUrl: string; clientId: string; refreshToken: string; reason: RefreshReason; signal?: AbortSignal },
): Promise<RefreshedTokens> {
  const response = await post(
    http,
    request.refreshUrl,
    'application/json',
    JSON.stringify({
      client_id: request.clientId,
      grant_type: 'refresh_token',
      refresh_reason: request.reason,
      refresh_token: request.refreshToken,
    }),
    request.signal,
  );
  const text = await response.text();
  if (response.ok) {
    const parsed = RefreshedSchema.safeParse(safeJson(text));
    if (!parsed.success) throw new Error('the token endpoint answered the refresh with something that is not tokens');
    return parsed.data;
  }
  if (response.status === 401 || response.status === 400) {
    const json = safeJson(text) as { error?: unknown } | null;
    const error = json?.error;
    const code = typeof error === 'string' ? error : typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : null;
    throw new RefreshTokenRejected(typeof code === 'string' ? (REFRESH_FAILURES[code] ?? REFRESH_UNKNOWN) : REFRESH_UNKNOWN);
  }
  throw new Error(`token refresh failed with status ${statusLine(response.status)}: ${tokenEndpointErrorDetail(text)}`);
}

const UserCodeSchema = lazySchema(() => z.looseObject({
  device_auth_id: z.string(),
  user_code: z.string().optional(),
  usercode: z.string().optional(),
  // The issuer sends the interval as a string of seconds.
  interval: z.union([z.string(), z.number()]).optional(),
}));

export interface DeviceUserCode {
  readonly deviceAuthId: string;
  readonly userCode: string;
  readonly intervalSeconds: number;
}

/** Device-code sign-in is switched off on this issuer (404): the one start failure that is the caller's to fix. */
export class DeviceCodeUnavailable extends Error {}

/** `POST <issuer>/api/accounts/deviceauth/usercode` `{client_id}`. */
export async function requestDeviceUserCode(
  http: OauthHttp,
  request: { issuer: string; clientId: string },
): Promise<DeviceUserCode> {
  const url = `${request.issuer}/api/accounts/deviceauth/usercode`;
  const response = await post(http, url, 'application/json', JSON.stringify({ client_id: request.clientId }));
  const text = await response.text();
  if (response.status === 404) {
    throw new DeviceCodeUnavailable(
      'device code login is not enabled for this Codex server. Use the browser login or verify the server URL.',
    );
  }
  if (!response.ok) throw new Error(`device code request failed with status ${statusLine(response.status)}`);
  const parsed = UserCodeSchema.safeParse(safeJson(text));
  const userCode = parsed.success ? (parsed.data.user_code ?? parsed.data.usercode) : undefined;
  if (!parsed.success || userCode === undefined) throw new Error('the device code answer has no device_auth_id and user_code');
  const interval = Number(String(parsed.data.interval ?? '0').trim());
  return { deviceAuthId: parsed.data.device_auth_id, userCode, intervalSeconds: Number.isFinite(interval) ? interval : 0 };
}

const DeviceGrantSchema = lazySchema(() => z.looseObject({ authorization_code: z.string(), code_challenge: z.string(), code_verifier: z.string() }));
export type DeviceGrant = z.infer<typeof DeviceGrantSchema>;

/**
 * One poll of `POST <issuer>/api/accounts/deviceauth/token` `{device_auth_id, user_code}`: the grant once the user
 * approved, null while pending (403 or 404).
 */
export async function pollDeviceToken(
  http: OauthHttp,
  request: { issuer: string; deviceAuthId: string; userCode: string; signal: AbortSignal },
): Promise<DeviceGrant | null> {
  const url = `${request.issuer}/api/accounts/deviceauth/token`;
  const body = JSON.stringify({ device_auth_id: request.deviceAuthId, user_code: request.userCode });
  const response = await post(http, url, 'application/json', body, request.signal);
  const text = await response.text();
  if (response.status === 403 || response.status === 404) return null;
  if (!response.ok) throw new Error(`device auth failed with status ${statusLine(response.status)}`);
  const parsed = DeviceGrantSchema.safeParse(safeJson(text));
  if (!parsed.success) throw new Error('the device auth answer has no authorization_code, code_challenge and code_verifier');
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
