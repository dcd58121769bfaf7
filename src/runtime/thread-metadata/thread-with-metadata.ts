import type { Thread } from '../../protocol/v2/thread.js';
import { ThreadSectionStore } from './section-store.js';
import { clientMetadataStore } from './client-metadata-store.js';

/**
 * `thread` as clients see it once what they set on it is applied: the Git metadata as patched, the Daybreak choice,
 * and its section (null once that section is deleted, as in the reference) with the time it entered it.
 */
export async function withClientMetadata(thread: Thread, codexHome: string): Promise<Thread> {
  const stored = await clientMetadataStore(codexHome).get(thread.id);
  const place = stored.section;
  const section = place === undefined ? undefined : await new ThreadSectionStore(codexHome).find(place.sectionId);
  return {
    ...thread,
    gitInfo: stored.gitInfo === undefined ? thread.gitInfo : shownGitInfo(stored.gitInfo),
    daybreakEnabled: stored.daybreakEnabled ?? thread.daybreakEnabled,
    section: section ?? null,
    sectionEnteredAt: section === undefined || place === undefined ? null : Math.floor(place.enteredAtMs / 1000),
  };
}

/** Every thread of a list, as `withClientMetadata` shows each. */
export function allWithClientMetadata(threads: readonly Thread[], codexHome: string): Promise<Thread[]> {
  return Promise.all(threads.map((thread) => withClientMetadata(thread, codexHome)));
}

function shownGitInfo(git: { sha: string | null; branch: string | null; originUrl: string | null }): Thread['gitInfo'] {
  return git.sha === null && git.branch === null && git.originUrl === null ? null : { ...git };
}
