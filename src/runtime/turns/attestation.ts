import type { AuthManager } from '../../auth/auth-manager.js';
import { providerRequestsAttestation } from '../../model/attestation-policy.js';
import type { RequestHeadersHook } from '../../model/client.js';
import type { ResolvedProvider } from '../../model/provider.js';
import { ServerRequests } from '../../protocol/registry.js';
import type { Logger } from '../../util/logger.js';
import { ClientRequestError, ConnectionClosedError, type ClientChannel } from '../clients/client-channel.js';
import type { LoadedThread } from '../threads/loaded-thread.js';

/*
 * Attestation (docs/protocol.md#attestation): just before a model request, a client that opted in
 * (`requestAttestation`) and is subscribed to the thread is asked for a token (`attestation/generate`), and the
 * request carries the outcome in `x-oai-attestation`. Asking never delays a request by more than 100 ms and
 * never fails it: whatever goes wrong is reported upstream as a status instead. No token is cached.
 */

export const ATTESTATION_HEADER = 'x-oai-attestation';

/** The reference's `ATTESTATION_GENERATE_TIMEOUT`: sending the request and the client's answer, together. */
export const ATTESTATION_TIMEOUT_MS = 100;

/** How asking ended: the header's `s`. */
export const AttestationStatus = {
  ok: 0,
  /** No answer within the budget; the request is withdrawn and a late answer is dropped. */
  timeout: 1,
  /** The client answered a JSON-RPC error, or the request could not be sent (the connection was closed). */
  requestFailed: 2,
  /**
   * The reference's code for a request withdrawn before its answer. Not for a connection that drops while asked:
   * 0.169.0 then reports a timeout (probed, graceful close and TCP reset alike), and so do we.
   */
  cancelled: 3,
  /** The answer is not `{ token: string }`. */
  malformed: 4,
} as const;
export type AttestationStatus = (typeof AttestationStatus)[keyof typeof AttestationStatus];

/**
 * The header value, compact JSON as the reference writes it: `{"v":1,"s":0,"t":"<token>"}`, `t` only with a
 * token. Header values travel as bytes; a non-ASCII token goes out as its UTF-8 bytes (fetch sends a header
 * string's characters as single bytes, so the UTF-8 encoding is handed over as a latin1 string).
 */
export function attestationHeaderValue(status: AttestationStatus, token?: string): string {
  const json = JSON.stringify(token === undefined ? { v: 1, s: status } : { v: 1, s: status, t: token });
  return Buffer.from(json, 'utf8').toString('latin1');
}

/**
 * The connection asked for `thread`'s requests: among its open subscribers that opted in, the one with the
 * lowest connection id (the reference's `first_attestation_capable_connection_for_thread`); none when no
 * subscriber opted in.
 */
export function attestingChannel(thread: Pick<LoadedThread, 'subscriberChannels'>): ClientChannel | undefined {
  let chosen: ClientChannel | undefined;
  for (const channel of thread.subscriberChannels()) {
    if (!channel.isOpen || !channel.requestAttestation) continue;
    if (chosen === undefined || channel.connectionId < chosen.connectionId) chosen = channel;
  }
  return chosen;
}

interface Attestation {
  readonly status: AttestationStatus;
  readonly token?: string;
}

/**
 * Asks `channel` for a token within `timeoutMs`. Resolves with the outcome whatever the client does; rejects
 * only with `signal`'s reason (the turn ended), after withdrawing the request.
 */
async function askForToken(
  channel: ClientChannel,
  signal: AbortSignal,
  timeoutMs: number,
  log: Logger,
): Promise<Attestation> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error('attestation/generate timed out')), timeoutMs);
  const definition = ServerRequests.attestationGenerate;
  let sent = false;
  try {
    const answer = await channel.request(definition.method, {}, {
      // Aborting withdraws the pending request: a late answer finds no callback and is dropped.
      signal: AbortSignal.any([signal, deadline.signal]),
      onSent: () => {
        sent = true;
      },
    });
    const parsed = definition.result.safeParse(answer);
    if (parsed.success) return { status: AttestationStatus.ok, token: parsed.data.token };
    log.warn('attestation/generate answer is malformed');
    return { status: AttestationStatus.malformed };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (deadline.signal.aborted) {
      log.warn({ timeoutMs }, 'attestation/generate timed out');
      return { status: AttestationStatus.timeout };
    }
    if (error instanceof ConnectionClosedError && sent) {
      // The reference keeps waiting for an answer that cannot come and reports the timeout (probed on 0.169.0);
      // the header is the same without waiting out the budget.
      log.warn('attestation/generate unanswered: the connection closed');
      return { status: AttestationStatus.timeout };
    }
    const detail = error instanceof ClientRequestError ? { code: error.code, message: error.message } : {};
    log.warn(detail, 'attestation/generate failed');
    return { status: AttestationStatus.requestFailed };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `x-oai-attestation` header for one model request of `thread`: empty when no subscriber opted in (the
 * reference then sends no header at all), else the outcome of asking the chosen one.
 */
export async function attestationHeaders(
  thread: Pick<LoadedThread, 'subscriberChannels'>,
  signal: AbortSignal,
  log: Logger,
  timeoutMs = ATTESTATION_TIMEOUT_MS,
): Promise<Record<string, string>> {
  const channel = attestingChannel(thread);
  if (channel === undefined) return {};
  const { status, token } = await askForToken(channel, signal, timeoutMs, log);
  return { [ATTESTATION_HEADER]: attestationHeaderValue(status, token) };
}

/**
 * The per-request header hook for `thread`'s model requests to `provider`: attestation when the provider
 * wants it (decided per request), nothing otherwise.
 */
export function attestationHook(
  thread: Pick<LoadedThread, 'subscriberChannels'>,
  provider: ResolvedProvider,
  auth: Pick<AuthManager, 'usesChatgptAuth'>,
  log: Logger,
  timeoutMs = ATTESTATION_TIMEOUT_MS,
): RequestHeadersHook {
  return async (signal) =>
    providerRequestsAttestation(provider, await auth.usesChatgptAuth(provider))
      ? attestationHeaders(thread, signal, log, timeoutMs)
      : {};
}
