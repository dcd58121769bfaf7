import type { ResolvedProvider } from './provider.js';

/**
 * Whether the model requests of `provider` carry an `x-oai-attestation` header (a token asked from a client
 * just in time, docs/protocol.md#attestation). Asked before every model request, so a login that changes between
 * requests applies to the next one.
 *
 * The reference asks only when the provider authenticates with the ChatGPT login (`supports_attestation()`:
 * the cached auth is ChatGPT). This server also asks for any provider whose config sets
 * `request_attestation = true`, so a self-hosted gateway that checks attestation works with API keys too.
 *
 * @param usesChatgptLogin whether `provider`'s requests authenticate with a ChatGPT login (AuthManager.usesChatgptAuth)
 */
export function providerRequestsAttestation(provider: ResolvedProvider, usesChatgptLogin: boolean): boolean {
  return usesChatgptLogin || provider.requestAttestation;
}
