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
  /**
   * Who the token was issued to and by whom: what refreshing it needs. The client is the one dynamic registration
   * created at login; the authorization server is the one discovered then (a refresh goes nowhere else).
   * Absent from logins stored before refreshing existed.
   */
  readonly client?: { readonly clientId: string; readonly clientSecret: string | null };
  readonly authorizationServerUrl?: string;
}

/** A token this close to its expiry is refreshed first, as the reference 0.169.0 does (30 seconds' margin). */
const REFRESH_MARGIN_MS = 30_000;

/** Whether `token` must be refreshed before it is sent. */
export function needsRefresh(token: StoredToken): boolean {
  return token.expiresAtMs !== null && Date.now() + REFRESH_MARGIN_MS >= token.expiresAtMs;
}

/** Whether `token` can be refreshed: a refresh token and the login's client and authorization server. */
export function refreshable(token: StoredToken): boolean {
  return token.refreshToken !== null && token.client !== undefined && token.authorizationServerUrl !== undefined;
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

/** The stored login of a server, expired or not; null when there is none. */
export function storedToken(codexHome: string, server: string, url: string): StoredToken | null {
  const token = readAll(codexHome)[keyOf(server, url)];
  if (token === undefined || typeof token.accessToken !== 'string') return null;
  return token;
}

/**
 * Whether the stored login lets requests in: `usable` when its token is fresh or can be refreshed,
 * `authorizationRequired` when it has expired for good (the user must sign in again), `missing` without one.
 */
export function storedLoginStatus(codexHome: string, server: string, url: string): 'missing' | 'usable' | 'authorizationRequired' {
  const token = storedToken(codexHome, server, url);
  if (token === null) return 'missing';
  return !needsRefresh(token) || refreshable(token) ? 'usable' : 'authorizationRequired';
}

export async function storeToken(codexHome: string, server: string, url: string, token: StoredToken): Promise<void> {
  const all = { ...readAll(codexHome), [keyOf(server, url)]: token };
  const path = pathIn(codexHome);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
