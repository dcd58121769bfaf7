import type { Logger } from '../util/logger.js';
import { CustomCaError, loadCustomCa } from './custom-ca.js';
import { fetchTrusting } from './https-fetch.js';

/**
 * The `fetch` every outbound HTTPS request of the server uses (model provider, ChatGPT backend): it trusts the
 * custom CA bundle the environment names (see custom-ca.ts). A bundle that cannot be used is reported with the
 * reference's message (variable, path, fix) and the server falls back to the system roots, as the reference
 * 0.169.0 does [observed: `failed to load custom CA bundle` then `HTTP client fell back to system root
 * certificates`]; requests to a server only that CA vouches for then fail their TLS handshake.
 *
 * The bundle is read on the first HTTPS request, not at start-up: parsing a system bundle (SSL_CERT_FILE often
 * names one with ~150 roots) took a noticeable share of the time to `/readyz`, and a server may never call out.
 * Plain `http:` requests (a local model, a proxy on the loopback) involve no certificate, so they neither wait for
 * the bundle nor report on it (parsing this machine's system bundle cost ~30 ms of the first turn).
 */
export function outboundFetch(env: Readonly<Record<string, string | undefined>>, log: Logger): typeof fetch {
  let resolved: typeof fetch | undefined;
  return (input, init) => {
    if (!isHttps(input)) return fetch(input, init);
    resolved ??= fetchForEnvironment(env, log);
    return resolved(input, init);
  };
}

function isHttps(input: Parameters<typeof fetch>[0]): boolean {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return url.slice(0, 6).toLowerCase() === 'https:';
}

function fetchForEnvironment(env: Readonly<Record<string, string | undefined>>, log: Logger): typeof fetch {
  try {
    const bundle = loadCustomCa(env);
    if (bundle === null) return fetch;
    log.info(
      { sourceEnv: bundle.sourceEnv, caPath: bundle.path, certificateCount: bundle.certificates.length },
      'loaded certificates from custom CA bundle',
    );
    return fetchTrusting(bundle.certificates);
  } catch (error) {
    if (!(error instanceof CustomCaError)) throw error;
    log.warn(
      { sourceEnv: error.bundle.sourceEnv, caPath: error.bundle.path },
      `${error.message} Falling back to system root certificates.`,
    );
    return fetch;
  }
}
