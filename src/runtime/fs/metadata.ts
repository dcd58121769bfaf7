import { lstat, stat } from 'node:fs/promises';
import type { FsGetMetadataResponse } from '../../protocol/v2/fs.js';

/**
 * `fs/getMetadata` facts for a path. Kind and times describe what the path resolves to (a dangling symlink is
 * `No such file or directory (os error 2)`, a loop `Symbolic link loop (os error 40)` [observed]); `isSymlink`
 * describes the path itself.
 * @throws Node's system error
 */
export async function readMetadata(path: string): Promise<FsGetMetadataResponse> {
  const own = await lstat(path, { bigint: true });
  const resolved = own.isSymbolicLink() ? await stat(path, { bigint: true }) : own;
  return {
    isDirectory: resolved.isDirectory(),
    isFile: resolved.isFile(),
    isSymlink: own.isSymbolicLink(),
    // The reference's Linux build (musl, no statx) has no creation time and reports 0 [observed], even where
    // Node could read one; elsewhere the birth time is what Rust's `created()` returns.
    createdAtMs: process.platform === 'linux' ? 0 : unixMs(resolved.birthtimeNs),
    modifiedAtMs: unixMs(resolved.mtimeNs),
  };
}

/** Whole milliseconds since the epoch, truncated as Rust's `as_millis`; times before 1970 are 0. */
function unixMs(nanoseconds: bigint): number {
  return nanoseconds > 0n ? Number(nanoseconds / 1_000_000n) : 0;
}
