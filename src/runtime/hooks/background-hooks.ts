import type { HookEventName } from '../../protocol/v2/hooks.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { runHookCommand, type HookCommandOptions } from './hook-command.js';
import { readBackgroundHookOutput, type BackgroundHookOutput } from './hook-output.js';

/** How a background hook is run: a hook command's options, without the turn's signal (it outlives its turn). */
export type BackgroundHookOptions = Omit<HookCommandOptions, 'signal'>;

/**
 * The `"async": true` hooks of one loaded thread, run in the background as the reference 0.169.0 runs them
 * [observed]: started beside the event's other hooks, never waited for and never reported by `hook/started` or
 * `hook/completed`; what a finished one hands on (hook-output.ts readBackgroundHookOutput) waits here, in the order
 * the hooks finished, until the thread's turn next takes it (turns/turn-runner.ts: when a turn starts and around each
 * model request). They belong to the thread, not to a turn: an interrupted turn leaves them running, and output that
 * comes while the thread is idle waits for its next turn. A hook still running at its timeout is killed; unloading
 * the thread or stopping the server kills them all, each with its whole process group (the reference kills only the
 * hook's own shell, leaving what it started behind: this server leaves nothing).
 */
export class BackgroundHooks {
  readonly #stop = new AbortController();
  readonly #running = new Set<Promise<void>>();
  readonly #ready: BackgroundHookOutput[] = [];

  /** Starts one hook; it runs until it ends, its timeout, or close(). */
  start(event: HookEventName, options: BackgroundHookOptions): void {
    if (this.#stop.signal.aborted) return;
    const run = runHookCommand({ ...options, signal: this.#stop.signal }).then((result) => {
      const output = readBackgroundHookOutput(event, result);
      if (output !== null && !this.#stop.signal.aborted) this.#ready.push(output);
    });
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  /** What the hooks that finished since the last call hand on, in the order they finished. */
  take(): BackgroundHookOutput {
    const taken = this.#ready.splice(0);
    return { contexts: taken.flatMap((output) => output.contexts), warnings: taken.flatMap((output) => output.warnings) };
  }

  /** Kills every running hook (with its process group), drops what waits, and starts no more; resolves once all ended. */
  async close(): Promise<void> {
    this.#stop.abort();
    this.#ready.length = 0;
    await Promise.all(this.#running);
  }
}

const byThread = new WeakMap<LoadedThread, BackgroundHooks>();

/** The background hooks of `thread`, created at its first and closed when it is unloaded or the server stops. */
export function backgroundHooksOf(thread: LoadedThread): BackgroundHooks {
  let hooks = byThread.get(thread);
  if (hooks === undefined) {
    const created = new BackgroundHooks();
    hooks = created;
    byThread.set(thread, created);
    thread.onUnload(() => created.close());
  }
  return hooks;
}
