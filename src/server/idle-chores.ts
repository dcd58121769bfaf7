export interface IdleChoresOptions {
  /** Whether a turn of any thread (of any tenant) is running now. */
  readonly turnsRunning: () => boolean;
  /** Runs `task` after `delayMs`; returns a way to cancel it. Default: an unref'd setTimeout. */
  readonly schedule?: (delayMs: number, task: () => void) => () => void;
  /** Runs `task` once the caller's stack has unwound. Default: setImmediate. */
  readonly defer?: (task: () => void) => void;
}

/**
 * Work the server does for itself shortly after start-up (the bubblewrap probe, the collection of start-up
 * garbage): worth doing early, never worth slowing a turn down for. A chore runs once its delay has passed and no
 * turn is running; one that comes due during a turn waits until the last running turn has ended. A client that
 * connects at once and starts a turn so gets its answer streamed without the probe's process spawns or a full
 * collection in the middle of it. Whoever needs a chore's result sooner runs it directly (the first sandboxed
 * command runs the probe itself).
 */
export class IdleChores {
  readonly #turnsRunning: () => boolean;
  readonly #schedule: (delayMs: number, task: () => void) => () => void;
  readonly #defer: (task: () => void) => void;
  /** Chores whose delay has passed, waiting for the running turns to end. */
  #due: Array<() => void> = [];
  readonly #timers = new Set<() => void>();
  #checkScheduled = false;
  #stopped = false;

  constructor(options: IdleChoresOptions) {
    this.#turnsRunning = options.turnsRunning;
    this.#schedule = options.schedule ?? scheduleUnref;
    this.#defer = options.defer ?? ((task) => void setImmediate(task));
  }

  /** Runs `chore` once `delayMs` has passed and no turn is running. */
  after(delayMs: number, chore: () => void): void {
    if (this.#stopped) return;
    const cancel = this.#schedule(delayMs, () => {
      this.#timers.delete(cancel);
      if (this.#stopped) return;
      this.#due.push(chore);
      this.#runIfIdle();
    });
    this.#timers.add(cancel);
  }

  /** A turn ended: chores that came due meanwhile run once no other turn is running. */
  turnFinished(): void {
    if (this.#due.length === 0 || this.#checkScheduled) return;
    this.#checkScheduled = true;
    // Deferred: the turn is counted as running until its own end has been handled.
    this.#defer(() => {
      this.#checkScheduled = false;
      this.#runIfIdle();
    });
  }

  /** Forgets every chore not run yet (the server is shutting down). */
  stop(): void {
    this.#stopped = true;
    for (const cancel of this.#timers) cancel();
    this.#timers.clear();
    this.#due = [];
  }

  #runIfIdle(): void {
    if (this.#stopped || this.#turnsRunning()) return;
    for (const chore of this.#due.splice(0)) chore();
  }
}

function scheduleUnref(delayMs: number, task: () => void): () => void {
  const timer = setTimeout(task, delayMs).unref();
  return () => clearTimeout(timer);
}
