import { OUTPUT_MAX_BYTES } from './limits.js';

/**
 * A byte buffer capped at `maxBytes` that keeps the first half and the last half of what was pushed and drops
 * the middle once full (the reference's `HeadTailBuffer`): the start of a long build log and its final errors
 * both survive. Byte-oriented, so a cut may split a UTF-8 character; decoding replaces the broken halves.
 */
export class HeadTailBuffer {
  readonly #headBudget: number;
  readonly #tailBudget: number;
  #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #omittedBytes = 0;

  constructor(maxBytes: number = OUTPUT_MAX_BYTES) {
    this.#headBudget = Math.floor(maxBytes / 2);
    this.#tailBudget = maxBytes - this.#headBudget;
  }

  /** Bytes currently kept (head + tail). */
  get retainedBytes(): number {
    return this.#headBytes + this.#tailBytes;
  }

  /** Bytes dropped from the middle since the buffer was created or last drained. */
  get omittedBytes(): number {
    return this.#omittedBytes;
  }

  /** Fills the head first; the rest goes to the tail, whose oldest bytes are dropped beyond its budget. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const toHead = Math.min(this.#headBudget - this.#headBytes, chunk.length);
    if (toHead > 0) {
      this.#head.push(chunk.subarray(0, toHead));
      this.#headBytes += toHead;
    }
    if (toHead < chunk.length) this.#pushTail(chunk.subarray(toHead));
  }

  /** The kept bytes, head then tail, without emptying the buffer. */
  snapshot(): Buffer {
    return Buffer.concat([...this.#head, ...this.#tail], this.retainedBytes);
  }

  /** The kept bytes, head then tail; the buffer starts over empty (head budget available again). */
  drain(): Buffer {
    const out = this.snapshot();
    this.#head = [];
    this.#headBytes = 0;
    this.#tail = [];
    this.#tailBytes = 0;
    this.#omittedBytes = 0;
    return out;
  }

  #pushTail(chunk: Buffer): void {
    if (this.#tailBudget === 0) {
      this.#omittedBytes += chunk.length;
      return;
    }
    if (chunk.length >= this.#tailBudget) {
      // One chunk larger than the whole tail: it replaces the tail, keeping only its own end.
      this.#omittedBytes += this.#tailBytes + chunk.length - this.#tailBudget;
      this.#tail = [chunk.subarray(chunk.length - this.#tailBudget)];
      this.#tailBytes = this.#tailBudget;
      return;
    }
    this.#tail.push(chunk);
    this.#tailBytes += chunk.length;
    let excess = this.#tailBytes - this.#tailBudget;
    while (excess > 0) {
      const first = this.#tail[0] as Buffer;
      if (first.length <= excess) {
        this.#tail.shift();
        this.#tailBytes -= first.length;
        this.#omittedBytes += first.length;
        excess -= first.length;
      } else {
        this.#tail[0] = first.subarray(excess);
        this.#tailBytes -= excess;
        this.#omittedBytes += excess;
        excess = 0;
      }
    }
  }
}
