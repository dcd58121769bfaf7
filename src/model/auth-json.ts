import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { OpenaiAuthSource } from './provider.js';

/**
 * The API key a user stored with `codex login --with-api-key`: `$CODEX_HOME/auth.json` as the reference writes it,
 * `{"OPENAI_API_KEY": "sk-…", …}`. Read on every request (the file is tiny), so a login or logout made while
 * the server runs takes effect at the next model call. ChatGPT tokens in the same file (`tokens`) belong to the
 * account issue and are not used here.
 */
const AuthJsonSchema = z.looseObject({ OPENAI_API_KEY: z.string().nullish() });

export const AUTH_JSON_FILE = 'auth.json';

export function authJsonApiKeySource(codexHome: string): OpenaiAuthSource {
  const path = join(codexHome, AUTH_JSON_FILE);
  return {
    async headers() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        // No login: the request goes out without credentials, as the reference sends it.
        return null;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return null;
      }
      const parsed = AuthJsonSchema.safeParse(value);
      const key = parsed.success ? parsed.data.OPENAI_API_KEY?.trim() : undefined;
      return key ? { authorization: `Bearer ${key}` } : null;
    },
  };
}
