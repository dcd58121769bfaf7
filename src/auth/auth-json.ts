import { lazySchema } from '../util/lazy-schema.js';
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

/**
 * `$CODEX_HOME/auth.json`, the login the reference's `codex login` (and `account/login/start`) stores:
 * `{"auth_mode":"apikey","OPENAI_API_KEY":"sk-…"}` for an API key,
 * `{"auth_mode":"chatgpt","OPENAI_API_KEY":null,"tokens":{id_token,access_token,refresh_token,account_id},
 * "last_refresh":"…"}` for a ChatGPT login, and for Amazon Bedrock [observed on 0.169.0]
 * `{"auth_mode":"bedrockApiKey","OPENAI_API_KEY":null,"bedrock_api_key":{"api_key","region"}}` or
 * `{"auth_mode":"bedrockAccessKeys","OPENAI_API_KEY":null,"bedrock_access_keys":{"access_key_id",
 * "secret_access_key","session_token"?}}` (the access keys' region lives in config.toml). Unknown keys are kept
 * when read and ignored.
 */
const AuthJsonTokensSchema = lazySchema(() => z.looseObject({
  id_token: z.string().nullish(),
  access_token: z.string().nullish(),
  refresh_token: z.string().nullish(),
  account_id: z.string().nullish(),
}));

const BedrockApiKeyJsonSchema = lazySchema(() => z.looseObject({ api_key: z.string(), region: z.string() }));

const BedrockAccessKeysJsonSchema = lazySchema(() => z.looseObject({
  access_key_id: z.string(),
  secret_access_key: z.string(),
  session_token: z.string().nullish(),
}));

const AuthJsonSchema = lazySchema(() => z.looseObject({
  auth_mode: z.string().nullish(),
  OPENAI_API_KEY: z.string().nullish(),
  tokens: AuthJsonTokensSchema.nullish(),
  last_refresh: z.string().nullish(),
  bedrock_api_key: BedrockApiKeyJsonSchema.nullish(),
  bedrock_access_keys: BedrockAccessKeysJsonSchema.nullish(),
}));
export type AuthJson = z.infer<typeof AuthJsonSchema>;

export const AUTH_JSON_FILE = 'auth.json';

export function authJsonPath(codexHome: string): string {
  return join(codexHome, AUTH_JSON_FILE);
}

/**
 * The stored login, or null when there is none. An unreadable or malformed file counts as no login: the
 * request then goes out without credentials, as the reference sends it.
 */
export async function readAuthJson(codexHome: string): Promise<AuthJson | null> {
  let text: string;
  try {
    text = await readFile(authJsonPath(codexHome), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = AuthJsonSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Replaces auth.json with `value`, pretty-printed like the reference, readable by the owner only (0600 — it holds
 * a secret). Written to a private temporary file first and renamed, so a reader never sees half a file.
 */
export async function writeAuthJson(codexHome: string, value: AuthJson): Promise<void> {
  const path = authJsonPath(codexHome);
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(value, null, 2), { mode: 0o600, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Removes auth.json; true when there was one. */
export async function deleteAuthJson(codexHome: string): Promise<boolean> {
  try {
    await rm(authJsonPath(codexHome));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
