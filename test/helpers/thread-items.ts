import assert from 'node:assert/strict';
import type { NotificationParamsOf } from './protocol-types.js';

/** A thread item as the server sends it (the registry's union, discriminated by `type`). */
export type ThreadItem = NotificationParamsOf<'item/completed'>['item'];
export type ThreadItemType = ThreadItem['type'];
/** The item variant of `type`. */
export type ThreadItemOf<T extends ThreadItemType> = Extract<ThreadItem, { type: T }>;

/** Fails the test unless `item` is of `type`; narrows it to that variant. */
export function assertItemType<T extends ThreadItemType>(
  item: ThreadItem | undefined,
  type: T,
): asserts item is ThreadItemOf<T> {
  assert.equal(item?.type, type);
}

/**
 * An item's `text` when it has one, else the text of its first content part (a user message's first text input),
 * else undefined: a compact label for assertions on turns.
 */
export function itemText(item: ThreadItem): string | undefined {
  if ('text' in item && typeof item.text === 'string') return item.text;
  const first = 'content' in item && Array.isArray(item.content) ? item.content[0] : undefined;
  return typeof first === 'object' && 'text' in first && typeof first.text === 'string' ? first.text : undefined;
}
