import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Placeholders bubblewrap leaves behind. To keep a missing `.git` (or `.codex`, …) in a writable root from being
 * created, the sandbox mounts an empty read-only tmpfs there; bwrap has to create the mount point first, and since
 * the root is a bind of the real directory, that empty directory appears on the host. The reference removes such
 * placeholders once no sandbox uses them (codex-rs/linux-sandbox/src/bwrap_mount_cleanup.rs); so do we.
 *
 * A placeholder still in use must stay: removing a directory that another sandbox has mounted over would detach that
 * mount and let the sandboxed command create the protected path after all. Users are therefore recorded across
 * processes, as the reference does: one marker file per process (named by pid) in a directory per placeholder, under
 * {@link markerRoot}. While any live process holds a marker, new sandboxes treat the path as a placeholder too, and
 * only the last user removes it — and only if it is still empty. The marker root is mounted read-only inside every
 * sandbox (bwrap-arguments.ts) so a sandboxed command cannot forge or delete markers.
 */

/** Sandboxes of this process using each placeholder. */
const localUsers = new Map<string, number>();

/** Where markers live: one directory per user id, so servers of different users do not share it. */
export function markerRoot(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join(tmpdir(), `codex-bwrap-mount-points-${uid}`);
}

/** The directory holding the markers of one placeholder. */
export function markerDir(path: string): string {
  return join(markerRoot(), createHash('sha256').update(path).digest('hex').slice(0, 32));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether another live process holds a marker for `path`; markers of dead processes are swept on the way. */
function otherProcessUses(path: string): boolean {
  const dir = markerDir(path);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return false;
  }
  let used = false;
  for (const entry of entries) {
    const pid = Number(entry);
    if (pid === process.pid) continue;
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      used = true;
    } else {
      try {
        unlinkSync(join(dir, entry));
      } catch {
        // Someone else swept it first.
      }
    }
  }
  return used;
}

/** Whether `path` is a placeholder created for a sandbox that is still running (here or in another process). */
export function isSyntheticMountPoint(path: string): boolean {
  return (localUsers.get(path) ?? 0) > 0 || otherProcessUses(path);
}

/** Records one more sandbox using the placeholder at `path` (which bwrap creates if missing). */
export function acquireSyntheticMountPoint(path: string): void {
  const count = localUsers.get(path) ?? 0;
  localUsers.set(path, count + 1);
  if (count > 0) return;
  try {
    const dir = markerDir(path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, String(process.pid)), path);
  } catch {
    // Without a marker another process may remove the placeholder early; the sandbox itself is unaffected.
  }
}

/**
 * Drops one user of `path`; the last one removes the directory when it is empty and no other process uses it. Never
 * throws. Synchronous on purpose: no sandbox of this process can be set up in between.
 */
export function releaseSyntheticMountPoint(path: string): void {
  const remaining = (localUsers.get(path) ?? 1) - 1;
  if (remaining > 0) {
    localUsers.set(path, remaining);
    return;
  }
  localUsers.delete(path);
  const dir = markerDir(path);
  // Remove the placeholder before our marker, so a process that looks meanwhile still sees it as a placeholder.
  if (!otherProcessUses(path)) {
    try {
      // rmdir only removes an empty directory: anything someone put there meanwhile is kept.
      rmdirSync(path);
    } catch {
      // Already gone, not empty, or never created because bwrap failed early.
    }
  }
  try {
    unlinkSync(join(dir, String(process.pid)));
    rmdirSync(dir);
  } catch {
    // Other markers remain, or the directory is already gone.
  }
}
