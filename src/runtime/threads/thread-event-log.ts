import type { NotificationDefinition } from '../../protocol/registry-types.js';
import type { NotificationExtras } from '../clients/client-channel.js';

/**
 * How many of a thread's latest notifications are kept for replay (`thread/resume` `afterSeq`). A streamed answer
 * is one notification per delta, so this covers a reconnect of some seconds to minutes mid-turn; a client that
 * was away longer reloads with `thread/read`. Bounded so a loaded thread's memory does not grow with its history.
 */
export const THREAD_REPLAY_CAPACITY = 2048;

/** One notification of a thread's event stream, as it was sent. */
export interface LoggedNotification {
  readonly definition: NotificationDefinition;
  readonly params: unknown;
  readonly extras: Required<NotificationExtras>;
}

/** What `thread/resume` `afterSeq` gets: the notifications after it, or the news that they are no longer kept. */
export type ReplayLookup =
  | { readonly available: true; readonly notifications: readonly LoggedNotification[]; readonly lastSeq: number | null }
  | { readonly available: false; readonly oldestSeq: number | null; readonly lastSeq: number | null };

/**
 * The sequence numbers (`threadSeq`, an extension of ours on the notification envelope) and the replay buffer of
 * one loaded thread.
 *
 * Numbers are consecutive within one load of the thread. Each load (the first, one after an unload, one in a
 * restarted server) starts at its load time in microseconds, so a number from an earlier load is below every
 * number of this one (unless that load averaged more than a thousand notifications per millisecond): a client
 * holding it is told the buffer does not reach back, never replayed the wrong events. Microseconds keep numbers
 * below 2^53 until the year 2255.
 */
export class ThreadEventLog {
  /** The number the first notification of this load gets. */
  readonly firstSeq: number;
  readonly #capacity: number;
  /** A ring: `#ring[(#start + i) % capacity]` is the i-th oldest kept notification. */
  readonly #ring: LoggedNotification[] = [];
  #start = 0;
  #nextSeq: number;

  constructor(options: { firstSeq: number; capacity?: number }) {
    this.firstSeq = options.firstSeq;
    this.#nextSeq = options.firstSeq;
    this.#capacity = options.capacity ?? THREAD_REPLAY_CAPACITY;
  }

  /** The log of a thread loaded now. */
  static startingNow(now = Date.now()): ThreadEventLog {
    return new ThreadEventLog({ firstSeq: now * 1000 });
  }

  /** The number of the latest notification, or null before the first. */
  get lastSeq(): number | null {
    return this.#nextSeq === this.firstSeq ? null : this.#nextSeq - 1;
  }

  /** Numbers a notification, keeps it (dropping the oldest beyond capacity) and returns its envelope extras. */
  record(definition: NotificationDefinition, params: unknown, emittedAtMs = Date.now()): Required<NotificationExtras> {
    const extras = { threadSeq: this.#nextSeq++, emittedAtMs };
    const entry: LoggedNotification = { definition, params, extras };
    if (this.#ring.length < this.#capacity) {
      this.#ring.push(entry);
    } else {
      this.#ring[this.#start] = entry;
      this.#start = (this.#start + 1) % this.#capacity;
    }
    return extras;
  }

  /**
   * The notifications numbered above `afterSeq`, oldest first, when the buffer still holds all of them; otherwise
   * (older than the oldest kept, from another load, or a number never given out) `available: false`.
   */
  since(afterSeq: number): ReplayLookup {
    const lastSeq = this.lastSeq;
    const oldest = this.#ring.length === 0 ? null : this.#entry(0).extras.threadSeq;
    // `afterSeq` must be a number of this load (or the one just before its first), and everything after it must
    // still be kept.
    const reachable =
      afterSeq >= this.firstSeq - 1 &&
      afterSeq <= (lastSeq ?? this.firstSeq - 1) &&
      (oldest === null || afterSeq >= oldest - 1);
    if (!reachable) return { available: false, oldestSeq: oldest, lastSeq };
    const skip = oldest === null ? 0 : afterSeq - oldest + 1;
    const notifications: LoggedNotification[] = [];
    for (let i = skip; i < this.#ring.length; i++) notifications.push(this.#entry(i));
    return { available: true, notifications, lastSeq };
  }

  #entry(index: number): LoggedNotification {
    return this.#ring[(this.#start + index) % this.#ring.length] as LoggedNotification;
  }
}
