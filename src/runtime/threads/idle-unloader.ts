import type { LoadedThread } from './loaded-thread.js';

/** How long a thread stays loaded without subscribers and turns: the reference's `THREAD_UNLOADING_DELAY`. */
export const DEFAULT_UNLOAD_DELAY_MS = 30 * 60 * 1000;

/** setTimeout's longest delay; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The unload delay config.toml asks for: `thread_unload_delay_secs` (a non-negative integer of seconds, which
 * the reference 0.169.0 honours: probed with 2 s), else DEFAULT_UNLOAD_DELAY_MS. A value of another type is
 * ignored here; validating config.toml is the config loader's business.
 */
export function unloadDelayFromConfig(table: Readonly<Record<string, unknown>>): number {
  const seconds = table['thread_unload_delay_secs'];
  return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds >= 0
    ? seconds * 1000
    : DEFAULT_UNLOAD_DELAY_MS;
}

export interface IdleUnloaderOptions {
  readonly delayMs: number;
  /** Whether `thread` is still the loaded instance of its id: a late timer must not touch a reloaded thread. */
  readonly isLoaded: (thread: LoadedThread) => boolean;
  /** Unloads the thread and announces it (`thread/status/changed notLoaded`, then `thread/closed`). */
  readonly unload: (thread: LoadedThread) => Promise<void>;
  readonly onError: (error: unknown, thread: LoadedThread) => void;
}

/**
 * Unloads threads nobody is watching. As in the reference, a loaded thread is unloaded once it has had no
 * subscriber AND no running turn for the whole delay: the clock starts at the later of the last subscriber
 * leaving and the last turn ending (`updatedAtMs`, which a turn sets when it ends). One timer per thread, re-armed
 * whenever its last subscriber leaves; when a timer fires it re-checks everything, so a subscriber that came back,
 * a turn that started, or an unload by other means (archive) simply make it a no-op.
 */
export class IdleUnloader {
  readonly #options: IdleUnloaderOptions;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(options: IdleUnloaderOptions) {
    this.#options = options;
  }

  /** Call when `thread` may have become unwatched (its last subscriber left): starts or restarts its clock. */
  watch(thread: LoadedThread): void {
    const due = this.#dueAt(thread);
    if (due === null) this.forget(thread.id);
    else this.#arm(thread, due);
  }

  /** Drops the thread's timer (it was unloaded by other means). */
  forget(threadId: string): void {
    clearTimeout(this.#timers.get(threadId));
    this.#timers.delete(threadId);
  }

  /** Stops every timer (server shutdown); later `watch` calls do nothing. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** When the thread becomes due for unloading, or null while it has subscribers. */
  #dueAt(thread: LoadedThread): number | null {
    if (thread.subscriberCount > 0 || thread.lastUnsubscribedAtMs === null) return null;
    return Math.max(thread.lastUnsubscribedAtMs, thread.updatedAtMs) + this.#options.delayMs;
  }

  #arm(thread: LoadedThread, dueAtMs: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timers.get(thread.id));
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, dueAtMs - Date.now()));
    const timer = setTimeout(() => this.#fire(thread), wait);
    // A pending unload must not keep the process alive on its own.
    timer.unref();
    this.#timers.set(thread.id, timer);
  }

  #fire(thread: LoadedThread): void {
    this.#timers.delete(thread.id);
    if (this.#closed || !this.#options.isLoaded(thread)) return;
    const active = thread.activeTurn;
    if (active !== null) {
      // A running turn keeps the thread; its end restarts the clock.
      void active.done.then(() => {
        if (!this.#closed && this.#options.isLoaded(thread)) this.watch(thread);
      });
      return;
    }
    const due = this.#dueAt(thread);
    if (due === null) return;
    if (due > Date.now()) {
      this.#arm(thread, due);
      return;
    }
    this.#options.unload(thread).catch((error: unknown) => this.#options.onError(error, thread));
  }
}
