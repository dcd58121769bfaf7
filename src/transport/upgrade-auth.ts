import { createHash, timingSafeEqual } from 'node:crypto';
import type { WsAuthPolicy } from './ws-auth-settings.js';

/** jsonwebtoken's module (its CommonJS exports). */
type JwtLibrary = typeof import('jsonwebtoken');

let jwtLibrary: JwtLibrary | undefined;

/**
 * Loads what checking upgrades under `policy` needs: jsonwebtoken for `signed-bearer-token`. It and the semver it
 * evaluates when loaded cost several milliseconds of start-up that a server without JWT auth does not pay, so it
 * is not imported statically. The HTTP app awaits this before it serves (buildHttpApp's `onReady` hook).
 */
export async function prepareUpgradeAuth(policy: WsAuthPolicy): Promise<void> {
  if (policy.mode !== 'signed-bearer-token' || jwtLibrary !== undefined) return;
  jwtLibrary = (await import('jsonwebtoken')).default;
}

function jwt(): JwtLibrary {
  if (jwtLibrary === undefined) throw new Error('prepareUpgradeAuth was not awaited before a signed bearer token check');
  return jwtLibrary;
}

/**
 * The decision for one upgrade request. A rejection carries the reference's short message, which the caller
 * sends as a `text/plain` 401 body; messages never contain the presented token.
 */
export type UpgradeAuthResult = { ok: true } | { ok: false; status: 401; message: string };

const MISSING_BEARER_TOKEN = 'missing websocket bearer token';
const INVALID_AUTHORIZATION_HEADER = 'invalid authorization header';
const INVALID_BEARER_TOKEN = 'invalid websocket bearer token';
const INVALID_JWT = 'invalid websocket jwt';
const EXPIRED_JWT = 'expired websocket jwt';
const JWT_NOT_YET_VALID = 'websocket jwt is not valid yet';
const JWT_ISSUER_MISMATCH = 'websocket jwt issuer mismatch';
const JWT_AUDIENCE_MISMATCH = 'websocket jwt audience mismatch';

const ALLOWED: UpgradeAuthResult = { ok: true };

function reject(message: string): UpgradeAuthResult {
  return { ok: false, status: 401, message };
}

/**
 * Decides whether a websocket upgrade may proceed, from its `Authorization` header alone. Pure: no I/O and no
 * logging (the caller logs the message, never the token).
 *
 * @param authorizationHeader the raw header value; for a list (duplicated header) the first one counts, as the
 *   reference's `HeaderMap::get` does.
 * @param nowSeconds the current Unix time in seconds for `exp`/`nbf`; defaults to the wall clock.
 */
export function authorizeUpgrade(
  authorizationHeader: string | string[] | undefined,
  policy: WsAuthPolicy,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): UpgradeAuthResult {
  // 0.169.0 has no auth at all without --ws-auth (probed), so the header is not even looked at.
  if (policy.mode === 'none') return ALLOWED;
  const token = bearerToken(authorizationHeader);
  if (typeof token !== 'string') return token;
  switch (policy.mode) {
    case 'capability-token':
      return verifyCapabilityToken(token, policy.tokenSha256);
    case 'signed-bearer-token':
      return verifySignedBearerToken(token, policy, nowSeconds);
    default: {
      const unknownPolicy: never = policy;
      throw new Error(`unknown websocket auth policy ${JSON.stringify(unknownPolicy)}`);
    }
  }
}

/**
 * The string value of claim `name` of the bearer JWT in `authorizationHeader`, or null when it is absent, not a
 * non-empty string, or there is no JWT. Decodes without verifying: call it only for a header that
 * {@link authorizeUpgrade} has just allowed under `signed-bearer-token`, which verified the signature.
 */
export function verifiedJwtClaim(authorizationHeader: string | string[] | undefined, name: string): string | null {
  const token = bearerToken(authorizationHeader);
  if (typeof token !== 'string') return null;
  const payload = jwt().decode(token, { json: true });
  const value = payload?.[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** HTTP header text the reference's `HeaderValue::to_str` accepts: visible ASCII, space and tab. */
function isVisibleAscii(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code !== 0x09 && (code < 0x20 || code > 0x7e)) return false;
  }
  return true;
}

/** Extracts the token of `Bearer <token>`, or the rejection for a missing or malformed header. */
function bearerToken(header: string | string[] | undefined): string | UpgradeAuthResult {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return reject(MISSING_BEARER_TOKEN);
  if (!isVisibleAscii(value)) return reject(INVALID_AUTHORIZATION_HEADER);
  // Split at the first space only, like Rust's split_once(' '): a tab does not separate the scheme.
  const space = value.indexOf(' ');
  if (space < 0) return reject(INVALID_AUTHORIZATION_HEADER);
  if (value.slice(0, space).toLowerCase() !== 'bearer') return reject(INVALID_AUTHORIZATION_HEADER);
  const token = value.slice(space + 1).trim();
  return token === '' ? reject(INVALID_AUTHORIZATION_HEADER) : token;
}

function verifyCapabilityToken(token: string, expectedSha256: Buffer): UpgradeAuthResult {
  const actual = createHash('sha256').update(token, 'utf8').digest();
  // Both sides are SHA-256 digests, so the length test reveals nothing about the token.
  const matches = actual.length === expectedSha256.length && timingSafeEqual(actual, expectedSha256);
  return matches ? ALLOWED : reject(INVALID_BEARER_TOKEN);
}

/** The claims the reference deserializes (`{exp: i64, nbf?: i64, iss?: String, aud?: String | Vec<String>}`). */
interface JwtClaims {
  readonly exp: number;
  readonly nbf: number | null;
  readonly iss: string | null;
  readonly aud: string | readonly string[] | null;
}

const I64_LIMIT = 2 ** 63;

function isI64(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= -I64_LIMIT && value < I64_LIMIT;
}

/**
 * Mirrors serde's typed deserialization: a claim of the wrong type makes the whole token invalid, and a JSON
 * `null` counts as absent for the optional claims. Returns null when the payload does not fit.
 */
function parseClaims(payload: unknown): JwtClaims | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const { exp, nbf, iss, aud } = payload as Record<string, unknown>;
  if (!isI64(exp)) return null;
  if (nbf !== undefined && nbf !== null && !isI64(nbf)) return null;
  if (iss !== undefined && iss !== null && typeof iss !== 'string') return null;
  const audOk =
    aud === undefined ||
    aud === null ||
    typeof aud === 'string' ||
    (Array.isArray(aud) && aud.every((member) => typeof member === 'string'));
  if (!audOk) return null;
  return {
    exp,
    nbf: nbf ?? null,
    iss: iss ?? null,
    aud: (aud as string | string[] | null | undefined) ?? null,
  };
}

function verifySignedBearerToken(
  token: string,
  policy: Extract<WsAuthPolicy, { mode: 'signed-bearer-token' }>,
  nowSeconds: number,
): UpgradeAuthResult {
  let payload: unknown;
  try {
    // Signature and algorithm only: the reference switches its library's exp/nbf/aud checks off and applies
    // its own, with the configured skew and its own messages, below.
    payload = jwt().verify(token, policy.secret, {
      algorithms: ['HS256'],
      ignoreExpiration: true,
      ignoreNotBefore: true,
    });
  } catch {
    return reject(INVALID_JWT);
  }
  const claims = parseClaims(payload);
  if (claims === null) return reject(INVALID_JWT);

  const skew = policy.maxClockSkewSeconds;
  if (nowSeconds > claims.exp + skew) return reject(EXPIRED_JWT);
  if (claims.nbf !== null && nowSeconds < claims.nbf - skew) return reject(JWT_NOT_YET_VALID);
  if (policy.issuer !== null && claims.iss !== policy.issuer) return reject(JWT_ISSUER_MISMATCH);
  if (policy.audience !== null && !audienceMatches(claims.aud, policy.audience)) {
    return reject(JWT_AUDIENCE_MISMATCH);
  }
  // `iat` is deliberately not checked: the reference ignores it (probed: iat 1000 s ahead is accepted).
  return ALLOWED;
}

function audienceMatches(aud: string | readonly string[] | null, expected: string): boolean {
  if (aud === null) return false;
  return typeof aud === 'string' ? aud === expected : aud.includes(expected);
}
