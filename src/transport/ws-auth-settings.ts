import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { constants as osConstants, homedir } from 'node:os';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { StartupError } from '../util/startup-error.js';
import { placeholderSecretMessage, placeholderWord } from './placeholder-secret.js';

/**
 * The websocket auth flags as the command line parsed them. A property that is absent (or undefined) means the
 * flag was not given; any given value, even an empty string, counts as given, as it does for the reference.
 */
export interface WsAuthFlags {
  readonly wsAuth?: 'capability-token' | 'signed-bearer-token' | undefined;
  readonly wsTokenFile?: string | undefined;
  readonly wsTokenSha256?: string | undefined;
  readonly wsSharedSecretFile?: string | undefined;
  readonly wsIssuer?: string | undefined;
  readonly wsAudience?: string | undefined;
  /** A non-negative integer (the CLI rejects anything else). */
  readonly wsMaxClockSkewSeconds?: number | undefined;
}

/**
 * How websocket upgrades are authenticated, fully resolved: secrets are already read from their files and
 * validated, so checking a request never touches the filesystem.
 */
export type WsAuthPolicy =
  | { readonly mode: 'none' }
  /** `tokenSha256` is the 32-byte SHA-256 digest of the capability token; the token itself is never kept. */
  | { readonly mode: 'capability-token'; readonly tokenSha256: Buffer }
  | {
      readonly mode: 'signed-bearer-token';
      /** HS256 key: the trimmed UTF-8 bytes of the shared secret file, at least 32 bytes. */
      readonly secret: Buffer;
      /** Expected `iss`; null means the claim is not checked. */
      readonly issuer: string | null;
      /** Expected member of `aud`; null means the claim is not checked. */
      readonly audience: string | null;
      readonly maxClockSkewSeconds: number;
    };

const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 30;
const MIN_SIGNED_BEARER_SECRET_BYTES = 32;
// The reference stores the skew as an i64; larger values are a startup error there.
const MAX_CLOCK_SKEW_EXCLUSIVE = 2 ** 63;

const SHA256_FLAG_ERROR = '--ws-token-sha256 must be a 64-character hex SHA-256 digest';

/**
 * Turns the websocket auth flags into a policy, reading the token or secret file. Checks run in the reference's
 * order: flag combinations and the `--ws-token-sha256` format first (its argument parsing), then the files
 * (its listener start-up), then the secret length and the skew range.
 *
 * @throws StartupError with the reference's message for a bad flag combination, a malformed digest, a file that
 *   cannot be read or is not UTF-8, an empty token/secret, a secret under 32 bytes, or a skew beyond i64.
 */
export async function resolveWsAuthPolicy(flags: WsAuthFlags): Promise<WsAuthPolicy> {
  const given = (value: unknown) => value !== undefined;
  const jwtFlagGiven =
    given(flags.wsSharedSecretFile) ||
    given(flags.wsIssuer) ||
    given(flags.wsAudience) ||
    given(flags.wsMaxClockSkewSeconds);
  const tokenFlagGiven = given(flags.wsTokenFile) || given(flags.wsTokenSha256);

  switch (flags.wsAuth) {
    case undefined: {
      if (tokenFlagGiven || jwtFlagGiven) {
        throw new StartupError(
          'websocket auth flags require `--ws-auth capability-token` or `--ws-auth signed-bearer-token`',
        );
      }
      return { mode: 'none' };
    }
    case 'capability-token': {
      if (jwtFlagGiven) {
        throw new StartupError(
          '`--ws-shared-secret-file`, `--ws-issuer`, `--ws-audience`, and `--ws-max-clock-skew-seconds` require `--ws-auth signed-bearer-token`',
        );
      }
      const { wsTokenFile, wsTokenSha256 } = flags;
      if (wsTokenFile !== undefined && wsTokenSha256 !== undefined) {
        throw new StartupError('`--ws-token-file` and `--ws-token-sha256` are mutually exclusive');
      }
      if (wsTokenSha256 !== undefined) return { mode: 'capability-token', tokenSha256: parseSha256Flag(wsTokenSha256) };
      if (wsTokenFile === undefined) {
        throw new StartupError(
          '`--ws-token-file` or `--ws-token-sha256` is required when `--ws-auth capability-token` is set',
        );
      }
      const token = await readTrimmedSecret(resolveFlagPath(wsTokenFile));
      return { mode: 'capability-token', tokenSha256: createHash('sha256').update(token, 'utf8').digest() };
    }
    case 'signed-bearer-token': {
      if (tokenFlagGiven) {
        throw new StartupError(
          '`--ws-token-file` and `--ws-token-sha256` require `--ws-auth capability-token`, not `signed-bearer-token`',
        );
      }
      if (flags.wsSharedSecretFile === undefined) {
        throw new StartupError(
          '`--ws-shared-secret-file` is required when `--ws-auth signed-bearer-token` is set',
        );
      }
      const skew = flags.wsMaxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS;
      if (!Number.isInteger(skew) || skew < 0) {
        throw new StartupError('--ws-max-clock-skew-seconds must be a non-negative integer');
      }
      const secretPath = resolveFlagPath(flags.wsSharedSecretFile);
      const secret = Buffer.from(await readTrimmedSecret(secretPath), 'utf8');
      if (secret.length < MIN_SIGNED_BEARER_SECRET_BYTES) {
        throw new StartupError(
          `signed websocket bearer secret ${secretPath} must be at least ${MIN_SIGNED_BEARER_SECRET_BYTES} bytes`,
        );
      }
      if (skew >= MAX_CLOCK_SKEW_EXCLUSIVE) {
        throw new StartupError('websocket auth clock skew must fit in a signed 64-bit integer');
      }
      return {
        mode: 'signed-bearer-token',
        secret,
        issuer: normalizeClaimFlag(flags.wsIssuer),
        audience: normalizeClaimFlag(flags.wsAudience),
        maxClockSkewSeconds: skew,
      };
    }
    default: {
      const unknownMode: never = flags.wsAuth;
      throw new StartupError(`unknown --ws-auth mode ${String(unknownMode)}`);
    }
  }
}

/**
 * Returns the reference's startup error for a websocket listener bound to a non-loopback address without any
 * auth, or null when listening there is allowed (loopback address, or an auth mode is configured).
 *
 * @param host the literal IP from `--listen ws://IP:PORT` (IPv6 with or without brackets).
 * @param port the port from `--listen`, printed as given.
 */
export function refusesNonLoopbackWithoutAuth(host: string, port: number, policy: WsAuthPolicy): string | null {
  if (policy.mode !== 'none' || isLoopbackIp(host)) return null;
  return `refusing to start non-loopback websocket listener ${formatSocketAddress(host, port)} without auth; configure \`--ws-auth capability-token\` or \`--ws-auth signed-bearer-token\``;
}

/**
 * True for 127.0.0.0/8 and `::1` (in any spelling), the reference's `IpAddr::is_loopback`. An IPv4-mapped
 * address such as `::ffff:127.0.0.1` is not loopback there, so it is not here. Anything that is not an IP
 * literal is not loopback.
 */
export function isLoopbackIp(host: string): boolean {
  const bare = stripBrackets(host);
  switch (isIP(bare)) {
    case 4:
      return bare.split('.')[0] === '127';
    case 6:
      return canonicalIpv6(bare) === '::1';
    default:
      return false;
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * RFC 5952 text of an IPv6 address (what Rust's `Display` prints), or null if the URL parser refuses it (zone
 * ids). WHATWG's serializer compresses the same zero run as Rust's, but prints IPv4-mapped addresses in hex
 * where Rust prints them dotted, so that one form is rewritten.
 */
function canonicalIpv6(address: string): string | null {
  let serialized: string;
  try {
    serialized = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(serialized);
  if (!mapped) return serialized;
  const high = Number.parseInt(mapped[1] ?? '0', 16);
  const low = Number.parseInt(mapped[2] ?? '0', 16);
  return `::ffff:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

function formatSocketAddress(host: string, port: number): string {
  const bare = stripBrackets(host);
  if (isIP(bare) !== 6) return `${bare}:${port}`;
  return `[${canonicalIpv6(bare) ?? bare}]:${port}`;
}

/**
 * The reference turns path flags into absolute paths before reading them (probed: a relative path is resolved
 * against the working directory and `~`/`~/…` against the home directory, and error messages show the
 * result), so ours do the same.
 */
function resolveFlagPath(flagValue: string): string {
  if (flagValue === '~') return homedir();
  if (flagValue.startsWith('~/')) return join(homedir(), flagValue.slice(2).replace(/^\/+/, ''));
  return resolve(flagValue);
}

/**
 * Rust's `str::trim`: Unicode White_Space. Unlike `String.prototype.trim` it keeps U+FEFF (probed: a file
 * holding only a byte-order mark is a non-empty token) and removes U+0085 NEL (probed: such a file is empty).
 */
const RUST_WHITESPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const RUST_TRIM = new RegExp(`^[${RUST_WHITESPACE}]+|[${RUST_WHITESPACE}]+$`, 'g');

function trimLikeRust(value: string): string {
  return value.replace(RUST_TRIM, '');
}

function normalizeClaimFlag(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = trimLikeRust(value);
  return trimmed === '' ? null : trimmed;
}

function parseSha256Flag(value: string): Buffer {
  const trimmed = trimLikeRust(value);
  if (!/^[0-9a-fA-F]{64}$/.test(trimmed)) throw new StartupError(SHA256_FLAG_ERROR);
  return Buffer.from(trimmed, 'hex');
}

/**
 * Reads a token or secret file the way the reference's `read_to_string` + `trim` does: invalid UTF-8 is an
 * error rather than replacement characters, and a byte-order mark is kept as part of the value.
 *
 * @throws StartupError `failed to read websocket auth secret <path>: <reason>` or
 *   `websocket auth secret <path> must not be empty`.
 */
async function readTrimmedSecret(path: string): Promise<string> {
  let text: string;
  try {
    const bytes = await readFile(path);
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new StartupError(`failed to read websocket auth secret ${path}: ${describeReadError(error)}`, {
      cause: error,
    });
  }
  const trimmed = trimLikeRust(text);
  if (trimmed === '') throw new StartupError(`websocket auth secret ${path} must not be empty`);
  const placeholder = placeholderWord(trimmed);
  if (placeholder !== null) throw new StartupError(placeholderSecretMessage(path, placeholder));
  return trimmed;
}

/** glibc's `strerror` texts, which Rust's io::Error prints as `<text> (os error <n>)`. */
const STRERROR: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EINTR: 'Interrupted system call',
  EIO: 'Input/output error',
  ENXIO: 'No such device or address',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  EFBIG: 'File too large',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  EOVERFLOW: 'Value too large for defined data type',
  ESTALE: 'Stale file handle',
};

function describeReadError(error: unknown): string {
  // TextDecoder's fatal mode throws a TypeError; Rust reports the same condition with this text.
  if (error instanceof TypeError && (error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
    return 'stream did not contain valid UTF-8';
  }
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined) {
    const text = STRERROR[code];
    const errno = (osConstants.errno as Readonly<Record<string, number | undefined>>)[code];
    if (text !== undefined && errno !== undefined) return `${text} (os error ${errno})`;
  }
  return error.message;
}
