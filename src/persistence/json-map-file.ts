import { readFile, rename, writeFile } from 'node:fs/promises';
import * as z from 'zod';

/**
 * A small keyed store kept whole in memory and saved as one JSON object file (key → value), for per-thread state
 * that is read far more than written (read receipts, goals). Writes are serialized and atomic (a temporary file
 * renamed over the old one); a failed write leaves the previous file, and the next change writes everything again.
 */
export class JsonMapFile<T> {
  readonly #path: string;
  readonly #schema: z.ZodType<T>;
  #entries: Map<string, T> | null = null;
  #loading: Promise<Map<string, T>> | null = null;
  #writes: Promise<void> = Promise.resolve();

  constructor(path: string, valueSchema: z.ZodType<T>) {
    this.#path = path;
    this.#schema = valueSchema;
  }

  /** Every entry, loaded from the file the first time (a missing or unreadable file is an empty store). */
  load(): Promise<Map<string, T>> {
    if (this.#entries !== null) return Promise.resolve(this.#entries);
    this.#loading ??= (async () => {
      let stored: Record<string, T> = {};
      try {
        const parsed = z.record(z.string(), this.#schema).safeParse(JSON.parse(await readFile(this.#path, 'utf8')));
        if (parsed.success) stored = parsed.data as Record<string, T>;
      } catch {
        // No file yet: nothing stored.
      }
      this.#entries = new Map(Object.entries(stored));
      return this.#entries;
    })();
    return this.#loading;
  }

  /** Sets (or with `undefined` deletes) one entry; resolves once the file holds the change. */
  async set(key: string, value: T | undefined): Promise<void> {
    const entries = await this.load();
    if (value === undefined) entries.delete(key);
    else entries.set(key, value);
    const snapshot = JSON.stringify(Object.fromEntries(entries), null, 2);
    const written = this.#writes.then(() => this.#write(snapshot));
    this.#writes = written.catch(() => {});
    return this.#writes;
  }

  async #write(text: string): Promise<void> {
    const temporary = `${this.#path}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, this.#path);
  }
}
