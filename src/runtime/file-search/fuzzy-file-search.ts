import type { FuzzyFileSearchResult } from '../../protocol/v2/fuzzy-file-search.js';
import { loadFzf, matchFiles } from './fuzzy-file-matcher.js';
import { walkProject } from './project-walker.js';
import type { WalkedEntry } from './project-walker.js';

/** Walks every root (in parallel) and returns what it found; partial when `signal` aborts. */
async function walkRoots(roots: readonly string[], signal: AbortSignal): Promise<WalkedEntry[]> {
  return (await Promise.all(roots.map((root) => walkProject(root, signal)))).flat();
}

/** One-shot search (`fuzzyFileSearch`): nothing when the query is empty or the search was cancelled. */
export async function searchFiles(
  roots: readonly string[],
  query: string,
  signal: AbortSignal,
): Promise<FuzzyFileSearchResult[]> {
  if (query === '') return [];
  const [entries, fzf] = await Promise.all([walkRoots(roots, signal), loadFzf()]);
  return signal.aborted ? [] : matchFiles(fzf, entries, query);
}

/**
 * One `fuzzyFileSearch/session*` session: the roots are walked once, when it starts, and every query is matched
 * against that list, so typing in the `@` picker costs no further disk reads.
 */
export class FileSearchSession {
  readonly #abort = new AbortController();
  readonly #entries: Promise<WalkedEntry[]>;
  #generation = 0;

  constructor(roots: readonly string[]) {
    this.#entries = walkRoots(roots, this.#abort.signal).catch(() => []);
  }

  /**
   * Matches `query` once the walk is done. Resolves null when a later query or `stop` superseded this one, so
   * only the newest query is reported.
   */
  async match(query: string): Promise<FuzzyFileSearchResult[] | null> {
    const generation = ++this.#generation;
    const [entries, fzf] = await Promise.all([this.#entries, loadFzf()]);
    if (generation !== this.#generation || this.#abort.signal.aborted) return null;
    return matchFiles(fzf, entries, query);
  }

  stop(): void {
    this.#generation++;
    this.#abort.abort();
  }
}
