import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/*
 * `attestation/generate` (docs/protocol.md#attestation): the server asks a client that opted in (`requestAttestation`)
 * for a fresh token just before an upstream model request, and forwards it in `x-oai-attestation`.
 */

/** The request carries nothing: the client attests itself, not the request. */
export const AttestationGenerateParamsSchema = lazySchema(() => z.object({}).meta({ id: 'AttestationGenerateParams' }));
export type AttestationGenerateParams = z.infer<typeof AttestationGenerateParamsSchema>;

export const AttestationGenerateResponseSchema = lazySchema(() => z
  .object({ token: z.string().describe('Opaque client attestation token.') })
  .meta({ id: 'AttestationGenerateResponse' }));
export type AttestationGenerateResponse = z.infer<typeof AttestationGenerateResponseSchema>;
