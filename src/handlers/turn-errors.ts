import { RpcErrors } from '../protocol/errors.js';
import { TurnRequestError } from '../runtime/turns/turn-request-error.js';
import { configurationError } from './thread-lookup.js';

/**
 * A refused turn operation as the reference answers it (observed from the reference 0.169.0): -32600 with its text,
 * turn/steer into a review or compaction with the turn error as `data`, and turn/start during one as an internal
 * error in Rust's debug words. Settings problems are worded as at thread/start; anything else goes on.
 */
export function turnRequestError(error: unknown): never {
  if (!(error instanceof TurnRequestError)) return configurationError(error);
  const refusal = error.refusal;
  switch (refusal.kind) {
    case 'notSteerable':
      throw RpcErrors.notSteerable(refusal.turnKind);
    case 'notSteerableSubmission':
      throw RpcErrors.notSteerableSubmission(refusal.turnKind);
    case 'noActiveTurn':
    case 'otherTurnActive':
      throw RpcErrors.badRequest(error.message);
  }
}
