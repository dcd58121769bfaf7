import { dirname, join, resolve } from 'node:path';
import { pathExists } from './path-exists.js';

/**
 * The root of the git work tree containing `directory`: the nearest ancestor (or itself) that has a `.git` entry
 * (a directory, or the file a worktree or submodule has), or null. Like the reference's `get_git_repo_root`, it
 * only looks at the file system and does not run git.
 */
export async function gitRepoRoot(directory: string): Promise<string | null> {
  let current = resolve(directory);
  for (;;) {
    if (await pathExists(join(current, '.git'))) return current;
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}
