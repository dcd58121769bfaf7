/**
 * The per-stream capture cap of `command/exec` (`outputBytesCap`, default 1 MiB), as 0.169.0 applies it (probed):
 * bytes past the cap are dropped, and the chunk with which the stream reaches the cap reports `capReached` — also
 * when the output is exactly the cap's size and nothing was lost (`printf 0123456789` with a cap of 10). A stream
 * with a cap of 0 reports it with its first (empty) chunk; a silent stream never does.
 */

/** The reference's `DEFAULT_OUTPUT_BYTES_CAP`. */
export const DEFAULT_OUTPUT_BYTES_CAP = 1024 * 1024;

export class OutputByteCap {
  readonly #limit: number | null;
  #retained = 0;
  #reported = false;

  /** `limit` null: no cap (`disableOutputCap`). */
  constructor(limit: number | null) {
    this.#limit = limit;
  }

  /** Whether the stream has reached the cap (reported with some chunk already). */
  get reached(): boolean {
    return this.#reported;
  }

  /** The part of `chunk` to keep, and whether this chunk is the one that reached the cap. */
  accept(chunk: Buffer): { readonly kept: Buffer; readonly capReached: boolean } {
    if (this.#limit === null) return { kept: chunk, capReached: false };
    const keptLength = Math.min(Math.max(this.#limit - this.#retained, 0), chunk.length);
    this.#retained += keptLength;
    const capReached = this.#retained >= this.#limit && !this.#reported;
    this.#reported ||= capReached;
    return { kept: keptLength === chunk.length ? chunk : chunk.subarray(0, keptLength), capReached };
  }
}
