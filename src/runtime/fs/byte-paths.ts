import { opendir } from 'node:fs/promises';
import type { Dirent } from 'node:fs';

/*
 * Paths as bytes. Linux file names are byte strings that need not be UTF-8; the reference walks directories with
 * the names as the OS gives them, so a copy or a listing must not depend on a name surviving a round trip
 * through a JavaScript string.
 */

const SLASH = 0x2f;

/** `parent/name` for a directory entry; `parent` is absolute and normalized (no trailing slash but for `/`). */
export function childPath(parent: Buffer, name: Buffer): Buffer {
  return parent.length === 1 && parent[0] === SLASH
    ? Buffer.concat([parent, name])
    : Buffer.concat([parent, Buffer.of(SLASH), name]);
}

/** A directory entry with its raw name and the type the OS reported (`d_type`, symlinks not followed). */
export interface RawEntry {
  readonly name: Buffer;
  readonly dirent: Dirent;
}

/**
 * The entries of a directory in the order the OS lists them (as Rust's `read_dir`; `fs.readdir` would sort
 * them), without `.` and `..`.
 */
export async function* rawEntries(path: string | Buffer): AsyncGenerator<RawEntry> {
  // Node hands out names as Buffers with `encoding: 'buffer'`; its type declarations only know string names.
  const dir = await opendir(path, { encoding: 'buffer' as BufferEncoding });
  for await (const dirent of dir) {
    yield { name: dirent.name as unknown as Buffer, dirent };
  }
}
