import { ServerNotifications } from '../../protocol/registry.js';
import type { Logger } from '../../util/logger.js';
import type { Broadcaster } from '../clients/broadcast.js';
import type { ClientChannel } from '../clients/client-channel.js';
import { finishRunningTurns } from '../turns/turn-drain.js';
import { IdleUnloader } from './idle-unloader.js';
import { LoadedThread } from './loaded-thread.js';
import type { ThreadInit } from './thread-creation.js';

export interface LoadedThreadsOptions {
  /** Every initialized connection: status changes and unloads are announced to all of them. */
  readonly broadcaster: Broadcaster;
  readonly log: Logger;
  /** How long a thread without subscribers and turns stays loaded (read when the first one goes idle). */
  readonly unloadDelayMs: () => number;
  /** Told of every thread registered, before anyone can use it (its MCP servers are attached there). */
  readonly onRegister: (thread: LoadedThread) => void;
}

/**
 * The threads held in memory, and their coming and going: registering one (loaded once however many resumes ask at
 * the same time), its subscribers, unloading it when nobody watches it any more or when it is archived, and ending
 * them all at shutdown. How a thread is built (new, or read back from its rollout) is thread-creation.ts's business;
 * the thread manager puts the two together.
 */
export class LoadedThreads {
  readonly #options: LoadedThreadsOptions;
  readonly #loaded = new Map<string, LoadedThread>();
  /** In-flight loads, so two resumes of one thread load it once. */
  readonly #loading = new Map<string, Promise<LoadedThread>>();
  #idleUnloader: IdleUnloader | undefined;

  constructor(options: LoadedThreadsOptions) {
    this.#options = options;
  }

  /** A loaded thread, or undefined. `id` must be canonical (see parseThreadId). */
  get(id: string): LoadedThread | undefined {
    return this.#loaded.get(id);
  }

  /** Whether `thread` is still the loaded thread of its id (not unloaded, nor reloaded since). */
  isLoaded(thread: LoadedThread): boolean {
    return this.#loaded.get(thread.id) === thread;
  }

  /** Ids of loaded threads, in load order. */
  ids(): string[] {
    return [...this.#loaded.keys()];
  }

  /** Ids of the loaded threads with a turn running now. */
  runningTurnThreadIds(): string[] {
    return [...this.#loaded.values()].filter((thread) => thread.activeTurn !== null).map((thread) => thread.id);
  }

  /** A new loaded thread, kept in memory from now on; its status reaches every connection. */
  register(init: ThreadInit): LoadedThread {
    const thread = new LoadedThread({ ...init, everyone: this.#options.broadcaster });
    this.#loaded.set(thread.id, thread);
    this.#options.onRegister(thread);
    return thread;
  }

  /** The thread `id` loaded by `load`, unless a load of it is already under way: then that load's thread. */
  loadOnce(id: string, load: () => Promise<LoadedThread>): Promise<LoadedThread> {
    let loading = this.#loading.get(id);
    if (loading === undefined) {
      loading = load().finally(() => this.#loading.delete(id));
      this.#loading.set(id, loading);
    }
    return loading;
  }

  /** Makes `channel` a subscriber of `thread` until it unsubscribes or disconnects. */
  subscribe(thread: LoadedThread, channel: ClientChannel): void {
    if (!thread.subscribe(channel)) return;
    channel.onClose(() => this.unsubscribe(thread, channel.connectionId));
  }

  /**
   * Removes a subscriber; false when it was not one. Once the last one has left, the thread is unloaded after
   * the unload delay without subscribers and turns (`thread/status/changed notLoaded`, then `thread/closed`).
   */
  unsubscribe(thread: LoadedThread, connectionId: number): boolean {
    if (!thread.unsubscribe(connectionId)) return false;
    if (this.isLoaded(thread)) this.#idle().watch(thread);
    return true;
  }

  /** Cancels a pending idle unload of thread `id` (it is about to be unloaded another way). */
  forgetIdle(id: string): void {
    this.#idleUnloader?.forget(id);
  }

  /**
   * Drops a thread from memory (after archive, or when idle without subscribers): closes its rollout and tells
   * every connection it is `notLoaded` (the reference broadcasts both notifications; probed).
   */
  async unload(thread: LoadedThread, options: { announceClosed: boolean }): Promise<void> {
    if (!this.isLoaded(thread)) return;
    this.#loaded.delete(thread.id);
    thread.activeTurn?.abort.abort(new Error('thread unloaded'));
    await thread.activeTurn?.done;
    await thread.runUnloadTasks();
    await thread.writer?.close().catch((error: unknown) => {
      this.#options.log.error({ err: error, threadId: thread.id }, 'closing rollout failed');
    });
    thread.status = { type: 'notLoaded' };
    const broadcaster = this.#options.broadcaster;
    broadcaster.broadcast(ServerNotifications.threadStatusChanged, { threadId: thread.id, status: thread.status });
    if (options.announceClosed) broadcaster.broadcast(ServerNotifications.threadClosed, { threadId: thread.id });
  }

  /** Lets running turns finish until `deadline`, then interrupts them (see turn-drain.ts); idle unloads stop. */
  async finishTurns(deadline: Promise<void>): Promise<{ interrupted: number }> {
    this.#idleUnloader?.close();
    return finishRunningTurns(this.#loaded.values(), deadline);
  }

  /** Ends every running turn at once and closes every rollout (the last step of shutdown). */
  async closeAll(): Promise<void> {
    this.#idleUnloader?.close();
    const threads = [...this.#loaded.values()];
    for (const thread of threads) thread.activeTurn?.abort.abort(new Error('server shutting down'));
    await Promise.all(threads.flatMap((thread) => (thread.activeTurn ? [thread.activeTurn.done] : [])));
    await Promise.all(threads.map((thread) => thread.runUnloadTasks()));
    await Promise.all(threads.flatMap((thread) => (thread.writer ? [thread.writer.close().catch(() => {})] : [])));
  }

  #idle(): IdleUnloader {
    this.#idleUnloader ??= new IdleUnloader({
      delayMs: this.#options.unloadDelayMs(),
      isLoaded: (thread) => this.isLoaded(thread),
      unload: (thread) => this.unload(thread, { announceClosed: true }),
      onError: (error, thread) =>
        this.#options.log.error({ err: error, threadId: thread.id }, 'unloading an idle thread failed'),
    });
    return this.#idleUnloader;
  }
}
