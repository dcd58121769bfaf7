/**
 * Requests that only read, which one connection may have running side by side.
 *
 * The reference hands each request to its own task, so a quick read sent after a slow one is answered first
 * (probed on 0.169.0: `thread/loaded/list` pipelined after a `thread/read` of a 40 MiB rollout is answered before
 * it). We keep a stricter order, because pipelining clients rely on the order of effects: a request that is not in
 * this list starts only once every earlier request of its connection is answered, and nothing starts while it runs.
 * Only a run of consecutive reads from this list overlaps, and their answers go out as each is ready. Every
 * method here changes no state a later request of the connection could observe.
 */
const OVERLAPPING_METHODS: ReadonlySet<string> = new Set([
  'thread/loaded/list',
  'thread/list',
  'thread/read',
  'thread/turns/list',
  'thread/items/list',
  'fs/readFile',
  'fs/readDirectory',
  'fs/getMetadata',
]);

/** At most this many overlapping reads of one connection run at once; the next ones wait in its queue. */
export const MAX_OVERLAPPING_REQUESTS = 16;

export function mayOverlap(method: string): boolean {
  return OVERLAPPING_METHODS.has(method);
}
