import { ModelError } from '../../model/errors.js';
import type { ResponseItem } from '../../model/events.js';
import type { Turn, TurnError } from '../../protocol/v2/turn.js';
import type { UserInput } from '../../protocol/v2/user-input.js';
import { stableMessageId } from '../context/item-ids.js';

/*
 * The small shapes a turn is seen through, shared by every kind of turn (regular, compaction, review, a `!` shell
 * command's): the turn as turn/start answers it, its failure as the protocol reports it, and the messages a turn
 * puts around the conversation it sends.
 */

/** A running turn as turn/start answers it: `inProgress`, no items, `startedAt: null`. */
export function startedTurnView(turnId: string): Turn {
  return {
    id: turnId,
    rootTurnId: turnId,
    items: [],
    itemsView: 'notLoaded',
    status: 'inProgress',
    error: null,
    startedAt: null,
    completedAt: null,
    durationMs: null,
  };
}

/** A turn failure as the protocol reports it. */
export function toTurnError(error: unknown): TurnError {
  if (error instanceof ModelError) {
    return { message: error.message, codexErrorInfo: error.toCodexErrorInfo(), additionalDetails: null, misalignment: null };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, codexErrorInfo: 'other', additionalDetails: null, misalignment: null };
}

/** The text parts of the user's message, as a userPromptSubmit hook reads it. */
export function promptText(input: readonly UserInput[]): string {
  return input.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

/** The base instructions as the first input item. */
export function baseInstructionsMessage(text: string): ResponseItem {
  return { type: 'message', id: stableMessageId(text), role: 'developer', content: [{ type: 'input_text', text }] };
}

/** A developer message carrying `text` (e.g. a review turn's instructions). */
export function developerMessage(text: string): ResponseItem {
  return { type: 'message', role: 'developer', content: [{ type: 'input_text', text }] };
}

/** The rollout copy of a model output message carries its turn, as the reference's does. */
export function withTurnMetadata(item: ResponseItem, turnId: string): ResponseItem {
  if (item.type !== 'message') return item;
  return { ...item, internal_chat_message_metadata_passthrough: { turn_id: turnId } };
}
