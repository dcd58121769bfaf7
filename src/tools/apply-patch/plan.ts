import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyChunks } from './apply-chunks.js';
import { ApplyPatchError, invalidPatch } from './errors.js';
import { rustIoErrorText } from './io-error.js';
import type { Patch } from './patch.js';
import { decodeUtf8Lossy, decodeUtf8Strict } from './utf8.js';

/**
 * Planning: everything a patch will do, computed from the files as they are now, before anything is written.
 * `commitPatch` then only writes; the fileChange item, its diffs and the turn diff come from the plan.
 */

/** A patch ready to be written: one operation per hunk, in patch order, with the content each one writes. */
export interface PatchPlan {
  /** The absolute directory relative paths were resolved against (the thread's cwd). */
  readonly cwd: string;
  readonly patch: Patch;
  readonly operations: readonly PlannedOperation[];
}

export type PlannedOperation = PlannedAdd | PlannedDelete | PlannedUpdate;

interface PlannedBase {
  /** The path as the model wrote it (what the success summary lists). */
  readonly path: string;
  /** `path` resolved against the cwd and normalised. Unique within a plan. */
  readonly absolutePath: string;
}

/** `*** Add File`: creates the file, or overwrites it (the reference does not refuse an existing file). */
export interface PlannedAdd extends PlannedBase {
  readonly type: 'add';
  readonly content: string;
  /** The text of the file this add overwrites, or null when there is none (for the turn diff's baseline). */
  readonly overwrittenContent: string | null;
}

export interface PlannedDelete extends PlannedBase {
  readonly type: 'delete';
  /** The file's text before the delete. */
  readonly previousContent: string;
}

export interface PlannedUpdate extends PlannedBase {
  readonly type: 'update';
  /** `*** Move to:` as written, or null. */
  readonly movePath: string | null;
  /** `movePath` resolved against the cwd, or null. May equal `absolutePath` (then it is an in-place update). */
  readonly absoluteMovePath: string | null;
  readonly previousContent: string;
  readonly newContent: string;
  /** The text of an existing file at the move destination, which the move replaces; null when there is none. */
  readonly overwrittenMoveContent: string | null;
}

/**
 * Plans `patch` against the files under `cwd` (an absolute path). Reads files, writes nothing.
 *
 * Operations see the effect of earlier ones in the same patch (an update of a file an earlier hunk moved there
 * applies to the moved text), since that is what writing them in order produces. Throws {@link ApplyPatchError}
 * with the reference's message, at the first problem in patch order:
 * - no operation at all (`emptyPatch`);
 * - two operations on one path (`parse`: `invalid patch: multiple operations target <path>`);
 * - a file to update or delete that cannot be read as UTF-8 text, or is not a regular file (`io`:
 *   `Failed to read file to update <path>: …`, `Failed to read <path>: …`);
 * - an update whose context or lines are not in the file (`compute`).
 */
export async function planPatch(patch: Patch, cwd: string): Promise<PatchPlan> {
  if (patch.hunks.length === 0) throw new ApplyPatchError('emptyPatch', 'patch rejected: empty patch');
  const root = resolve(cwd);
  const files = new PlanningView();
  const targets = new Set<string>();
  const operations: PlannedOperation[] = [];
  for (const hunk of patch.hunks) {
    const absolutePath = resolve(root, hunk.path);
    // The reference keys its changes by the hunk's own path (an update's source, not its destination).
    if (targets.has(absolutePath)) throw invalidPatch(`multiple operations target ${absolutePath}`);
    targets.add(absolutePath);
    switch (hunk.type) {
      case 'add': {
        const overwrittenContent = await files.readIfText(absolutePath);
        files.set(absolutePath, hunk.contents);
        operations.push({ type: 'add', path: hunk.path, absolutePath, content: hunk.contents, overwrittenContent });
        break;
      }
      case 'delete': {
        const previousContent = await files.read(absolutePath, `Failed to read ${absolutePath}`);
        files.set(absolutePath, null);
        operations.push({ type: 'delete', path: hunk.path, absolutePath, previousContent });
        break;
      }
      case 'update': {
        const previousContent = await files.read(absolutePath, `Failed to read file to update ${absolutePath}`);
        const newContent = applyChunks(previousContent, hunk.chunks, absolutePath);
        const absoluteMovePath = hunk.movePath === null ? null : resolve(root, hunk.movePath);
        const moves = absoluteMovePath !== null && absoluteMovePath !== absolutePath;
        const overwrittenMoveContent = moves ? await files.readIfText(absoluteMovePath) : null;
        if (moves) files.set(absolutePath, null);
        files.set(absoluteMovePath ?? absolutePath, newContent);
        operations.push({
          type: 'update',
          path: hunk.path,
          absolutePath,
          movePath: hunk.movePath,
          absoluteMovePath,
          previousContent,
          newContent,
          overwrittenMoveContent,
        });
        break;
      }
      default: {
        const unknown: never = hunk;
        throw new Error(`unknown hunk ${JSON.stringify(unknown)}`);
      }
    }
  }
  return { cwd: root, patch, operations };
}

/** The file system as the patch's earlier operations will have left it: disk, overlaid with planned writes. */
class PlanningView {
  /** Planned content per absolute path; null for a path the plan deletes or moves away. */
  readonly #planned = new Map<string, string | null>();

  set(path: string, content: string | null): void {
    this.#planned.set(path, content);
  }

  /** The text of a file the patch needs; throws `io` with `context` as the reference words it. */
  async read(path: string, context: string): Promise<string> {
    const planned = this.#planned.get(path);
    if (planned !== undefined) {
      if (planned === null) throw new ApplyPatchError('io', `${context}: No such file or directory (os error 2)`);
      return planned;
    }
    try {
      if (!(await stat(path)).isFile()) {
        throw new ApplyPatchError('io', `${context}: path \`${path}\` is not a file`);
      }
      return decodeUtf8Strict(await readFile(path));
    } catch (error) {
      if (error instanceof ApplyPatchError) throw error;
      throw new ApplyPatchError('io', `${context}: ${rustIoErrorText(error)}`, { cause: error });
    }
  }

  /** The text of a regular file at `path`, or null when there is none or it cannot be read (never throws). */
  async readIfText(path: string): Promise<string | null> {
    const planned = this.#planned.get(path);
    if (planned !== undefined) return planned;
    try {
      if (!(await stat(path)).isFile()) return null;
      return decodeUtf8Lossy(await readFile(path));
    } catch {
      return null;
    }
  }
}
