import { RpcErrors } from '../protocol/errors.js';

/**
 * One page of a fixed list whose cursor is the index of the next item as a decimal string, as the reference
 * pages its permission profiles and feature flags [observed]: no limit gives the rest of the list, a limit of 0
 * gives one item, a cursor at the end gives an empty page, and past it is refused as
 * `cursor <n> exceeds total <what> <total>`. Anything but a non-negative integer is `invalid cursor: <value>`.
 */
export function indexPage<T>(
  items: readonly T[],
  params: { readonly cursor?: string | null | undefined; readonly limit?: number | null | undefined },
  what: string,
): { data: T[]; nextCursor: string | null } {
  let start = 0;
  if (params.cursor != null) {
    if (!/^\d+$/.test(params.cursor)) throw RpcErrors.badRequest(`invalid cursor: ${params.cursor}`);
    start = Number(params.cursor);
    if (start > items.length) {
      throw RpcErrors.badRequest(`cursor ${params.cursor} exceeds total ${what} ${items.length}`);
    }
  }
  const size = params.limit == null ? items.length : Math.max(1, params.limit);
  const end = Math.min(items.length, start + size);
  return { data: items.slice(start, end), nextCursor: end < items.length ? String(end) : null };
}
