import { dirname, join } from 'node:path';
import { pathExists } from '../../util/path-exists.js';

/** The reference's default `project_root_markers`. */
export const DEFAULT_PROJECT_ROOT_MARKERS: readonly string[] = ['.git'];

/**
 * The directories from `cwd` up to its project root (the nearest ancestor holding one of `markers`), nearest
 * first; just `[cwd]` when no ancestor is a project root. `cwd` need not exist.
 */
export async function directoriesUpToProjectRoot(
  cwd: string,
  markers: readonly string[] = DEFAULT_PROJECT_ROOT_MARKERS,
): Promise<string[]> {
  const chain: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    chain.push(dir);
    for (const marker of markers) {
      if (await pathExists(join(dir, marker))) return chain;
    }
    if (dirname(dir) === dir) return [cwd];
  }
}
