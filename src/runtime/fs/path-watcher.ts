import { type FSWatcher, statSync, watch } from 'node:fs';
import { posix } from 'node:path';

/** One `fs.watch` handle and what it was opened on. */
interface Armed {
  readonly watcher: FSWatcher;
  /** The path the watch was opened on. */
  readonly target: string;
  /** `dev:ino` of what `target` resolved to when the watch was opened: a replaced directory needs a new watch. */
  readonly identity: string;
  /** Whether `target` was a directory, whose events name its children. */
  readonly isDirectory: boolean;
}

/**
 * Watches one absolute path, non-recursively, and reports which paths changed: the path itself for a file (or
 * its creation, deletion or replacement), and the direct children that changed for a directory [observed:
 * `echo > dir/new.txt` reports `dir/new.txt`, `rm -rf dir` reports `dir`, `dir/new.txt`, `dir/sub`].
 *
 * Two inotify watches, re-armed whenever the path's identity may have changed:
 * - the anchor, on the parent directory (or the nearest existing ancestor, so that a path that does not exist
 *   yet is reported when it appears), sees the path created, deleted and replaced;
 * - the self watch, on the path itself (following symlinks), sees its content change and, for a directory, its
 *   children.
 * Because the anchor watches the name rather than the inode, the watch survives its file being replaced by a
 * rename (an editor's atomic save), which the reference's inode watch does not: it goes silent after the first
 * replacement.
 *
 * All fs calls here are synchronous stat/watch calls on one path: cheap, and it keeps re-arming free of races
 * between overlapping events. Watch handles never keep the process alive.
 */
export class PathWatcher {
  readonly #path: string;
  readonly #onChange: (path: string) => void;
  #anchor: Armed | undefined;
  #self: Armed | undefined;
  /** What the path resolved to at the last (re)arming, watchable or not. */
  #selfIdentity: string | undefined;
  #closed = false;

  /** Starts watching at once; `onChange` is called for every changed path (repeats included). */
  constructor(path: string, onChange: (path: string) => void) {
    this.#path = path;
    this.#onChange = onChange;
    this.#arm();
  }

  /** Stops watching; no `onChange` calls follow. */
  close(): void {
    this.#closed = true;
    this.#anchor?.watcher.close();
    this.#self?.watcher.close();
    this.#anchor = undefined;
    this.#self = undefined;
  }

  /** (Re)opens both watches where the filesystem now is; true when the path appeared, vanished or was replaced. */
  #arm(): boolean {
    if (this.#closed) return false;
    const anchor = nearestExistingAncestor(this.#path);
    const anchorIdentity = anchor === undefined ? undefined : identityOf(anchor);
    if (this.#anchor?.target !== anchor || this.#anchor?.identity !== anchorIdentity?.key) {
      this.#anchor?.watcher.close();
      this.#anchor = undefined;
      if (anchor !== undefined && anchorIdentity !== undefined) {
        this.#anchor = this.#open(anchor, anchorIdentity, (_event, name) => this.#onAnchorEvent(anchor, name));
      }
    }

    const identity = identityOf(this.#path);
    const changed = this.#selfIdentity !== identity?.key;
    this.#selfIdentity = identity?.key;
    if (this.#self?.identity !== identity?.key) {
      this.#self?.watcher.close();
      this.#self = undefined;
      if (identity !== undefined) {
        this.#self = this.#open(this.#path, identity, (event, name) => this.#onSelfEvent(event, name));
      }
    }
    return changed;
  }

  #open(
    target: string,
    identity: Identity,
    listener: (event: string, name: string | null) => void,
  ): Armed | undefined {
    try {
      const watcher = watch(target, { persistent: false, encoding: 'utf8' }, listener);
      // A watch that fails later (its directory gone on some platforms) is dropped and re-armed from scratch.
      watcher.on('error', () => {
        watcher.close();
        if (this.#anchor?.watcher === watcher) this.#anchor = undefined;
        if (this.#self?.watcher === watcher) this.#self = undefined;
        this.#arm();
      });
      return { watcher, target, identity: identity.key, isDirectory: identity.isDirectory };
    } catch {
      // Not watchable (permission denied, vanished meanwhile): the anchor will notice when that changes.
      return undefined;
    }
  }

  #onAnchorEvent(anchor: string, name: string | null): void {
    if (this.#closed) return;
    // Events about the anchor itself (deleted, moved, replaced) carry its own name: re-arm where things are now,
    // and report the path if that changed what it names.
    if (name === posix.basename(anchor) && identityOf(anchor)?.key !== this.#anchor?.identity) {
      if (this.#arm()) this.#onChange(this.#path);
      return;
    }
    const parent = posix.dirname(this.#path);
    if (anchor === parent) {
      if (name !== null && name !== posix.basename(this.#path)) return;
      this.#onChange(this.#path);
      this.#arm();
      return;
    }
    // The anchor is a higher ancestor: only the next directory on the way to the path matters.
    const next = posix.relative(anchor, this.#path).split('/')[0];
    if (name !== null && name !== next) return;
    if (this.#arm()) this.#onChange(this.#path);
  }

  #onSelfEvent(event: string, name: string | null): void {
    const self = this.#self;
    if (this.#closed || self === undefined) return;
    if (!self.isDirectory) {
      this.#onChange(this.#path);
      // The file may have been deleted or replaced: follow the name to whatever is there now.
      if (event === 'rename') this.#arm();
      return;
    }
    // A directory's events name its children, except the ones about the directory itself (deleted, moved),
    // which carry the directory's own name: tell the two apart by whether the directory is still the same.
    if (name !== null && (name !== posix.basename(this.#path) || identityOf(this.#path)?.key === self.identity)) {
      this.#onChange(posix.join(this.#path, name));
      return;
    }
    this.#onChange(this.#path);
    this.#arm();
  }
}

/** The parent directory of `path`, or its nearest ancestor that exists; undefined for `/`. */
function nearestExistingAncestor(path: string): string | undefined {
  let candidate = path;
  while (candidate !== '/') {
    candidate = posix.dirname(candidate);
    if (identityOf(candidate)?.isDirectory) return candidate;
  }
  return undefined;
}

/** What a path resolves to: `dev:ino`, and whether it is a directory. */
interface Identity {
  readonly key: string;
  readonly isDirectory: boolean;
}

/** What `path` resolves to now, or undefined when it does not exist or cannot be stat'ed. */
function identityOf(path: string): Identity | undefined {
  try {
    const info = statSync(path, { bigint: true });
    return { key: `${info.dev}:${info.ino}`, isDirectory: info.isDirectory() };
  } catch {
    return undefined;
  }
}
