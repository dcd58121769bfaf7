import { lazySchema } from '../../util/lazy-schema.js';
import { join } from 'node:path';
import * as z from 'zod';
import { JsonListFile } from '../../persistence/json-list-file.js';
import type { ThreadSection, ThreadSectionAppearance } from '../../protocol/v2/thread.js';
import { uuidv7 } from '../../util/ids.js';

/** The section every user has, first in the list; it cannot be renamed or deleted [observed on 0.169.0]. */
export const PINNED_SECTION: ThreadSection = { id: '01984de2-8f74-7c91-a3b2-5c5e937cf318', name: 'Pinned', appearance: null };
const SECTIONS_FILE = 'thread_sections.json';
const DEFAULT_PAGE = 25;

/** A refusal the reference answers with -32602 and this text. */
export class ThreadSectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThreadSectionError';
  }
}

const StoredSectionsSchema = lazySchema(() => z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    appearance: z.object({ icon: z.string().nullable(), color: z.string().nullable() }).nullable(),
  }),
));

/**
 * The user's thread-list sections, kept in `$CODEX_HOME/thread_sections.json` so they survive a restart (the
 * reference keeps them in its sqlite state). Semantics as the reference's [observed on 0.169.0]: ids are UUIDv7s
 * and the list is in id order after the built-in Pinned section; names are trimmed and must not be empty (equal
 * names are allowed); an appearance always carries both `icon` and `color`. Changes are applied one at a time.
 */
export class ThreadSectionStore {
  readonly #file: JsonListFile<ThreadSection>;

  constructor(codexHome: string) {
    this.#file = new JsonListFile(join(codexHome, SECTIONS_FILE), StoredSectionsSchema);
  }

  /** One page: sections whose id sorts after `cursor`, at most `limit` (25 by default, at least 1). */
  async list(cursor: string | null, limit: number | null): Promise<{ data: ThreadSection[]; nextCursor: string | null }> {
    const all = [PINNED_SECTION, ...(await this.#read())];
    const after = cursor === null ? all : all.filter((section) => section.id > cursor);
    const size = Math.max(1, limit ?? DEFAULT_PAGE);
    const data = after.slice(0, size);
    const last = data[data.length - 1];
    return { data, nextCursor: after.length > size && last ? last.id : null };
  }

  /** The section with that id (the built-in Pinned one included), if it exists. */
  async find(id: string): Promise<ThreadSection | undefined> {
    if (id === PINNED_SECTION.id) return PINNED_SECTION;
    return (await this.#read()).find((section) => section.id === id);
  }

  create(rawName: string, appearance: ThreadSectionAppearance | null | undefined): Promise<ThreadSection> {
    const name = sectionName(rawName);
    return this.#change((sections) => {
      const section: ThreadSection = { id: uuidv7(), name, appearance: normalized(appearance) };
      return { sections: [...sections, section], result: section };
    });
  }

  /** Renames a section; `appearance` omitted keeps it, null clears it. */
  update(id: string, rawName: string, appearance: ThreadSectionAppearance | null | undefined): Promise<ThreadSection> {
    const name = sectionName(rawName);
    if (id === PINNED_SECTION.id) throw new ThreadSectionError('the built-in pinned section cannot be renamed');
    return this.#change((sections) => {
      const current = sections.find((section) => section.id === id);
      if (!current) throw notFound(id);
      const section: ThreadSection = {
        id,
        name,
        appearance: appearance === undefined ? current.appearance : normalized(appearance),
      };
      return { sections: sections.map((s) => (s.id === id ? section : s)), result: section };
    });
  }

  delete(id: string): Promise<void> {
    if (id === PINNED_SECTION.id) throw new ThreadSectionError('the built-in pinned section cannot be deleted');
    return this.#change((sections) => {
      if (!sections.some((section) => section.id === id)) throw notFound(id);
      return { sections: sections.filter((section) => section.id !== id), result: undefined };
    });
  }

  #change<T>(apply: (sections: ThreadSection[]) => { sections: ThreadSection[]; result: T }): Promise<T> {
    return this.#file.update((stored) => {
      const { sections, result } = apply(inIdOrder(stored));
      return { records: sections, result };
    });
  }

  async #read(): Promise<ThreadSection[]> {
    return inIdOrder(await this.#file.read());
  }
}

function inIdOrder(sections: ThreadSection[]): ThreadSection[] {
  return [...sections].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function sectionName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw new ThreadSectionError('section name must not be empty');
  return name;
}

function normalized(appearance: ThreadSectionAppearance | null | undefined): ThreadSectionAppearance | null {
  if (appearance === undefined || appearance === null) return null;
  return { icon: appearance.icon ?? null, color: appearance.color ?? null };
}

function notFound(id: string): ThreadSectionError {
  return new ThreadSectionError(`thread section not found: ${id}`);
}
