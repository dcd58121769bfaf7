import { resolve, sep } from 'node:path';
import { gitRepoRoot } from '../../util/git-repo-root.js';
import type { PlannedOperation } from './plan.js';
import { compareRustStrings } from './rust-text.js';
import { gitBlobOid, unifiedDiff } from './unified-diff.js';

const ZERO_OID = '0000000000000000000000000000000000000000';
const DEV_NULL = '/dev/null';
/** The reference always writes this mode: it tracks text, not file modes. */
const REGULAR_FILE_MODE = '100644';
/** Context lines in the turn diff (git's default; the per-item diffs use 1). */
const TURN_DIFF_CONTEXT = 3;

/**
 * The net change a turn's patches made, as the git-style diff `turn/diff/updated` carries. It follows the
 * reference's `TurnDiffTracker` (codex-rs/core `turn_diff_tracker.rs`), checked against 0.169.0:
 * - each file's baseline is its text before the turn's first change to it, taken from the plans (the file system
 *   is never re-read), including the text an add or a move overwrote;
 * - one `diff --git a/<p> b/<p>` section per file whose text differs from its baseline, sorted by displayed
 *   path; `new file mode 100644` / `deleted file mode 100644` for created and removed files, an
 *   `index <blob>..<blob>` line with git blob ids (zeros for a missing side), `---`/`+++` with `/dev/null` for a
 *   missing side, and hunks with 3 lines of context;
 * - a file moved during the turn (and not re-created at its origin) is one section `a/<origin> b/<destination>`;
 * - paths are shown relative to the display root (the git work tree of the cwd, else the cwd); a path outside
 *   it is shown absolute, giving the reference's `a//abs/path`.
 */
export class TurnDiffTracker {
  readonly #displayRoot: string;
  /** Text before the turn touched the file, for every touched path that existed. */
  readonly #baseline = new Map<string, string>();
  /** Text now, for every touched path that exists now. */
  readonly #current = new Map<string, string>();
  /** For a file that got where it is by moves this turn: where it started. */
  readonly #originOf = new Map<string, string>();

  constructor(displayRoot: string) {
    this.#displayRoot = resolve(displayRoot);
  }

  /** A tracker for a turn in `cwd`: paths are displayed relative to its git work tree, or to `cwd`. */
  static async forCwd(cwd: string): Promise<TurnDiffTracker> {
    return new TurnDiffTracker((await gitRepoRoot(cwd)) ?? cwd);
  }

  /**
   * Records operations that are now on disk, in the order they were written: a plan's `operations` after a
   * successful commit (the reference records nothing for a patch whose writing failed).
   */
  track(operations: readonly PlannedOperation[]): void {
    for (const operation of operations) {
      switch (operation.type) {
        case 'add':
          this.#trackAdd(operation.absolutePath, operation.content, operation.overwrittenContent);
          break;
        case 'delete':
          this.#trackDelete(operation.absolutePath, operation.previousContent);
          break;
        case 'update':
          this.#trackUpdate(
            operation.absolutePath,
            operation.absoluteMovePath === operation.absolutePath ? null : operation.absoluteMovePath,
            operation.previousContent,
            operation.overwrittenMoveContent,
            operation.newContent,
          );
          break;
        default: {
          const unknown: never = operation;
          throw new Error(`unknown operation ${JSON.stringify(unknown)}`);
        }
      }
    }
  }

  /** The turn's aggregated diff, or null when the tracked files are back to their baselines (or none). */
  unifiedDiff(): string | null {
    const renames = this.#renamePairs();
    const renamedTo = new Set(renames.values());
    const paths = [...new Set([...this.#baseline.keys(), ...this.#current.keys()])].sort((a, b) =>
      compareRustStrings(this.#display(a), this.#display(b)),
    );
    const done = new Set<string>();
    let aggregated = '';
    for (const path of paths) {
      if (done.has(path) || renamedTo.has(path)) continue;
      done.add(path);
      const destination = renames.get(path);
      if (destination !== undefined) done.add(destination);
      const diff = this.#renderDiff(path, destination ?? path);
      if (diff === null) continue;
      aggregated += diff;
      if (!aggregated.endsWith('\n')) aggregated += '\n';
    }
    return aggregated === '' ? null : aggregated;
  }

  #trackAdd(path: string, content: string, overwritten: string | null): void {
    this.#originOf.delete(path);
    if (overwritten !== null && !this.#current.has(path) && !this.#baseline.has(path)) {
      this.#baseline.set(path, overwritten);
    }
    this.#current.set(path, content);
  }

  #trackDelete(path: string, content: string): void {
    if (!this.#current.delete(path) && !this.#baseline.has(path)) this.#baseline.set(path, content);
    this.#originOf.delete(path);
  }

  #trackUpdate(
    source: string,
    destination: string | null,
    oldContent: string,
    overwrittenDestination: string | null,
    newContent: string,
  ): void {
    if (!this.#current.has(source) && !this.#baseline.has(source)) this.#baseline.set(source, oldContent);
    if (destination === null) {
      this.#current.set(source, newContent);
      return;
    }
    if (overwrittenDestination !== null && !this.#current.has(destination) && !this.#baseline.has(destination)) {
      this.#baseline.set(destination, overwrittenDestination);
    }
    const origin = this.#originOf.get(source) ?? source;
    this.#originOf.delete(source);
    this.#current.delete(source);
    this.#current.set(destination, newContent);
    this.#originOf.delete(destination);
    if (destination !== origin) this.#originOf.set(destination, origin);
  }

  /**
   * Moves shown as one section: origin → destination, when the origin is gone, the destination exists and had
   * no baseline of its own, and the origin had one.
   */
  #renamePairs(): Map<string, string> {
    const pairs = new Map<string, string>();
    for (const [destination, origin] of this.#originOf) {
      if (
        destination === origin ||
        this.#current.has(origin) ||
        !this.#current.has(destination) ||
        !this.#baseline.has(origin) ||
        this.#baseline.has(destination)
      ) {
        continue;
      }
      pairs.set(origin, destination);
    }
    return pairs;
  }

  #renderDiff(leftPath: string, rightPath: string): string | null {
    const left = this.#baseline.get(leftPath);
    const right = this.#current.get(rightPath);
    if (left === right) return null;
    const leftName = this.#display(leftPath);
    const rightName = this.#display(rightPath);
    let diff = `diff --git a/${leftName} b/${rightName}\n`;
    if (left === undefined) diff += `new file mode ${REGULAR_FILE_MODE}\n`;
    if (right === undefined) diff += `deleted file mode ${REGULAR_FILE_MODE}\n`;
    const leftOid = left === undefined ? ZERO_OID : gitBlobOid(left);
    const rightOid = right === undefined ? ZERO_OID : gitBlobOid(right);
    diff += `index ${leftOid}..${rightOid}\n`;
    diff += unifiedDiff(left ?? '', right ?? '', TURN_DIFF_CONTEXT, {
      oldLabel: left === undefined ? DEV_NULL : `a/${leftName}`,
      newLabel: right === undefined ? DEV_NULL : `b/${rightName}`,
    });
    return diff;
  }

  /** `path` relative to the display root when inside it, else as is; always with `/` separators. */
  #display(path: string): string {
    const root = this.#displayRoot;
    let shown = path;
    if (path === root) shown = '';
    else if (path.startsWith(root.endsWith(sep) ? root : root + sep)) {
      shown = path.slice(root.endsWith(sep) ? root.length : root.length + 1);
    }
    return shown.split('\\').join('/');
  }
}
