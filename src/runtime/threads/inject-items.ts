import type { ResponseItem } from '../../model/events.js';
import { uuidv7 } from '../../util/ids.js';
import { recordTurnContext } from '../context/turn-context.js';
import type { LoadedThread } from './loaded-thread.js';
import { appendToRollout, flushRollout } from '../rollout/rollout-append.js';
import * as records from '../rollout/rollout-records.js';
import type { TurnDependencies } from '../turns/turn-dependencies.js';

/*
 * `thread/inject_items`: raw Responses API items a client adds to a thread's conversation (a side conversation's
 * summary, context of its own), which the model reads with the next request. Observed from the reference 0.169.0.
 */

/** A refusal of one item, in the reference's words (after `items[<i>] is not a valid response item: `). */
export class InjectedItemError extends Error {}

/**
 * The fields each item kind must carry, in the order the reference names the first one missing. Kinds not listed
 * here are accepted and left out of the conversation, as the reference does with kinds it does not know.
 */
const REQUIRED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  message: ['role', 'content'],
  reasoning: ['summary'],
  function_call: ['name', 'arguments', 'call_id'],
  function_call_output: ['call_id', 'output'],
  custom_tool_call: ['call_id', 'name', 'input'],
  custom_tool_call_output: ['call_id', 'output'],
  local_shell_call: ['status', 'action'],
  web_search_call: [],
  image_generation_call: ['id', 'status', 'result'],
  compaction: ['encrypted_content'],
};

/** The id prefix the reference gives an injected item of each kind that arrives without one. */
const ID_PREFIXES: Readonly<Record<string, string>> = {
  message: 'msg',
  function_call: 'fc',
  function_call_output: 'fco',
};

/**
 * The items as the conversation keeps them, or an InjectedItemError naming the first bad one. An id the client
 * sent is not kept (the reference leaves it out of the model's input), and one the reference would give is given.
 */
export function conversationItems(raw: readonly unknown[]): ResponseItem[] {
  const items: ResponseItem[] = [];
  raw.forEach((value, index) => {
    const refuse = (why: string) => new InjectedItemError(`items[${index}] is not a valid response item: ${why}`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw refuse(`invalid type: ${value === null ? 'null' : Array.isArray(value) ? 'sequence' : typeof value}, expected internally tagged enum ResponseItem`);
    }
    const record = value as Record<string, unknown>;
    if (!('type' in record)) throw refuse('missing field `type`');
    const type = record['type'];
    if (typeof type !== 'string') throw refuse('invalid type for field `type`, expected a string');
    const required = REQUIRED_FIELDS[type];
    if (required === undefined) return;
    const missing = required.find((field) => !(field in record));
    if (missing !== undefined) throw refuse(`missing field \`${missing}\``);
    const { type: _type, id: _clientId, ...rest } = record;
    const prefix = ID_PREFIXES[type];
    const fresh = prefix !== undefined && !('id' in record) ? { id: `${prefix}_${uuidv7()}` } : {};
    items.push({ type, ...fresh, ...rest });
  });
  return items;
}

/**
 * Adds `items` to the thread's conversation and rollout. On a thread that has not had its opening context yet, the
 * context is recorded first, so the injected items follow it as they would follow any earlier turn. While a turn
 * runs, the items join it at its next model request, after the response in flight (the conversation keeps its
 * order); otherwise they wait in the history for the next turn. Nothing is announced: the reference sends no
 * notification for an injected item.
 */
export async function injectItems(thread: LoadedThread, items: readonly ResponseItem[], deps: TurnDependencies): Promise<void> {
  const running = thread.activeTurn;
  if (running !== null) {
    running.pendingHistory.push(...items);
    return;
  }
  const persist = (line: Parameters<typeof appendToRollout>[2]) => appendToRollout(thread, deps.log, line);
  if (!thread.contextRecorded) await recordTurnContext(thread, deps, persist);
  for (const item of items) {
    thread.history.push(item);
    persist(records.responseItem(item));
  }
  await flushRollout(thread, deps.log, deps.onPersisted);
}
