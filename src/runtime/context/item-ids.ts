import { createHash } from 'node:crypto';
import type { ResponseItem } from '../../model/events.js';
import { uuidv7 } from '../../util/ids.js';

/*
 * The ids the reference 0.169.0 gives the input items it makes itself [observed]: `msg_<uuidv7>` on context and
 * user messages, `fco_<uuidv7>` on function-call outputs, and on the base instructions an id derived from their
 * text (the same text always has the same id, which keeps the cached prompt prefix stable).
 */

/** `item` with a fresh `msg_` id after its type. */
export function withMessageId(item: ResponseItem): ResponseItem {
  return withId(item, `msg_${uuidv7()}`);
}

/** A function-call output with a fresh `fco_` id; other items unchanged. */
export function withOutputId(item: ResponseItem): ResponseItem {
  return item.type === 'function_call_output' ? withId(item, `fco_${uuidv7()}`) : item;
}

/** A stable `msg_` id for a text: a name-based (version 5 layout) UUID of its SHA-1. */
export function stableMessageId(text: string): string {
  const bytes = createHash('sha1').update('codex-base-instructions\n').update(text).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `msg_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function withId(item: ResponseItem, id: string): ResponseItem {
  const { type, ...rest } = item;
  return { type, id, ...rest };
}
