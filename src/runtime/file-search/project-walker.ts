import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
// oxlint-disable-next-line import/default -- a CommonJS module (`export =`): its default import is its exports object.
import loadFdir from './fdir-commonjs.cjs';

/** One file or directory under a search root. */
export interface WalkedEntry {
  /** The root it was found under, as given. */
  readonly root: string;
  /** Relative to the root, `/`-separated. */
  readonly path: string;
  readonly isDirectory: boolean;
}

/**
 * Every file and directory under `root` (the root itself excluded), hidden ones included, skipping what the
 * `.gitignore` files of its git work tree ignore, as the reference's walker does [observed: outside a git work tree
 * `.gitignore` is not applied; `.git` itself is walked]. A root that is relative or not a directory yields nothing.
 * Resolves early with what it has when `signal` aborts.
 */
export async function walkProject(root: string, signal: AbortSignal): Promise<WalkedEntry[]> {
  if (!isAbsolute(root) || !isDirectory(root)) return [];
  const rules = new GitignoreRules(root);
  const { fdir } = loadFdir();
  const paths = await new fdir()
    .withFullPaths()
    .withDirs()
    .withPathSeparator('/')
    .withAbortSignal(signal)
    .exclude((_name, dirPath) => rules.ignores(dirPath, true))
    .filter((path, isDir) => isDir || !rules.ignores(path, false))
    .crawl(root)
    .withPromise();
  const entries: WalkedEntry[] = [];
  for (const full of paths) {
    const isDir = full.endsWith('/');
    const path = relative(root, full).split(sep).join('/');
    if (path === '') continue;
    entries.push({ root, path, isDirectory: isDir });
  }
  return entries;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The `.gitignore` files that apply under a root: those of the root's git work tree (found by looking for `.git`
 * upwards), from the work tree's top down to each path's parent, each matched against the path relative to its own
 * directory, as git reads them. None when the root is not in a git work tree.
 */
class GitignoreRules {
  readonly #top: string | null;
  readonly #byDirectory = new Map<string, Ignore | null>();

  constructor(root: string) {
    this.#top = workTreeTop(root);
  }

  /** Whether `path` (absolute; a directory's may end in `/`) is ignored. */
  ignores(path: string, isDir: boolean): boolean {
    const top = this.#top;
    if (top === null) return false;
    const target = path.endsWith('/') && path.length > 1 ? path.slice(0, -1) : path;
    const chain: string[] = [];
    for (let dir = dirname(target); ; dir = dirname(dir)) {
      chain.unshift(dir);
      if (dir === top || dirname(dir) === dir) break;
    }
    // The deepest file that says anything decides, so a nested `!pattern` re-includes what a parent ignored.
    let ignored = false;
    for (const dir of chain) {
      const rules = this.#rulesOf(dir);
      if (rules === null) continue;
      const rel = relative(dir, target).split(sep).join('/');
      if (rel === '' || rel.startsWith('..')) continue;
      const verdict = rules.test(isDir ? `${rel}/` : rel);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }

  #rulesOf(dir: string): Ignore | null {
    const known = this.#byDirectory.get(dir);
    if (known !== undefined) return known;
    let rules: Ignore | null = null;
    try {
      rules = ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8'));
    } catch {
      rules = null;
    }
    this.#byDirectory.set(dir, rules);
    return rules;
  }
}

/** The nearest directory at or above `start` holding `.git` (a directory or a worktree's file), or null. */
function workTreeTop(start: string): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}
