/**
 * The last listing fetched for one key (who asked, from where), served while it is younger than `freshForMs`: the
 * reference keeps its app listings an hour instead of asking ChatGPT's backend on every call.
 */
export class HeldListing<T> {
  #held: { key: string; value: T; fetchedAt: number } | null = null;
  readonly #freshForMs: number;
  readonly #now: () => number;

  constructor(freshForMs: number, now: () => number) {
    this.#freshForMs = freshForMs;
    this.#now = now;
  }

  /** The listing held for `key`, if still fresh. */
  get(key: string): T | null {
    const held = this.#held;
    if (held === null || held.key !== key || this.#now() - held.fetchedAt >= this.#freshForMs) return null;
    return held.value;
  }

  /** Holds `value` as the listing for `key`, fetched now. */
  set(key: string, value: T): void {
    this.#held = { key, value, fetchedAt: this.#now() };
  }
}
