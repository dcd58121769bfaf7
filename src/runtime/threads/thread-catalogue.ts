import { rm, utimes } from 'node:fs/promises';
import { basename } from 'node:path';
import { threadRolloutFiles } from '../../persistence/history-chain.js';
import { isArchivedRolloutPath } from '../../persistence/layout.js';
import { moveFromArchive, moveToArchive } from '../../persistence/rollout-writer.js';
import { appendThreadName, removeThreadNames } from '../../persistence/session-index.js';
import { summarizeThread } from '../../persistence/thread-index.js';
import type { ThreadIndex, ThreadSummary } from '../../persistence/thread-index.js';
import type { LoadedThread } from './loaded-thread.js';
import { sessionMeta } from '../rollout/rollout-records.js';
import { ThreadRequestError } from './thread-request-error.js';

/** What the catalogue needs from the thread manager. */
export interface CatalogueHost {
  codexHome(): string;
  index(): ThreadIndex;
  loaded(id: string): LoadedThread | undefined;
  /** Writes a loaded thread's rollout (session_meta only) if it has none yet, and indexes it. */
  materialize(thread: LoadedThread): Promise<void>;
  /** Unloads a thread for good (archive, delete): no idle unload pending, no `thread/closed`. */
  unload(thread: LoadedThread): Promise<void>;
  /** Drops a deleted thread's read receipt. */
  forgetReadState(id: string): Promise<void>;
}

/**
 * The operations on a thread's place in the catalogue of stored threads: its name, and whether it is archived.
 * They run one at a time, as the reference serializes them (a single permit).
 */
export class ThreadCatalogue {
  readonly #host: CatalogueHost;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(host: CatalogueHost) {
    this.#host = host;
  }

  /**
   * thread/name/set: appends the name to `session_index.jsonl` (as the reference does), then shows it on the
   * loaded thread and in the index. A loaded thread that has had no turn gets its rollout first, as in the
   * reference, so that the named thread outlives an unload or a restart. `name` is already normalized.
   * @throws ThreadRequestError for an ephemeral, unknown or archived thread (the reference's texts).
   */
  setThreadName(id: string, name: string): Promise<void> {
    return this.#oneAtATime(async () => {
      const loaded = this.#host.loaded(id);
      if (loaded?.ephemeral === true) {
        throw new ThreadRequestError(`ephemeral thread does not support metadata updates: ${id}`);
      }
      if (loaded !== undefined) await this.#host.materialize(loaded);
      const summary = await this.#host.index().get(id);
      if (summary === undefined || summary.archived) throw new ThreadRequestError(`no rollout found for thread id ${id}`);
      await appendThreadName(this.#host.codexHome(), id, name);
      if (loaded !== undefined) loaded.name = name;
      this.#host.index().update(id, { name });
    });
  }

  /**
   * thread/archive: unloads the thread if it is loaded (a running turn is interrupted first; every connection
   * hears `thread/status/changed notLoaded`, no `thread/closed`), then moves its rollout to archived_sessions/.
   * A loaded thread that has had no turn gets its rollout first, as in the reference. Threads spawned by it
   * would be archived too in the reference; this server spawns none.
   * @throws ThreadRequestError `no rollout found for thread id <id>` for an unknown, ephemeral or archived thread.
   */
  archive(id: string): Promise<void> {
    return this.#oneAtATime(async () => {
      const loaded = this.#host.loaded(id);
      if (loaded !== undefined) {
        if (loaded.ephemeral) throw new ThreadRequestError(`no rollout found for thread id ${id}`);
        await this.#host.materialize(loaded);
        await this.#host.unload(loaded);
      }
      const summary = await this.#host.index().get(id);
      if (summary === undefined || summary.archived) throw new ThreadRequestError(`no rollout found for thread id ${id}`);
      // A reverted thread has several files (its history chain); they move together.
      const home = this.#host.codexHome();
      let path = summary.path;
      for (const file of await threadRolloutFiles(home, id)) {
        if (isArchivedRolloutPath(home, file)) continue;
        const moved = await moveToArchive(home, file);
        if (basename(file) === basename(summary.path)) path = moved;
      }
      this.#host.index().update(id, { path, archived: true });
    });
  }

  /**
   * thread/delete: unloads the thread if it is loaded (a running turn is interrupted first; every connection
   * hears `thread/status/changed notLoaded`), then removes its rollout and everything that points at it: its
   * entry in the thread index, its names in `session_index.jsonl`, its read receipt. Observed from the
   * reference 0.169.0: a thread that a fork was made from is refused (after it has been unloaded all the same),
   * since the fork's history still reads the source's rollout.
   * @throws ThreadRequestError for an ephemeral thread, a forked-from thread, or an unknown one (the
   *   reference's texts).
   */
  delete(id: string): Promise<void> {
    return this.#oneAtATime(async () => {
      const loaded = this.#host.loaded(id);
      if (loaded !== undefined) {
        if (loaded.ephemeral) throw new ThreadRequestError(`thread is not persisted and cannot be deleted: ${id}`);
        await this.#host.materialize(loaded);
        await this.#host.unload(loaded);
      }
      const summary = await this.#host.index().get(id);
      if (summary === undefined) throw new ThreadRequestError(`no rollout found for thread id ${id}`);
      if ((await this.#host.index().forksOf(id)).length > 0) {
        throw new ThreadRequestError(`cannot delete thread ${id}: forked history still references it`);
      }
      // Every file of the thread: a reverted thread's earlier files would otherwise bring it back at the next scan.
      for (const file of new Set([...(await threadRolloutFiles(this.#host.codexHome(), id)), summary.path])) {
        await rm(file, { force: true });
      }
      this.#host.index().remove(id);
      await removeThreadNames(this.#host.codexHome(), id);
      await this.#host.forgetReadState(id);
    });
  }

  /**
   * thread/unarchive: moves the rollout back under sessions/ and returns the thread's summary. The file's
   * mtime is set to now, as the reference does, so the thread sorts as just updated.
   * @throws ThreadRequestError `no archived rollout found for thread id <id>` when it is not archived.
   */
  unarchive(id: string): Promise<ThreadSummary> {
    return this.#oneAtATime(async () => {
      const summary = await this.#host.index().get(id);
      if (summary === undefined || !summary.archived) {
        throw new ThreadRequestError(`no archived rollout found for thread id ${id}`);
      }
      const home = this.#host.codexHome();
      let path = summary.path;
      for (const file of await threadRolloutFiles(home, id)) {
        if (!isArchivedRolloutPath(home, file)) continue;
        const moved = await moveFromArchive(home, file);
        if (basename(file) === basename(summary.path)) path = moved;
      }
      const now = new Date();
      await utimes(path, now, now);
      const patch = { path, archived: false, updatedAtMs: now.getTime() };
      this.#host.index().update(id, patch);
      return { ...summary, ...patch };
    });
  }

  #oneAtATime<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    this.#tail = run.catch(() => {});
    return run;
  }
}

/** A loaded thread's summary for thread/list's index (once its rollout exists). */
export function loadedThreadSummary(thread: LoadedThread, path: string): ThreadSummary {
  return summarizeThread({
    path,
    meta: sessionMeta({
      threadId: thread.id,
      createdAtMs: thread.createdAtMs,
      settings: thread.settings,
      originator: thread.originator,
      baseInstructions: thread.baseInstructions,
      forkedFromId: thread.forkedFromId,
      subAgent: thread.subAgent,
    }),
    archived: false,
    preview: thread.preview,
    model: thread.settings.model,
    updatedAtMs: thread.updatedAtMs,
    name: thread.name,
  });
}
