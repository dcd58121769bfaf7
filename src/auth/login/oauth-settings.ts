/**
 * Where the ChatGPT sign-in talks to, as the reference 0.169.0 resolves it: the OAuth issuer
 * `https://auth.openai.com` (the app-server honours `CODEX_APP_SERVER_LOGIN_ISSUER`, which the tests point at a fake
 * issuer), the Codex CLI's public OAuth client id (`CODEX_APP_SERVER_LOGIN_CLIENT_ID`), the refresh endpoint
 * `<issuer>/oauth/token` (`CODEX_REFRESH_TOKEN_URL_OVERRIDE`), and the browser callback on 127.0.0.1:1455 (1457
 * when 1455 stays busy — both are registered redirect URIs of that client).
 *
 * `CODEX_APP_SERVER_LOGIN_PORT` is this server's own addition: the reference fixes the port in the app-server, but
 * tests running side by side need a free one (`0` picks any). A real sign-in must keep 1455: auth.openai.com only
 * redirects to the registered ports.
 */
export const DEFAULT_ISSUER = 'https://auth.openai.com';
export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
export const DEFAULT_CALLBACK_PORT = 1455;
export const FALLBACK_CALLBACK_PORT = 1457;

export const LOGIN_ISSUER_ENV = 'CODEX_APP_SERVER_LOGIN_ISSUER';
export const LOGIN_CLIENT_ID_ENV = 'CODEX_APP_SERVER_LOGIN_CLIENT_ID';
export const REFRESH_TOKEN_URL_ENV = 'CODEX_REFRESH_TOKEN_URL_OVERRIDE';
export const LOGIN_PORT_ENV = 'CODEX_APP_SERVER_LOGIN_PORT';

export interface OauthSettings {
  /** Without a trailing slash. */
  readonly issuer: string;
  readonly clientId: string;
  readonly tokenUrl: string;
  readonly refreshUrl: string;
  readonly callbackPort: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function nonBlank(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim();
}

export function oauthSettings(env: Env): OauthSettings {
  const issuer = (nonBlank(env[LOGIN_ISSUER_ENV]) ?? DEFAULT_ISSUER).replace(/\/+$/, '');
  const tokenUrl = `${issuer}/oauth/token`;
  const port = nonBlank(env[LOGIN_PORT_ENV]);
  const callbackPort = port !== null && /^\d+$/.test(port) && Number(port) <= 65_535 ? Number(port) : DEFAULT_CALLBACK_PORT;
  return {
    issuer,
    clientId: nonBlank(env[LOGIN_CLIENT_ID_ENV]) ?? CODEX_CLIENT_ID,
    tokenUrl,
    // The reference refreshes against auth.openai.com even when only the issuer is overridden.
    refreshUrl: nonBlank(env[REFRESH_TOKEN_URL_ENV]) ?? `${DEFAULT_ISSUER}/oauth/token`,
    callbackPort,
  };
}
