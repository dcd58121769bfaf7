import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type * as z from 'zod';

/**
 * A small list of records kept as one JSON file (a missing file is an empty list). Changes run one at a time and
 * replace the file atomically (a temporary file renamed into place, mode 0600), so readers never see half a write.
 */
export class JsonListFile<T> {
  readonly #path: string;
  readonly #schema: z.ZodType<T[]>;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, schema: z.ZodType<T[]>) {
    this.#path = path;
    this.#schema = schema;
  }

  async read(): Promise<T[]> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return this.#schema.parse(JSON.parse(text));
  }

  /** Reads the list, lets `apply` compute the next one (or throw to change nothing), writes it, returns the result. */
  update<R>(apply: (records: T[]) => { records: T[]; result: R }): Promise<R> {
    const run = this.#queue.then(async () => {
      const { records, result } = apply(await this.read());
      const temporary = `${this.#path}.${process.pid}.${randomUUID()}.tmp`;
      try {
        await writeFile(temporary, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
        await rename(temporary, this.#path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
