import { randomBytes } from 'node:crypto';
import { type FileHandle, lstat, mkdir, open, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ApplyPatchCommitError } from './errors.js';
import { errorCode } from './io-error.js';
import type { PatchPlan, PlannedOperation } from './plan.js';

/**
 * Writing a plan. Operations are written in patch order; each file is replaced atomically (the new text goes to
 * a temporary file in the same directory, which is then renamed over the target), so a reader or a crash sees
 * the old file or the new one, never a mix. As in the reference, a failure stops the patch but keeps what was
 * already written.
 */

/**
 * Writes every operation of `plan`. Throws {@link ApplyPatchCommitError} at the first operation that fails,
 * naming the operations already on disk and the failed one; no temporary file is left behind.
 *
 * Per operation: an add creates missing parent directories and keeps the mode of a file it overwrites; an update
 * keeps the file's mode (and owner, where allowed); a move writes the destination with the source's mode, then
 * removes the source; a delete removes the file. A symbolic link to a file is followed, so the file it points to
 * is replaced and the link stays.
 */
export async function commitPatch(plan: PatchPlan): Promise<void> {
  const committed: PlannedOperation[] = [];
  for (const operation of plan.operations) {
    try {
      await commitOperation(operation);
    } catch (error) {
      if (!(error instanceof StepError)) throw error;
      throw new ApplyPatchCommitError(error.message, [...committed], operation, { cause: error.cause });
    }
    committed.push(operation);
  }
}

/** A failed write, worded as the reference's `anyhow` context (the OS error goes in `cause`). */
class StepError extends Error {}

async function step(message: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    throw new StepError(message, { cause: error });
  }
}

async function commitOperation(operation: PlannedOperation): Promise<void> {
  const { absolutePath } = operation;
  switch (operation.type) {
    case 'add':
      await step(`Failed to write file ${absolutePath}`, () => replaceFile(absolutePath, operation.content));
      return;
    case 'delete':
      await step(`Failed to delete file ${absolutePath}`, () => unlink(absolutePath));
      return;
    case 'update': {
      const destination = operation.absoluteMovePath;
      // A move onto itself is an in-place update (the reference would write the file, then delete it).
      if (destination === null || destination === absolutePath) {
        await step(`Failed to write file ${absolutePath}`, () => replaceFile(absolutePath, operation.newContent));
        return;
      }
      await step(`Failed to write file ${destination}`, () =>
        replaceFile(destination, operation.newContent, absolutePath),
      );
      await step(`Failed to remove original ${absolutePath}`, () => unlink(absolutePath));
      return;
    }
    default: {
      const unknown: never = operation;
      throw new Error(`unknown operation ${JSON.stringify(unknown)}`);
    }
  }
}

/** What to give the new file: the mode and owner of an existing file. */
interface Inherited {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/**
 * Atomically gives `target` the text `content`, creating parent directories. Mode and owner come from
 * `inheritFrom` (a move's source) or else from the file being replaced; a new file gets the default mode.
 */
async function replaceFile(target: string, content: string, inheritFrom?: string): Promise<void> {
  const path = await followLink(target);
  const inherited = await inheritedAttributes(inheritFrom ?? path);
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  // Hidden, unique, and in the target's directory so that the rename stays on one file system (atomic).
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.apply-patch.tmp`);
  // A new file is created with 0666 minus the umask, the mode `open` gives any new file; a replaced file's
  // mode is set explicitly afterwards (the umask would otherwise strip bits from it).
  const handle = await open(temporary, 'wx', inherited === null ? 0o666 : 0o600);
  try {
    try {
      await writeAll(handle, content, inherited);
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeAll(handle: FileHandle, content: string, inherited: Inherited | null): Promise<void> {
  await handle.writeFile(content, 'utf8');
  if (inherited !== null) {
    await handle.chmod(inherited.mode);
    // Only root may give a file away; for anyone else this is a no-op or fails harmlessly.
    if (inherited.uid !== process.getuid?.() || inherited.gid !== process.getgid?.()) {
      await handle.chown(inherited.uid, inherited.gid).catch(() => undefined);
    }
  }
  // Flush before the rename makes the file visible, so a crash cannot leave an empty file in its place.
  await handle.sync();
}

/** The file a symbolic link at `path` points to (so the link survives), or `path` itself. */
async function followLink(path: string): Promise<string> {
  try {
    if (!(await lstat(path)).isSymbolicLink()) return path;
    return await realpath(path);
  } catch (error) {
    // No file yet, or a dangling link: write at the path as given.
    if (errorCode(error) === 'ENOENT') return path;
    throw error;
  }
}

async function inheritedAttributes(path: string): Promise<Inherited | null> {
  try {
    const stats = await stat(path);
    return { mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid };
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null;
    throw error;
  }
}
