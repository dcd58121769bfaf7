import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../util/logger.js';
import { loadMcpSdk } from './load-mcp-sdk.js';
import { storeToken } from './oauth-token-store.js';
import type { HttpServerConfig } from './server-config.js';

/*
 * `mcpServer/oauth/login` for a streamable HTTP server: the authorization server is discovered from the MCP
 * server's URL, this server registers itself as a client (dynamic registration), and the answer is the URL the
 * user opens. The browser comes back to a one-shot listener on 127.0.0.1; the code is exchanged for a token,
 * which is stored for the server's next start. The outcome is reported once, successful or not.
 */

/** How long the login waits for the browser to come back, unless the client says. */
const DEFAULT_LOGIN_TIMEOUT_SEC = 300;

export interface LoginOutcome {
  readonly success: boolean;
  readonly error: string | null;
}

export interface StartedLogin {
  readonly loginId: string;
  readonly authorizationUrl: string;
}

/** Raised before the authorization URL exists; worded as the reference words it. */
export class OauthLoginError extends Error {}

export async function startOauthLogin(options: {
  readonly server: HttpServerConfig;
  readonly codexHome: string;
  readonly scopes: readonly string[] | null;
  readonly timeoutSecs: number | null;
  readonly log: Logger;
  readonly onComplete: (loginId: string, outcome: LoginOutcome) => void;
}): Promise<StartedLogin> {
  const { server } = options;
  const fail = (detail: string): never => {
    throw new OauthLoginError(`failed to login to MCP server '${server.name}': ${detail}`);
  };
  const { discoverOAuthServerInfo, exchangeAuthorization, registerClient, startAuthorization } = await loadMcpSdk();
  const info = await discoverOAuthServerInfo(server.url).catch((error: unknown) =>
    fail(`Metadata error: OAuth metadata discovery failed for ${server.url}\n  Caused by: ${messageOf(error)}`),
  );
  const metadata =
    info.authorizationServerMetadata ?? fail(`Metadata error: OAuth metadata discovery failed for ${server.url}`);

  const listener = createServer();
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', resolve);
  });
  // A login nobody finishes must not keep the process alive at shutdown.
  listener.unref();
  const redirectUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/callback`;
  try {
    const scope = options.scopes === null || options.scopes.length === 0 ? undefined : options.scopes.join(' ');
    const clientInformation = await registerClient(info.authorizationServerUrl, {
      metadata,
      clientMetadata: {
        client_name: 'Codex',
        redirect_uris: [redirectUrl],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        ...(scope === undefined ? {} : { scope }),
      },
    }).catch((error: unknown) => fail(`Registration error: ${messageOf(error)}`));
    const state = randomBytes(16).toString('base64url');
    const resource = info.resourceMetadata?.resource;
    const { authorizationUrl, codeVerifier } = await startAuthorization(info.authorizationServerUrl, {
      metadata,
      clientInformation,
      redirectUrl,
      state,
      ...(scope === undefined ? {} : { scope }),
      ...(resource === undefined ? {} : { resource: new URL(resource) }),
    });

    const loginId = randomUUID();
    let finished = false;
    const finish = (outcome: LoginOutcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      listener.close();
      listener.closeAllConnections();
      options.onComplete(loginId, outcome);
    };
    const timeoutMs = (options.timeoutSecs ?? DEFAULT_LOGIN_TIMEOUT_SEC) * 1000;
    const timer = setTimeout(() => finish({ success: false, error: 'OAuth login timed out' }), timeoutMs);
    timer.unref();
    listener.on('request', (request, response) => {
      const url = new URL(request.url ?? '/', redirectUrl);
      if (url.pathname !== '/callback') {
        response.writeHead(404).end();
        return;
      }
      const code = url.searchParams.get('code');
      const error = url.searchParams.get('error');
      if (url.searchParams.get('state') !== state || (code === null && error === null)) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('This sign-in link is not valid.');
        return;
      }
      if (code === null) {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('Sign-in was refused. You can close this tab.');
        finish({ success: false, error: `OAuth authorization failed: ${error}` });
        return;
      }
      exchangeAuthorization(info.authorizationServerUrl, {
        metadata,
        clientInformation,
        authorizationCode: code,
        codeVerifier,
        redirectUri: redirectUrl,
        ...(resource === undefined ? {} : { resource: new URL(resource) }),
      })
        .then(async (tokens) => {
          await storeToken(options.codexHome, server.name, server.url, {
            accessToken: tokens.access_token,
            refreshToken: tokens.refresh_token ?? null,
            expiresAtMs: tokens.expires_in === undefined ? null : Date.now() + tokens.expires_in * 1000,
            // What a refresh needs later: the client registered above and the server that issued the token.
            client: { clientId: clientInformation.client_id, clientSecret: clientInformation.client_secret ?? null },
            authorizationServerUrl: String(info.authorizationServerUrl),
          });
          response.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in. You can close this tab.');
          finish({ success: true, error: null });
        })
        .catch((exchangeError: unknown) => {
          options.log.warn({ server: server.name, err: exchangeError }, 'MCP OAuth token exchange failed');
          response.writeHead(500, { 'content-type': 'text/plain' }).end('Sign-in failed.');
          finish({ success: false, error: `OAuth token exchange failed: ${messageOf(exchangeError)}` });
        });
    });
    return { loginId, authorizationUrl: authorizationUrl.toString() };
  } catch (error) {
    listener.close();
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
