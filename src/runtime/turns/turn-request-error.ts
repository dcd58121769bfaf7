import type { NonSteerableTurnKind } from '../../protocol/v2/turn.js';

/** Why a request to start, steer or interrupt a turn was refused. */
export type TurnRefusal =
  /** No turn is running (turn/steer, turn/interrupt). */
  | { readonly kind: 'noActiveTurn'; readonly action: 'steer' | 'interrupt' }
  /** The running turn is not the one the client named. */
  | { readonly kind: 'otherTurnActive'; readonly expected: string; readonly found: string }
  /** turn/steer into a turn that takes no input (a review, a compaction). */
  | { readonly kind: 'notSteerable'; readonly turnKind: NonSteerableTurnKind }
  /** turn/start while a turn that takes no input runs. */
  | { readonly kind: 'notSteerableSubmission'; readonly turnKind: NonSteerableTurnKind };

/**
 * A turn operation refused for a reason the client can act on. The runtime says which refusal it is; handlers
 * word it as the reference answers (the codes differ: turn/start's refusal is an internal error there).
 */
export class TurnRequestError extends Error {
  readonly refusal: TurnRefusal;

  constructor(refusal: TurnRefusal) {
    super(describe(refusal));
    this.name = 'TurnRequestError';
    this.refusal = refusal;
  }
}

/** The refusal in the reference's words (observed from the reference 0.169.0). */
function describe(refusal: TurnRefusal): string {
  switch (refusal.kind) {
    case 'noActiveTurn':
      return `no active turn to ${refusal.action}`;
    case 'otherTurnActive':
      return `expected active turn id ${refusal.expected} but found ${refusal.found}`;
    case 'notSteerable':
      return `cannot steer a ${refusal.turnKind} turn`;
    case 'notSteerableSubmission':
      return `a ${refusal.turnKind} turn takes no input`;
  }
}
