import { stat } from 'node:fs/promises';
import type { FsReadDirectoryEntry } from '../../protocol/v2/fs.js';
import { childPath, rawEntries } from './byte-paths.js';

/** How many entries are stat'ed at once: enough to keep the thread pool busy on a large directory. */
const STAT_BATCH = 64;

/**
 * The direct children of a directory, in the order the OS lists them, as the reference returns them [observed]:
 * `isDirectory`/`isFile` follow symlinks, and an entry whose target cannot be stat'ed (a dangling or looping
 * symlink) is left out. Names that are not UTF-8 are decoded lossily, as Rust's `to_string_lossy` does.
 * @throws Node's system error when the directory cannot be read (`Not a directory (os error 20)`, …)
 */
export async function readDirectoryEntries(path: string): Promise<FsReadDirectoryEntry[]> {
  const directory = Buffer.from(path);
  const names: Buffer[] = [];
  for await (const entry of rawEntries(directory)) names.push(entry.name);

  const entries: FsReadDirectoryEntry[] = [];
  for (let start = 0; start < names.length; start += STAT_BATCH) {
    const batch = names.slice(start, start + STAT_BATCH);
    const described = await Promise.all(batch.map((name) => describe(directory, name)));
    for (const entry of described) if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

async function describe(directory: Buffer, name: Buffer): Promise<FsReadDirectoryEntry | undefined> {
  try {
    const info = await stat(childPath(directory, name));
    return { fileName: name.toString('utf8'), isDirectory: info.isDirectory(), isFile: info.isFile() };
  } catch {
    return undefined;
  }
}
