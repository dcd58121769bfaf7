import { loadMcpSdk } from './load-mcp-sdk.js';
import { needsRefresh, refreshable, storedToken, storeToken, type StoredToken } from './oauth-token-store.js';
import type { HttpServerConfig } from './server-config.js';

/*
 * Keeps an `mcpServer/oauth/login` token usable: one about to expire is refreshed at the authorization server of
 * the login, with the client that login registered, and the new token is stored. A refresh the authorization
 * server refuses drops the refresh token (the user must sign in again), as the reference 0.169.0 does.
 */

/** The reference 0.169.0's start-up error for a login that can no longer be used. */
export const AUTHORIZATION_REQUIRED = 'OAuth authorization required';

/**
 * The access token to send to `server`: the stored one while it is fresh, a refreshed one when it is about to
 * expire (or, with `force`, after the server refused it); null without a login.
 */
export async function usableAccessToken(
  codexHome: string,
  server: HttpServerConfig,
  options: { readonly force: boolean } = { force: false },
): Promise<string | null> {
  const token = storedToken(codexHome, server.name, server.url);
  if (token === null) return null;
  if (!options.force && !needsRefresh(token)) return token.accessToken;
  if (!refreshable(token)) {
    if (needsRefresh(token)) throw new Error(AUTHORIZATION_REQUIRED);
    return token.accessToken;
  }
  return (await refreshOnce(codexHome, server, token)).accessToken;
}

/**
 * Refreshes in flight, by login: a refresh token may be good for one use only (rotated), so connections starting
 * together (a thread's and mcpServerStatus/list's) share one refresh instead of spending it twice.
 */
const inFlight = new Map<string, Promise<StoredToken>>();

function refreshOnce(codexHome: string, server: HttpServerConfig, token: StoredToken): Promise<StoredToken> {
  const key = JSON.stringify([codexHome, server.name, server.url]);
  let pending = inFlight.get(key);
  if (pending === undefined) {
    pending = refresh(codexHome, server, token).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function refresh(codexHome: string, server: HttpServerConfig, token: StoredToken): Promise<StoredToken> {
  const { discoverOAuthServerInfo, OAuthError, refreshAuthorization } = await loadMcpSdk();
  const info = await discoverOAuthServerInfo(server.url);
  const metadata = info.authorizationServerMetadata;
  // A refresh token goes only to the authorization server that issued it.
  if (metadata === undefined || String(info.authorizationServerUrl) !== token.authorizationServerUrl || token.client === undefined) {
    throw new Error(AUTHORIZATION_REQUIRED);
  }
  const resource = info.resourceMetadata?.resource;
  try {
    const tokens = await refreshAuthorization(info.authorizationServerUrl, {
      metadata,
      clientInformation: {
        client_id: token.client.clientId,
        ...(token.client.clientSecret === null ? {} : { client_secret: token.client.clientSecret }),
      },
      refreshToken: token.refreshToken ?? '',
      ...(resource === undefined ? {} : { resource: new URL(resource) }),
    });
    const renewed: StoredToken = {
      ...token,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? token.refreshToken,
      expiresAtMs: tokens.expires_in === undefined ? null : Date.now() + tokens.expires_in * 1000,
    };
    await storeToken(codexHome, server.name, server.url, renewed);
    return renewed;
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    // Refused (invalid_grant, ...): this refresh token is spent; the next start asks for a new login.
    await storeToken(codexHome, server.name, server.url, { ...token, refreshToken: null });
    throw new Error(AUTHORIZATION_REQUIRED, { cause: error });
  }
}
