import { randomInt } from 'node:crypto';
import type { ExecProcess } from './exec-process.js';
import { MAX_PROCESSES, PROCESS_ID_MAX, PROCESS_ID_MIN, PRUNE_PROTECTED_RECENT } from './limits.js';

/** What the store needs of an entry: its id, when it was last used, and whether its process has exited. */
export interface StoreEntry {
  readonly id: number;
  /** performance.now() of the last exec/write/poll on it (least recently used ones are pruned first). */
  lastUsed: number;
  readonly process: { readonly hasExited: boolean };
}

/** A command that outlived its first window: a session the model continues with `write_stdin`. */
export interface StoredProcess extends StoreEntry {
  readonly process: ExecProcess;
  /** The `exec_command` call that started it (the `commandExecution` item's id). */
  readonly callId: string | undefined;
  readonly command: readonly string[];
  readonly cwd: string;
  /** performance.now() when its first read window started (the reference's `started_at`; durations count from it). */
  readonly startedAt: number;
}

/**
 * Process ids and live sessions. Ids are random in [1000, 100000) and unique among reserved ones; an id is
 * reserved from allocation until the process is released (exited and reported, pruned, or terminated).
 */
export class ProcessStore<E extends StoreEntry = StoredProcess> {
  readonly #reserved = new Set<number>();
  readonly #entries = new Map<number, E>();
  readonly #randomId: () => number;

  constructor(randomId: () => number = () => randomInt(PROCESS_ID_MIN, PROCESS_ID_MAX)) {
    this.#randomId = randomId;
  }

  get size(): number {
    return this.#entries.size;
  }

  allocateId(): number {
    for (;;) {
      const id = this.#randomId();
      if (!this.#reserved.has(id)) {
        this.#reserved.add(id);
        return id;
      }
    }
  }

  get(id: number): E | undefined {
    return this.#entries.get(id);
  }


  /** Stores a session; when the store is full, first removes (and returns) the one to prune. */
  insert(entry: E): { readonly pruned: E | undefined; readonly count: number } {
    const pruned = this.#entries.size >= MAX_PROCESSES ? this.#pickPrunable() : undefined;
    if (pruned !== undefined) this.release(pruned.id);
    this.#entries.set(entry.id, entry);
    return { pruned, count: this.#entries.size };
  }

  /** Forgets the session and frees its id. */
  release(id: number): E | undefined {
    const entry = this.#entries.get(id);
    this.#entries.delete(id);
    this.#reserved.delete(id);
    return entry;
  }

  /** Removes every session and frees every id. */
  drain(): E[] {
    const all = [...this.#entries.values()];
    this.#entries.clear();
    this.#reserved.clear();
    return all;
  }

  /**
   * The reference's pruning policy: the 8 most recently used sessions are safe; among the rest the least
   * recently used one that has exited goes first, else the least recently used one.
   */
  #pickPrunable(): E | undefined {
    const byRecency = [...this.#entries.values()].sort((a, b) => b.lastUsed - a.lastUsed);
    const protectedIds = new Set(byRecency.slice(0, PRUNE_PROTECTED_RECENT).map((entry) => entry.id));
    const lru = byRecency.reverse().filter((entry) => !protectedIds.has(entry.id));
    return lru.find((entry) => entry.process.hasExited) ?? lru[0];
  }
}
