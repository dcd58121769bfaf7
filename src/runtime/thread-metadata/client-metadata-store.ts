import { lazySchema } from '../../util/lazy-schema.js';
import { join } from 'node:path';
import * as z from 'zod';
import { JsonMapFile } from '../../persistence/json-map-file.js';
import { onePerHome } from './one-per-home.js';

const METADATA_FILE = 'thread_metadata.json';

const StoredGitInfoSchema = lazySchema(() => z.object({
  sha: z.string().nullable(),
  branch: z.string().nullable(),
  originUrl: z.string().nullable(),
}));
export type StoredGitInfo = z.infer<typeof StoredGitInfoSchema>;

const SectionPlaceSchema = lazySchema(() => z.object({
  sectionId: z.string(),
  /** Order within the section: lower comes first. */
  position: z.number(),
  enteredAtMs: z.number(),
}));
export type SectionPlace = z.infer<typeof SectionPlaceSchema>;

const ClientMetadataSchema = lazySchema(() => z.object({
  /** The Git metadata as last patched; absent until a client patches it (the rollout's then shows). */
  gitInfo: StoredGitInfoSchema.optional(),
  daybreakEnabled: z.boolean().optional(),
  section: SectionPlaceSchema.optional(),
}));
export type ClientMetadata = z.infer<typeof ClientMetadataSchema>;

/**
 * What clients set on threads beyond their conversation (Git metadata, the Daybreak choice, the section a thread is
 * in and its place there), kept in `$CODEX_HOME/thread_metadata.json` by thread id so it outlives an unload and a
 * restart. The reference keeps the same facts in the threads table of its sqlite state; rollouts are not touched.
 */
export class ClientMetadataStore {
  readonly #file: JsonMapFile<ClientMetadata>;
  #changes: Promise<unknown> = Promise.resolve();

  constructor(codexHome: string) {
    this.#file = new JsonMapFile(join(codexHome, METADATA_FILE), ClientMetadataSchema);
  }

  async get(threadId: string): Promise<ClientMetadata> {
    return (await this.#file.load()).get(threadId) ?? {};
  }

  async all(): Promise<ReadonlyMap<string, ClientMetadata>> {
    return this.#file.load();
  }

  /**
   * Reads every entry, lets `apply` compute the next entries of the threads it changes (an empty entry removes
   * the thread's) or throw to change nothing, and saves them. Changes run one at a time, so two moves cannot both
   * read the same order.
   */
  changeEach<T>(
    apply: (all: ReadonlyMap<string, ClientMetadata>) => { updates: ReadonlyMap<string, ClientMetadata>; result: T },
  ): Promise<T> {
    const run = this.#changes.then(async () => {
      const { updates, result } = apply(await this.#file.load());
      for (const [threadId, next] of updates) {
        const empty = next.gitInfo === undefined && next.daybreakEnabled === undefined && next.section === undefined;
        await this.#file.set(threadId, empty ? undefined : next);
      }
      return result;
    });
    this.#changes = run.catch(() => undefined);
    return run;
  }

  /** `changeEach` for one thread: `apply` gets its entry (empty when it has none) and returns the next one. */
  change<T>(threadId: string, apply: (current: ClientMetadata) => { next: ClientMetadata; result: T }): Promise<T> {
    return this.changeEach((all) => {
      const { next, result } = apply(all.get(threadId) ?? {});
      return { updates: new Map([[threadId, next]]), result };
    });
  }

  /** The threads placed in `sectionId`, in their order there. */
  async sectionMembers(sectionId: string): Promise<{ threadId: string; position: number }[]> {
    return [...(await this.#file.load())]
      .flatMap(([threadId, entry]) =>
        entry.section?.sectionId === sectionId ? [{ threadId, position: entry.section.position }] : [],
      )
      .sort((a, b) => a.position - b.position || (a.threadId < b.threadId ? -1 : 1));
  }

  /** Forgets a deleted thread. */
  forget(threadId: string): Promise<void> {
    return this.change(threadId, () => ({ next: {}, result: undefined }));
  }
}

/**
 * The one store of a CODEX_HOME: the handlers that write it and those that show it on threads share it, so they
 * share its in-memory copy and its one-at-a-time writes.
 */
export const clientMetadataStore = onePerHome((codexHome) => new ClientMetadataStore(codexHome));
