import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/*
 * OAuth tokens of streamable HTTP MCP servers, from `mcpServer/oauth/login`: one JSON file in CODEX_HOME, readable
 * only by its owner, keyed by server name and URL (a server whose URL changes needs a new login).
 */

const FILE_NAME = 'mcp-oauth-credentials.json';

export interface StoredToken {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  /** Milliseconds since the epoch, when the server said. */
  readonly expiresAtMs: number | null;
}

function keyOf(server: string, url: string): string {
  return `${server}|${url}`;
}

function pathIn(codexHome: string): string {
  return join(codexHome, FILE_NAME);
}

function readAll(codexHome: string): Record<string, StoredToken> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(pathIn(codexHome), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, StoredToken>) : {};
  } catch {
    return {};
  }
}

/** The stored token of a server, unless there is none or it has expired. */
export function storedToken(codexHome: string, server: string, url: string): StoredToken | null {
  const token = readAll(codexHome)[keyOf(server, url)];
  if (token === undefined || typeof token.accessToken !== 'string') return null;
  if (token.expiresAtMs !== null && token.expiresAtMs <= Date.now()) return null;
  return token;
}

export async function storeToken(codexHome: string, server: string, url: string, token: StoredToken): Promise<void> {
  const all = { ...readAll(codexHome), [keyOf(server, url)]: token };
  const path = pathIn(codexHome);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
