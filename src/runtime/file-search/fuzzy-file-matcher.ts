import type { FzfResultItem } from 'fzf';
import type { FuzzyFileSearchResult } from '../../protocol/v2/fuzzy-file-search.js';
import type { WalkedEntry } from './project-walker.js';

/** Results per search, as the reference caps them [observed: 300 candidates gave 50]. */
export const MAX_FUZZY_RESULTS = 50;
/**
 * Added to the matcher's score when every matched character lies in the file name, and again when the file name
 * is the query itself, so `read` ranks `src/read.ts` above `src/reader/x.ts` and `src` ranks the `src` directory
 * first (the reference ranks the same way, with the same order of magnitude).
 */
const FILE_NAME_BONUS = 65_536;

/**
 * Added when the match begins a path segment, so `read` ranks `src/read.ts` above `.hidden-read` (the reference
 * ranks them so [observed]; fzf's own score ties them).
 */
const SEGMENT_START_BONUS = 4;

/** The fzf module: loaded on the first search, so start-up does not evaluate it. */
export type FzfModule = typeof import('fzf');

let loadingFzf: Promise<FzfModule> | undefined;

export function loadFzf(): Promise<FzfModule> {
  loadingFzf ??= import('fzf');
  return loadingFzf;
}

/**
 * Ranks `entries` against `query` with fzf's algorithm, case-insensitively, on the path relative to its root: best
 * score first, ties by path. `indices` are the matched character positions in `path`. An empty query matches
 * nothing [observed].
 */
export function matchFiles(fzf: FzfModule, entries: readonly WalkedEntry[], query: string): FuzzyFileSearchResult[] {
  if (query === '' || entries.length === 0) return [];
  const finder = new fzf.Fzf<readonly WalkedEntry[]>(entries, {
    selector: (entry: WalkedEntry) => entry.path,
    casing: 'case-insensitive',
  });
  const results = finder.find(query).map((match: FzfResultItem<WalkedEntry>) => {
    const { root, path, isDirectory } = match.item;
    const fileName = path.slice(path.lastIndexOf('/') + 1);
    const nameStart = path.length - fileName.length;
    const indices = [...match.positions].sort((a, b) => a - b);
    let score = Math.max(0, Math.round(match.score));
    if (indices.every((index) => index >= nameStart)) score += FILE_NAME_BONUS;
    const first = indices[0] ?? 0;
    if (first === 0 || path[first - 1] === '/') score += SEGMENT_START_BONUS;
    if (fileName.toLowerCase() === query.toLowerCase()) score += FILE_NAME_BONUS;
    return { root, path, match_type: isDirectory ? 'directory' : 'file', file_name: fileName, score, indices } as const;
  });
  results.sort(
    (a: FuzzyFileSearchResult, b: FuzzyFileSearchResult) =>
      b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  return results.slice(0, MAX_FUZZY_RESULTS);
}
