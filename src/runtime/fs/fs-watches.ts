import { ServerNotifications } from '../../protocol/registry.js';
import type { ClientChannel } from '../clients/client-channel.js';
import { FsRequestError } from './fs-request-error.js';
import { PathWatcher } from './path-watcher.js';

/**
 * How long changes are collected before one `fs/changed` goes out, counted from the first change of a batch.
 * One edit is several low-level events (write, rename, attributes); the reference batches them the same way
 * (200 ms; `fs/changed` arrived ~220 ms after a write [observed]).
 */
export const FS_CHANGED_DEBOUNCE_MS = 200;

/** One client watch: a path watcher and the changes not yet reported. */
class ActiveWatch {
  readonly #watcher: PathWatcher;
  readonly #pending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(path: string, emit: (changedPaths: string[]) => void) {
    this.#watcher = new PathWatcher(path, (changed) => {
      this.#pending.add(changed);
      if (this.#timer !== undefined) return;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        const changedPaths = [...this.#pending].sort(comparePaths);
        this.#pending.clear();
        emit(changedPaths);
      }, FS_CHANGED_DEBOUNCE_MS);
      this.#timer.unref();
    });
  }

  /** Stops watching and drops unreported changes, so nothing is sent after `fs/unwatch` is answered. */
  close(): void {
    this.#watcher.close();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }
}

/**
 * The watches of one connection, by the client's `watchId` (client-chosen and connection-scoped, as in the
 * reference: two connections may use the same id, and neither can unwatch the other's).
 */
export class ConnectionWatches {
  readonly #channel: ClientChannel;
  readonly #watches = new Map<string, ActiveWatch>();
  #closed = false;

  constructor(channel: ClientChannel) {
    this.#channel = channel;
  }

  /**
   * Starts reporting changes of `path` as `fs/changed {watchId, changedPaths}`. The path need not exist: its
   * creation is a change.
   * @throws FsRequestError `watchId already exists: <id>` [observed]
   */
  watch(watchId: string, path: string): void {
    if (this.#watches.has(watchId)) throw new FsRequestError(`watchId already exists: ${watchId}`);
    if (this.#closed) return;
    const watch = new ActiveWatch(path, (changedPaths) =>
      this.#channel.notify(ServerNotifications.fsChanged, { watchId, changedPaths }),
    );
    this.#watches.set(watchId, watch);
  }

  /** Stops a watch; an unknown id is not an error [observed]. */
  unwatch(watchId: string): void {
    this.#watches.get(watchId)?.close();
    this.#watches.delete(watchId);
  }

  /** Ends every watch of the connection; later watches are ignored. */
  close(): void {
    this.#closed = true;
    for (const watch of this.#watches.values()) watch.close();
    this.#watches.clear();
  }
}

/** The watch tables of a server's connections, each created on first use and closed with its connection. */
export class FsWatches {
  readonly #tables = new WeakMap<ClientChannel, ConnectionWatches>();

  of(channel: ClientChannel): ConnectionWatches {
    let table = this.#tables.get(channel);
    if (table === undefined) {
      const created = new ConnectionWatches(channel);
      this.#tables.set(channel, created);
      channel.onClose(() => created.close());
      table = created;
    }
    return table;
  }
}

/**
 * Orders paths as Rust's `Path` ordering does, which the reference sorts `changedPaths` by: component by
 * component, each compared as bytes (so `/a/b` sorts before `/a-b`, unlike a plain string comparison).
 */
export function comparePaths(left: string, right: string): number {
  const a = left.split('/');
  const b = right.split('/');
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const order = Buffer.compare(Buffer.from(a[index] ?? ''), Buffer.from(b[index] ?? ''));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}
