import { getHeapStatistics } from 'node:v8';

/** How much more V8 must hold than after the last full collection before an idle server collects by itself. */
export const GROWTH_WORTH_COLLECTING = 32 * 1024 * 1024;

export interface IdleMemoryReclaimerOptions {
  /** Whether a turn of any thread (of any tenant) is running now. */
  readonly turnsRunning: () => boolean;
  /** Bytes V8 holds now. Default: its committed heap and the external memory it accounts for. */
  readonly heldBytes?: () => number;
  /** One full collection (util/full-collection.ts). */
  readonly collect: () => void;
  /** Runs `task` once the caller's stack has unwound. Default: setImmediate. */
  readonly defer?: (task: () => void) => void;
}

/**
 * Gives memory back once a big turn is over. Streaming a long answer allocates far more than it keeps (every
 * delta's event, notification and frame), and V8 sizes its heap to that rate: after 20 MiB of answers the process
 * held ~250 MiB, of which ~20 MiB was live. V8 collects it by itself only under allocation pressure or after
 * ~15 s of idleness (its memory reducer), so a server that went quiet kept it meanwhile. When the last running
 * turn ends and V8 holds GROWTH_WORTH_COLLECTING more than after the previous full collection, one collection runs
 * (20–40 ms with ~50 MiB of heap; nothing else is waiting then, since no turn runs). A busy server, with a turn
 * always running somewhere, is left to V8's own heuristics, as is everything that grows the heap less.
 */
export class IdleMemoryReclaimer {
  readonly #turnsRunning: () => boolean;
  readonly #heldBytes: () => number;
  readonly #collect: () => void;
  readonly #defer: (task: () => void) => void;
  #heldAfterCollection: number;
  #scheduled = false;

  constructor(options: IdleMemoryReclaimerOptions) {
    this.#turnsRunning = options.turnsRunning;
    this.#heldBytes = options.heldBytes ?? heapAndExternalBytes;
    this.#collect = options.collect;
    this.#defer = options.defer ?? ((task) => void setImmediate(task));
    this.#heldAfterCollection = this.#heldBytes();
  }

  /** A full collection ran elsewhere (the start-up one): growth counts from what V8 holds now. */
  collected(): void {
    this.#heldAfterCollection = this.#heldBytes();
  }

  /** A turn ended. Collects soon if no other turn runs and the heap grew enough since the last collection. */
  turnFinished(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Deferred: the turn's last notifications and its thread's follow-ups (a queued turn starting) come first.
    this.#defer(() => {
      this.#scheduled = false;
      if (this.#heldBytes() - this.#heldAfterCollection < GROWTH_WORTH_COLLECTING) return;
      if (this.#turnsRunning()) return;
      this.#collect();
      this.#heldAfterCollection = this.#heldBytes();
    });
  }
}

function heapAndExternalBytes(): number {
  const statistics = getHeapStatistics();
  return statistics.total_heap_size + statistics.external_memory;
}
