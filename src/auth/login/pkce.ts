import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636, S256): the verifier stays here, the challenge goes into the authorize URL. */
export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

/** 64 random bytes as the verifier (86 base64url characters, the length the reference sends [observed]). */
export function generatePkce(): Pkce {
  const verifier = randomBytes(64).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The OAuth `state`: 32 random bytes, base64url. */
export function generateState(): string {
  return randomBytes(32).toString('base64url');
}
