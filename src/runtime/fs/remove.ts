import { lstat, rm, rmdir, unlink } from 'node:fs/promises';
import { errnoCode } from '../../util/os-error.js';

/**
 * Removes a path as the reference does: a symlink is removed itself, never its target; a directory needs
 * `recursive` unless it is empty (`Directory not empty (os error 39)`); `force` only forgives a path that does
 * not exist (a file on the way is still `Not a directory (os error 20)`) [observed].
 * @throws Node's system error
 */
export async function removePath(path: string, options: { recursive: boolean; force: boolean }): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await lstat(path)).isDirectory();
  } catch (error) {
    if (options.force && errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  if (!isDirectory) await unlink(path);
  else if (options.recursive) await rm(path, { recursive: true, force: false });
  else await rmdir(path);
}
