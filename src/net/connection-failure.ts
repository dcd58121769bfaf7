/**
 * Why an outbound HTTP request never got an answer, in a sentence that names the cause and what to check. fetch
 * reports all of these as `TypeError: fetch failed`; the system error code sits in its `cause` chain (node:https
 * puts it on the error itself).
 */
export type ConnectionFailureKind = 'dns' | 'refused' | 'tls' | 'timeout' | 'reset' | 'unreachable' | 'other';

export interface ConnectionFailure {
  readonly kind: ConnectionFailureKind;
  /** The system or TLS error code, e.g. `ECONNREFUSED`, when there is one. */
  readonly code: string | null;
  /** What went wrong and the setting to check; names the host, never a credential. */
  readonly explanation: string;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'ABORT_ERR', 'TimeoutError']);

/** The first error code found along `error`'s cause chain. */
export function errorCode(error: unknown): string | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 6; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code !== '') return code;
    if (current.name === 'TimeoutError') return 'TimeoutError';
    current = current.cause;
  }
  return null;
}

function kindOf(code: string | null): ConnectionFailureKind {
  if (code === null) return 'other';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT')) return 'tls';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return 'reset';
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'ENETDOWN') return 'unreachable';
  return 'other';
}

/** A timeout we raised ourselves says how long it waited; others show their code. */
function timeoutDetail(error: unknown, suffix: string): string {
  return error instanceof Error && error.name === 'TimeoutError' && /\d/.test(error.message) ? `: ${error.message}` : suffix;
}

type Env = Readonly<Record<string, string | undefined>>;

function proxyNote(env: Env): string {
  const proxy = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  if (proxy === undefined || proxy === '') return '';
  return (
    ' HTTPS_PROXY/HTTP_PROXY is set, but this server connects directly: open direct egress to that host ' +
    '(or point the setting named above at an address the proxy exposes).'
  );
}

/**
 * Explains a failed request to `url`. `setting` names what decides the address (e.g. `the model provider's
 * base_url in config.toml`), so the sentence can point at it.
 */
export function describeConnectionFailure(error: unknown, url: string, setting: string, env: Env = {}): ConnectionFailure {
  const code = errorCode(error);
  const kind = kindOf(code);
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // Keep the raw text: it is only used in the message.
  }
  const suffix = code === null ? '' : ` (${code})`;
  const sentences: Record<ConnectionFailureKind, string> = {
    dns:
      `the host name ${host} could not be resolved${suffix}: check ${setting} and this machine's DNS ` +
      '(/etc/resolv.conf, or the network of the container).',
    refused:
      `nothing is listening at ${host}${suffix}: check ${setting}, and that the service is running and reachable ` +
      'from this machine.',
    tls:
      `the TLS handshake with ${host} failed${suffix}: the certificate is not trusted or does not match. If a ` +
      'corporate proxy or private CA signs it, set CODEX_CA_CERTIFICATE (or SSL_CERT_FILE) to its PEM bundle; ' +
      `otherwise check ${setting}.`,
    timeout:
      `${host} did not answer in time${timeoutDetail(error, suffix)}: check ${setting}, the network path (firewall, ` +
      'egress rules) and whether the service is overloaded.',
    reset: `the connection to ${host} was closed before an answer${suffix}: check ${setting}, and any proxy or firewall in between.`,
    unreachable: `the network to ${host} is unreachable${suffix}: check this machine's network connection and ${setting}.`,
    other: `the request to ${host} failed${suffix}: check ${setting} and this machine's network connection.`,
  };
  return { kind, code, explanation: sentences[kind] + (kind === 'tls' ? '' : proxyNote(env)) };
}
