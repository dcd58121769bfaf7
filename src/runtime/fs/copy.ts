import type { Dirent } from 'node:fs';
import { copyFile, lstat, readlink, realpath, stat, symlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { childPath, rawEntries } from './byte-paths.js';
import { createDirectory } from './create-directory.js';
import { FsRequestError } from './fs-request-error.js';

/**
 * `fs/copy` with the reference's rules [observed]:
 * - a regular file is copied (contents and permission bits), over an existing file;
 * - a symlink is copied as a symlink with the same target (even one to a directory, without `recursive`), but a
 *   dangling one is refused with the error of following it (`No such file or directory (os error 2)`);
 * - a directory needs `recursive: true`, must not be copied into itself, and is merged into an existing
 *   destination directory; inside it files, directories and symlinks (dangling ones too) are copied and FIFOs,
 *   sockets and devices skipped;
 * - anything else at the top is refused.
 * One deliberate difference: copying a file onto itself leaves it intact (Node's copyFile notices), where the
 * reference truncates it to zero bytes.
 * @throws FsRequestError for the refusals above (-32600)
 * @throws Node's system error
 */
export async function copyPath(source: string, destination: string, recursive: boolean): Promise<void> {
  const own = await lstat(source);
  if (own.isDirectory()) {
    if (!recursive) throw new FsRequestError('fs/copy requires recursive: true when sourcePath is a directory');
    if (await isSameOrDescendant(source, destination)) {
      throw new FsRequestError('fs/copy cannot copy a directory to itself or one of its descendants');
    }
    await copyDirectory(Buffer.from(source), Buffer.from(destination));
    return;
  }
  if (own.isSymbolicLink()) {
    await stat(source);
    await copySymlink(source, destination);
    return;
  }
  if (own.isFile()) {
    await copyFile(source, destination);
    return;
  }
  throw new FsRequestError('fs/copy only supports regular files, directories, and symlinks');
}

async function copyDirectory(source: Buffer, target: Buffer): Promise<void> {
  await createDirectory(target, true);
  for await (const { name, dirent } of rawEntries(source)) {
    const from = childPath(source, name);
    const to = childPath(target, name);
    switch (await entryKind(dirent, from)) {
      case 'directory':
        await copyDirectory(from, to);
        break;
      case 'file':
        await copyFile(from, to);
        break;
      case 'symlink':
        await copySymlink(from, to);
        break;
      case 'other':
        // FIFOs, sockets and device nodes are skipped, as the reference skips them.
        break;
    }
  }
}

type EntryKind = 'directory' | 'file' | 'symlink' | 'other';

/** The entry's own type; filesystems that do not report one in the listing are asked with lstat, as Rust does. */
async function entryKind(dirent: Dirent, path: Buffer): Promise<EntryKind> {
  const known = kindOf(dirent);
  return known ?? kindOf(await lstat(path)) ?? 'other';
}

function kindOf(entry: Pick<Dirent, 'isDirectory' | 'isFile' | 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isBlockDevice' | 'isCharacterDevice'>): EntryKind | undefined {
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice()) return 'other';
  return undefined;
}

async function copySymlink(from: string | Buffer, to: string | Buffer): Promise<void> {
  const target = await readlink(from, { encoding: 'buffer' });
  await symlink(target, to);
}

/**
 * Whether `destination` is `source` or lies inside it, symlinks resolved: the source canonically, the
 * destination through its nearest existing ancestor (the rest of it does not exist yet).
 */
async function isSameOrDescendant(source: string, destination: string): Promise<boolean> {
  const canonicalSource = await realpath(source);
  const resolvedDestination = await resolveDestination(destination);
  const prefix = canonicalSource === '/' ? '/' : `${canonicalSource}/`;
  return resolvedDestination === canonicalSource || resolvedDestination.startsWith(prefix);
}

async function resolveDestination(destination: string): Promise<string> {
  const missing: string[] = [];
  let existing = destination;
  while (existing !== '/' && !(await exists(existing))) {
    missing.unshift(posix.basename(existing));
    existing = posix.dirname(existing);
  }
  return posix.join(await realpath(existing), ...missing);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
