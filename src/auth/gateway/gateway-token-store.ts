import { lazySchema } from '../../util/lazy-schema.js';
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

/** A gateway sign-in's tokens. `expires_at` is in Unix seconds; absent when the gateway gave no lifetime. */
export const StoredGatewayTokenSchema = lazySchema(() => z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  expires_at: z.number().int().nullish(),
}));
export type StoredGatewayToken = z.infer<typeof StoredGatewayTokenSchema>;

const StoreFileSchema = lazySchema(() => z.record(z.string(), z.unknown()));

/** The store's file in CODEX_HOME. */
export const GATEWAY_TOKEN_FILE = 'gateway_oauth.json';

/**
 * Gateway tokens in `$CODEX_HOME/gateway_oauth.json`, one entry per credential id (see gatewayCredentialId), readable
 * by the owner only (0600: it holds secrets). Every read goes to the file, so a sign-in or refresh done by another
 * server on the same CODEX_HOME is seen at the next model request; writes are atomic (a private temporary file
 * renamed over the old one) and serialized within this process.
 *
 * The reference 0.169.0 keeps these tokens elsewhere: encrypted in `$CODEX_HOME/secrets/gateway_oauth.age` under a
 * key it keeps in the OS keyring (Secret Service on Linux), and without a keyring it cannot complete a sign-in
 * at all [observed]. This server has no keyring client, so the two do not share gateway sign-ins.
 */
export class GatewayTokenStore {
  readonly #path: string;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(codexHome: string) {
    this.#path = join(codexHome, GATEWAY_TOKEN_FILE);
  }

  /** The tokens stored under `id`, or null (none, or an entry that is not tokens). */
  async load(id: string): Promise<StoredGatewayToken | null> {
    const entry = (await this.#readAll())[id];
    const parsed = StoredGatewayTokenSchema.safeParse(entry);
    return parsed.success ? parsed.data : null;
  }

  /** Stores (or with null removes) the tokens under `id`, keeping every other entry. */
  save(id: string, token: StoredGatewayToken | null): Promise<void> {
    const write = this.#writes.then(async () => {
      const all = await this.#readAll();
      if (token === null) delete all[id];
      else all[id] = token;
      const temporary = `${this.#path}.${randomUUID()}.tmp`;
      try {
        await writeFile(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
        await rename(temporary, this.#path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    });
    this.#writes = write.catch(() => {});
    return write;
  }

  async #readAll(): Promise<Record<string, unknown>> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const parsed = StoreFileSchema.safeParse(JSON.parse(text));
      if (parsed.success) return { ...parsed.data };
    } catch {
      // Not JSON: treated as empty, and replaced by the next sign-in.
    }
    return {};
  }
}
