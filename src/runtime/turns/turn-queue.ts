import { ServerNotifications } from '../../protocol/registry.js';
import type { QueuedSubmission } from '../../protocol/v2/thread-queue.js';
import type { Turn } from '../../protocol/v2/turn.js';
import type { Logger } from '../../util/logger.js';
import type { Broadcaster } from '../clients/broadcast.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import type { CallerIdentity } from '../threads/thread-caller.js';
import { startTurn } from './turn-runner.js';
import type { TurnDependencies } from './turn-dependencies.js';

/** Who queued a submission: its turn's model requests identify that client, as turn/start's do. */
export type QueueCaller = CallerIdentity;

export interface TurnQueueOptions {
  /** `thread/queue/changed` goes to every initialized connection (the reference sends it to clients that are
   *  not subscribed to the thread [observed]). */
  readonly broadcaster: Broadcaster;
  /** Whether `thread` is still the loaded thread of its id (not unloaded since). */
  readonly isLoaded: (thread: LoadedThread) => boolean;
  /** What a queued turn runs with; throws when the thread's settings cannot make a model client. */
  readonly dependencies: (thread: LoadedThread, caller: QueueCaller) => TurnDependencies;
  readonly log: Logger;
}

interface QueuedTurn {
  readonly submission: QueuedSubmission;
  readonly caller: QueueCaller;
}

/**
 * The user-message queue of every thread (`thread/queue/add`): submissions that become the thread's next turns,
 * one at a time, oldest first, whenever the thread is loaded and idle. The reference keeps a stored thread's
 * queue while it is not loaded and starts it when the thread is resumed [observed]; so do we, in memory (the
 * reference's survives a restart in its state database).
 */
export class TurnQueue {
  readonly #options: TurnQueueOptions;
  readonly #byThread = new Map<string, QueuedTurn[]>();

  constructor(options: TurnQueueOptions) {
    this.#options = options;
  }

  /** Appends a submission to the queue of thread `threadId` (canonical id). Announcing it is the caller's. */
  add(threadId: string, submission: QueuedSubmission, caller: QueueCaller): void {
    const queue = this.#byThread.get(threadId) ?? [];
    queue.push({ submission, caller });
    this.#byThread.set(threadId, queue);
  }

  /**
   * thread/queue/add: queues a submission for thread `threadId` (`loaded` when it is loaded now). On a loaded idle
   * thread it starts at once, in the reference's order (observed from the reference 0.169.0): `thread/queue/changed`
   * (added), `thread/queue/changed` (taken), the response, then the turn's notifications. Otherwise the response
   * comes first, then `thread/queue/changed`; the submission waits for the running turn to end or for a resume.
   */
  submit(
    threadId: string,
    loaded: LoadedThread | undefined,
    submission: QueuedSubmission,
    caller: QueueCaller,
    afterResponse: (task: () => void) => void,
  ): void {
    this.add(threadId, submission, caller);
    if (loaded !== undefined && loaded.activeTurn === null) {
      this.announceChanged(threadId);
      this.startNext(loaded, afterResponse);
    } else {
      afterResponse(() => this.announceChanged(threadId));
    }
  }

  /** The submissions waiting on thread `threadId`, oldest first. */
  pending(threadId: string): QueuedSubmission[] {
    return (this.#byThread.get(threadId) ?? []).map((queued) => queued.submission);
  }

  /** `thread/queue/changed {threadId}`: the queue of the thread grew or shrank. */
  announceChanged(threadId: string): void {
    this.#options.broadcaster.broadcast(ServerNotifications.threadQueueChanged, { threadId });
  }

  /**
   * Starts the oldest submission as a turn when `thread` is loaded and idle: takes it off the queue, announces
   * the change, and starts the turn, whose notifications follow `afterResponse` as turn/start's do. Null when
   * nothing started (busy, unloaded, empty queue, or settings that cannot make a model client, which keep the
   * submission queued and are logged).
   */
  startNext(thread: LoadedThread, afterResponse: (task: () => void) => void = (task) => task()): Turn | null {
    if (thread.activeTurn !== null || !this.#options.isLoaded(thread)) return null;
    const queue = this.#byThread.get(thread.id);
    const next = queue?.[0];
    if (queue === undefined || next === undefined) return null;
    let deps: TurnDependencies;
    try {
      deps = this.#options.dependencies(thread, next.caller);
    } catch (error) {
      this.#options.log.error({ err: error, threadId: thread.id }, 'cannot start a queued turn');
      return null;
    }
    queue.shift();
    if (queue.length === 0) this.#byThread.delete(thread.id);
    this.announceChanged(thread.id);
    const { input, clientUserMessageId } = next.submission;
    return startTurn(thread, { input, clientUserMessageId }, deps, afterResponse);
  }
}
