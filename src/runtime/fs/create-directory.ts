import { mkdir, stat } from 'node:fs/promises';
import { errnoCode } from '../../util/os-error.js';

/**
 * Creates a directory and, when `recursive`, its missing parents, with the outcomes of Rust's `create_dir_all`
 * (which the reference calls): an existing directory (or a symlink to one) is success; an existing file, or a
 * dangling symlink, is `File exists (os error 17)`; a file on the way is `Not a directory (os error 20)`
 * [observed]. Node's own recursive mkdir reports some of these differently, hence the explicit walk.
 * @throws Node's system error
 */
export async function createDirectory(path: string | Buffer, recursive: boolean): Promise<void> {
  if (recursive) await createDirectoryAll(path);
  else await mkdir(path);
}

async function createDirectoryAll(path: string | Buffer): Promise<void> {
  try {
    await mkdir(path);
    return;
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') {
      if (await isDirectory(path)) return;
      throw error;
    }
  }
  const parent = parentOf(path);
  // Only `/` has no parent, and `/` exists; Rust's text for the impossible case.
  if (parent === undefined) throw new Error('failed to create whole tree');
  await createDirectoryAll(parent);
  try {
    await mkdir(path);
  } catch (error) {
    // Someone else may have created it in the meantime.
    if (await isDirectory(path)) return;
    throw error;
  }
}

async function isDirectory(path: string | Buffer): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The parent of an absolute, normalized path; undefined for `/`. */
function parentOf(path: string | Buffer): string | Buffer | undefined {
  if (path.length <= 1) return undefined;
  if (typeof path === 'string') return path.slice(0, Math.max(path.lastIndexOf('/'), 1));
  return path.subarray(0, Math.max(path.lastIndexOf(0x2f), 1));
}
