import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { JsonMapFile } from '../../persistence/json-map-file.js';
import { ThreadReadStateSchema, type ThreadReadState } from '../../protocol/v2/thread.js';

/** Where read receipts are kept: one small JSON file, thread id → read state. */
export const READ_STATES_FILE = 'thread_read_states.json';

/**
 * Tells the clients that follow `threadId` its receipt changed (`thread/readState/changed`). The thread manager
 * decides who that is; the store only knows receipts.
 */
export type ReadStateAnnouncer = (threadId: string, readState: ThreadReadState) => void;

/** Why a read-state update was refused. */
export type ReadStateUpdateOutcome =
  | { readonly ok: true; readonly readState: ThreadReadState }
  | { readonly ok: false; readonly reason: 'unavailable' }
  | { readonly ok: false; readonly reason: 'conflict'; readonly readState: ThreadReadState };

/**
 * Durable read receipts of threads, as the reference keeps them [observed on 0.169.0]:
 * - a thread has one once it is persisted (its first turn started; ephemeral threads never are): until something
 *   changes it is read, with revision `initial:<thread id>`; before that it is "unavailable";
 * - every completed turn makes a read thread unread from that turn (`firstUnread: {type: "turn", turnId}`), keeps
 *   an unread thread's earlier position, and gives a new revision (failed turns change nothing);
 * - `read` clears the position, `unread` marks the whole thread (`{type: "threadStart"}`); both need the current
 *   revision, so a client acting on a stale view is refused;
 * - each change is announced as `thread/readState/changed` (to the thread's experimental subscribers: see
 *   `LoadedThread.emitToExperimental`), before the turn goes idle or the update is answered.
 * Revisions are random UUIDs, as the reference's are. The file is rewritten after each change, one write at a
 * time, in the CODEX_HOME the server was started with.
 */
export class ReadStateStore {
  readonly #file: JsonMapFile<ThreadReadState>;
  readonly #announce: ReadStateAnnouncer;

  constructor(codexHome: string, announce: ReadStateAnnouncer) {
    this.#file = new JsonMapFile(join(codexHome, READ_STATES_FILE), ThreadReadStateSchema);
    this.#announce = announce;
  }

  /** The receipt of a thread; `persisted` says whether the thread has a rollout (is in the thread index). */
  async get(threadId: string, persisted: boolean): Promise<ThreadReadState | null> {
    return (await this.#file.load()).get(threadId) ?? (persisted ? initialState(threadId) : null);
  }

  /** A turn of `threadId` ended: new activity to read. */
  async turnEnded(threadId: string, turnId: string): Promise<void> {
    const states = await this.#file.load();
    const previous = states.get(threadId);
    const firstUnread = previous?.firstUnread ?? { type: 'turn' as const, turnId };
    await this.#change(threadId, { firstUnread, revision: randomUUID() });
  }

  /** Applies a client's `read`/`unread` if `expectedRevision` is still current. */
  async update(
    threadId: string,
    persisted: boolean,
    operation: 'read' | 'unread',
    expectedRevision: string,
  ): Promise<ReadStateUpdateOutcome> {
    const states = await this.#file.load();
    const current = states.get(threadId) ?? (persisted ? initialState(threadId) : undefined);
    if (current === undefined) return { ok: false, reason: 'unavailable' };
    if (current.revision !== expectedRevision) return { ok: false, reason: 'conflict', readState: current };
    const next: ThreadReadState = {
      firstUnread: operation === 'read' ? null : { type: 'threadStart' },
      revision: randomUUID(),
    };
    await this.#change(threadId, next);
    return { ok: true, readState: next };
  }

  /** Drops a thread's receipt (its rollout was deleted); nobody is told, the thread is gone. */
  async forget(threadId: string): Promise<void> {
    const states = await this.#file.load();
    if (!states.has(threadId)) return;
    await this.#file.set(threadId, undefined);
  }

  /**
   * Records, announces and persists a change. Resolves once the file is written, so that whoever reports the
   * change (turn/completed, the update's response) does so after it is durable.
   */
  async #change(threadId: string, next: ThreadReadState): Promise<void> {
    const written = this.#file.set(threadId, next);
    this.#announce(threadId, next);
    await written;
  }
}

/** A persisted thread nobody has marked yet: read, with the reference's initial revision [observed]. */
function initialState(threadId: string): ThreadReadState {
  return { firstUnread: null, revision: `initial:${threadId}` };
}
