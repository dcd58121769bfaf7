import type { Logger } from '../util/logger.js';

/** How long running turns may still finish after SIGTERM/SIGINT or stdin EOF (`--drain-timeout-seconds`). */
export const DEFAULT_DRAIN_TIMEOUT_SECONDS = 10;

export interface ServerShutdownOptions {
  /** The grace period of `drain`; 0 interrupts running turns at once. */
  readonly drainTimeoutMs: number;
  readonly log: Logger;
  /** From now on: requests get the draining error, `/readyz` answers 503, websocket upgrades are refused. */
  readonly refuseNewWork: () => void;
  /** Lets running turns end until `deadline`, then interrupts the rest; resolves when all have ended. */
  readonly finishTurns: (deadline: Promise<void>) => Promise<{ interrupted: number }>;
  /** How many turns run now (for the log). */
  readonly runningTurns: () => number;
  /** Closes connections, the listener and every rollout. */
  readonly closeEverything: () => Promise<void>;
}

/**
 * The server's one way down, in this order: refuse new work, let running turns finish within the grace period
 * (existing connections stay open so their clients see the turns end), interrupt what still runs, then close
 * connections, the listener and the rollouts. `drain` and `close` share that path; `close` only shortens the
 * grace period to nothing, also for a drain already under way. Both resolve when everything is closed.
 */
export class ServerShutdown {
  readonly #options: ServerShutdownOptions;
  readonly stopped: Promise<void>;
  #resolveStopped: () => void = () => {};
  #running: Promise<void> | undefined;
  #endGrace: () => void = () => {};
  readonly #graceOver: Promise<void>;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(options: ServerShutdownOptions) {
    this.#options = options;
    this.stopped = new Promise<void>((resolve) => {
      this.#resolveStopped = resolve;
    });
    this.#graceOver = new Promise<void>((resolve) => {
      this.#endGrace = resolve;
    });
  }

  /** Graceful: running turns get the grace period. */
  drain(): Promise<void> {
    return this.#start(this.#options.drainTimeoutMs);
  }

  /** Immediate: running turns are interrupted now. */
  close(): Promise<void> {
    this.#endGrace();
    return this.#start(0);
  }

  #start(graceMs: number): Promise<void> {
    if (this.#running !== undefined) return this.#running;
    this.#running = this.#run(graceMs);
    return this.#running;
  }

  async #run(graceMs: number): Promise<void> {
    const { log } = this.#options;
    this.#options.refuseNewWork();
    const running = this.#options.runningTurns();
    log.info({ runningTurns: running, drainTimeoutMs: graceMs }, 'draining: refusing new work, letting turns finish');
    if (graceMs > 0 && running > 0) this.#graceTimer = setTimeout(() => this.#endGrace(), graceMs);
    else this.#endGrace();
    try {
      const { interrupted } = await this.#options.finishTurns(this.#graceOver);
      if (interrupted > 0) log.info({ interrupted }, 'drain: interrupted the turns still running');
      await this.#options.closeEverything();
      log.info('drained: every rollout is flushed, exiting');
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
    } finally {
      clearTimeout(this.#graceTimer);
      this.#resolveStopped();
    }
  }
}
