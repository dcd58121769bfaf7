import { InvalidCursorError } from '../persistence/errors.js';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../persistence/thread-index.js';
import type { ThreadIndex, ThreadListPage, ThreadSummary } from '../persistence/thread-index.js';
import { clientMetadataStore } from '../runtime/thread-metadata/client-metadata-store.js';
import { ThreadSectionStore } from '../runtime/thread-metadata/section-store.js';

/*
 * thread/list's `sectionId` filter over the sections threads were moved into (thread/section/move), as observed
 * from the reference 0.169.0: a section's id lists its threads; `null` lists the threads in no section.
 */

/** The ids of the threads in `sectionId` (a string), or, for `null`, of the threads in some existing section. */
export async function sectionFilter(
  codexHome: string,
  sectionId: string | null,
): Promise<{ readonly only: ReadonlySet<string> } | { readonly except: ReadonlySet<string> }> {
  const store = clientMetadataStore(codexHome);
  if (sectionId !== null) return { only: new Set((await membersOf(codexHome, sectionId)).map((m) => m.threadId)) };
  const sections = new ThreadSectionStore(codexHome);
  const placed = new Set<string>();
  for (const [threadId, entry] of await store.all()) {
    if (entry.section !== undefined && (await sections.find(entry.section.sectionId)) !== undefined) placed.add(threadId);
  }
  return { except: placed };
}

/**
 * `sortKey: section_position`: the section's threads in their order there, whatever `sortDirection` says
 * [observed]. Cursors are `<position>|<thread id>`: `nextCursor` names the last thread shown when more follow, and
 * `backwardsCursor` is the first one's position plus one, as the reference writes them.
 */
export async function sectionPositionPage(
  codexHome: string,
  index: ThreadIndex,
  sectionId: string,
  query: { readonly cursor?: string | null | undefined; readonly limit?: number | null | undefined; readonly archived?: boolean | null | undefined },
  excluded: ReadonlySet<string>,
): Promise<ThreadListPage> {
  let after: { position: number; threadId: string } | null = null;
  if (query.cursor !== undefined && query.cursor !== null) {
    const match = /^(-?\d+)\|([0-9a-fA-F-]{36})$/.exec(query.cursor);
    if (match === null) throw new InvalidCursorError(query.cursor);
    after = { position: Number(match[1]), threadId: match[2]!.toLowerCase() };
  }
  const listed: { summary: ThreadSummary; position: number }[] = [];
  for (const member of await membersOf(codexHome, sectionId)) {
    if (excluded.has(member.threadId)) continue;
    if (after !== null && (member.position < after.position || (member.position === after.position && member.threadId <= after.threadId))) {
      continue;
    }
    const summary = await index.get(member.threadId);
    if (summary === undefined || summary.archived !== (query.archived === true)) continue;
    listed.push({ summary, position: member.position });
  }
  const limit = Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(query.limit ?? DEFAULT_LIST_LIMIT)));
  const page = listed.slice(0, limit);
  const first = page[0];
  const last = page[page.length - 1];
  return {
    data: page.map((entry) => entry.summary),
    nextCursor: listed.length > limit && last !== undefined ? `${last.position}|${last.summary.threadId}` : null,
    backwardsCursor: first === undefined ? null : `${first.position + 1}|${first.summary.threadId}`,
  };
}

/** The threads placed in a section, none once it is deleted (places are not rewritten when a section goes). */
async function membersOf(codexHome: string, sectionId: string): Promise<{ threadId: string; position: number }[]> {
  if ((await new ThreadSectionStore(codexHome).find(sectionId)) === undefined) return [];
  return clientMetadataStore(codexHome).sectionMembers(sectionId);
}
