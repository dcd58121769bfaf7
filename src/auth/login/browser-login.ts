import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatgptClaims } from '../jwt-claims.js';
import { signInFailedPage, SIGNED_IN_PAGE } from './login-pages.js';
import {
  exchangeCodeForTokens,
  exchangeIdTokenForApiKey,
  type ExchangedTokens,
  type OauthHttp,
} from './oauth-requests.js';
import { DEFAULT_CALLBACK_PORT, DEFAULT_ISSUER, FALLBACK_CALLBACK_PORT, type OauthSettings } from './oauth-settings.js';
import { generatePkce, generateState, type Pkce } from './pkce.js';

export interface BrowserLoginOptions {
  readonly settings: OauthSettings;
  readonly http: OauthHttp;
  /** The `originator` of the authorize URL: the requesting client's name [observed]. */
  readonly originator: string;
  /** Stores the tokens (and the API key the token exchange gave, if any); a rejection fails the sign-in. */
  readonly save: (tokens: ExchangedTokens, apiKey: string | null) => Promise<void>;
}

/**
 * The browser ChatGPT sign-in, as the reference 0.169.0 runs it [observed]: a small HTTP server on
 * 127.0.0.1:<port> receives the OAuth redirect at `/auth/callback`, checks `state`, exchanges the code (PKCE) at
 * the issuer, obtains an API key with a token exchange, stores the login, and redirects the browser to `/success`;
 * serving that page ends the sign-in. `/cancel` ends it too (a second sign-in asks a first one to step aside that
 * way). Anything else is 404, a wrong `state` 400 `State mismatch` (the sign-in goes on).
 */
export class BrowserLogin {
  readonly authUrl: string;
  /** Resolves when the sign-in succeeded, rejects with what the user should know when it ended otherwise. */
  readonly done: Promise<void>;
  readonly #server: Server;
  readonly #finish: (error: Error | null) => void;

  private constructor(server: Server, authUrl: string, done: Promise<void>, finish: (error: Error | null) => void) {
    this.#server = server;
    this.authUrl = authUrl;
    this.done = done;
    this.#finish = finish;
  }

  static async start(options: BrowserLoginOptions): Promise<BrowserLogin> {
    const { settings } = options;
    const pkce = generatePkce();
    const state = generateState();
    let finish: (error: Error | null) => void = () => {};
    const done = new Promise<void>((resolve, reject) => {
      finish = (error) => (error === null ? resolve() : reject(error));
    });
    // Nobody may be awaiting yet; the caller observes `done` itself.
    done.catch(() => {});
    let ended = false;
    const end = (error: Error | null) => {
      if (ended) return;
      ended = true;
      finish(error);
    };
    const handler = { callback: (_req: IncomingMessage, _res: ServerResponse) => {} };
    const server = createServer((req, res) => handler.callback(req, res));
    const port = await listenForCallback(server, settings.callbackPort);
    const redirectUri = `http://127.0.0.1:${port}/auth/callback`;
    const authUrl = authorizeUrl(settings, redirectUri, pkce, state, options.originator);
    const login = new BrowserLogin(server, authUrl, done, end);
    handler.callback = (req, res) => {
      void handleRequest(req, res, { options, pkce, state, redirectUri, port, end }).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end();
        end(error instanceof Error ? error : new Error(String(error)));
      });
    };
    void done.then(
      () => login.#close(),
      () => login.#close(),
    );
    return login;
  }

  /** Ends the sign-in as not completed (cancel, timeout, a newer sign-in). */
  cancel(): void {
    this.#finish(new Error('Login was not completed'));
  }

  #close(): void {
    this.#server.close();
    // Let the last page reach the browser before dropping idle keep-alive sockets.
    setImmediate(() => this.#server.closeIdleConnections());
  }
}

/** The authorize URL, parameters in the reference's order [observed]. */
function authorizeUrl(settings: OauthSettings, redirectUri: string, pkce: Pkce, state: string, originator: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: redirectUri,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    state,
    scope: 'openid profile email offline_access api.connectors.read api.connectors.invoke',
    id_token_add_organizations: 'true',
    codex_cli_simplified_flow: 'true',
    originator,
  });
  return `${settings.issuer}/oauth/authorize?${query.toString()}`;
}

interface RequestContext {
  readonly options: BrowserLoginOptions;
  readonly pkce: Pkce;
  readonly state: string;
  readonly redirectUri: string;
  readonly port: number;
  readonly end: (error: Error | null) => void;
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, context: RequestContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  switch (url.pathname) {
    case '/auth/callback':
      return handleCallback(url.searchParams, res, context);
    case '/success':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' }).end(SIGNED_IN_PAGE);
      context.end(null);
      return;
    case '/cancel':
      res.writeHead(200, { connection: 'close' }).end('Login cancelled');
      context.end(new Error('Login cancelled'));
      return;
    default:
      res.writeHead(404).end('Not Found');
  }
}

async function handleCallback(params: URLSearchParams, res: ServerResponse, context: RequestContext): Promise<void> {
  const { options, end } = context;
  if (params.get('state') !== context.state) {
    res.writeHead(400).end('State mismatch');
    return;
  }
  const fail = (message: string, code: string) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' }).end(signInFailedPage(message, code));
    end(new Error(message));
  };
  const errorCode = params.get('error');
  if (errorCode) {
    const description = params.get('error_description')?.trim() ?? '';
    if (errorCode === 'access_denied' && description.toLowerCase().includes('missing_codex_entitlement')) {
      fail('Codex is not enabled for your workspace. Contact your workspace administrator to request access to Codex.', errorCode);
    } else {
      fail(`Sign-in failed: ${description === '' ? errorCode : description}`, errorCode);
    }
    return;
  }
  const code = params.get('code');
  if (!code) {
    fail('Missing authorization code. Sign-in could not be completed.', 'missing_authorization_code');
    return;
  }
  const { settings, http } = options;
  let tokens: ExchangedTokens;
  try {
    tokens = await exchangeCodeForTokens(http, {
      tokenUrl: settings.tokenUrl,
      clientId: settings.clientId,
      code,
      redirectUri: context.redirectUri,
      codeVerifier: context.pkce.verifier,
    });
  } catch (error) {
    fail(`Token exchange failed: ${error instanceof Error ? error.message : String(error)}`, 'token_exchange_failed');
    return;
  }
  const apiKey = await exchangeIdTokenForApiKey(http, { tokenUrl: settings.tokenUrl, clientId: settings.clientId, idToken: tokens.id_token });
  try {
    await options.save(tokens, apiKey);
  } catch (error) {
    fail(
      `Sign-in completed but credentials could not be saved locally: ${error instanceof Error ? error.message : String(error)}`,
      'persist_failed',
    );
    return;
  }
  res.writeHead(302, { location: successUrl(context.port, settings.issuer, tokens) }).end();
}

/**
 * `/success` with what the reference's page shows (setup needed, organization, project, plan, platform URL). The
 * id token itself is left out of the URL: this page does not need it, and URLs end up in browser history.
 */
function successUrl(port: number, issuer: string, tokens: ExchangedTokens): string {
  const idClaims = rawAuthClaims(tokens.id_token);
  const needsSetup = idClaims.completed_platform_onboarding !== true && idClaims.is_org_owner === true;
  const query = new URLSearchParams({
    needs_setup: String(needsSetup),
    org_id: typeof idClaims.organization_id === 'string' ? idClaims.organization_id : '',
    project_id: typeof idClaims.project_id === 'string' ? idClaims.project_id : '',
    plan_type: chatgptClaims(tokens.access_token).planType ?? '',
    platform_url: issuer === DEFAULT_ISSUER ? 'https://platform.openai.com' : 'https://platform.api.openai.org',
  });
  return `http://127.0.0.1:${port}/success?${query.toString()}`;
}

function rawAuthClaims(token: string): Record<string, unknown> {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const claims = payload['https://api.openai.com/auth'];
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const BIND_ATTEMPTS = 10;
const BIND_RETRY_MS = 200;

/**
 * Listens on 127.0.0.1:`port` (0 = any). A busy port is usually an earlier sign-in (ours or the reference's): it is
 * asked to stop (`GET /cancel`) and the bind retried; the default port then falls back to 1457, the other
 * registered redirect port. Resolves with the bound port.
 */
async function listenForCallback(server: Server, port: number): Promise<number> {
  const candidates = port === DEFAULT_CALLBACK_PORT ? [port, FALLBACK_CALLBACK_PORT] : [port];
  for (const [index, candidate] of candidates.entries()) {
    for (let attempt = 1; ; attempt++) {
      try {
        server.listen(candidate, '127.0.0.1');
        await once(server, 'listening');
        server.unref();
        return (server.address() as AddressInfo).port;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        if (attempt >= BIND_ATTEMPTS) break;
        if (attempt === 1 && index === 0) await askToCancel(candidate);
        await new Promise((resolve) => setTimeout(resolve, BIND_RETRY_MS).unref());
      }
    }
  }
  const last = candidates.at(-1);
  throw new Error(
    `Port 127.0.0.1:${last} is already in use: another program holds the sign-in callback port. Stop it (or finish ` +
      'the sign-in it is waiting for) and try again, or sign in with the device code instead.',
  );
}

/** Asks whatever listens on `port` to end its sign-in, as the reference does; silent when nothing answers. */
function askToCancel(port: number): Promise<void> {
  return new Promise((resolve) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: '/cancel', timeout: 2000, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    request.on('error', () => resolve());
    request.on('timeout', () => {
      request.destroy();
      resolve();
    });
    request.end();
  });
}
