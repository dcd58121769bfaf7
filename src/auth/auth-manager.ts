import { randomBytes } from 'node:crypto';
import type { OpenaiAuthSource, OpenaiLogin, ResolvedProvider } from '../model/provider.js';
import {
  ChatgptAuthTokensRefreshResponseSchema,
  type ChatgptAuthTokensRefreshParams,
} from '../protocol/v2/account.js';
import type { Logger } from '../util/logger.js';
import { untilAborted } from '../util/abortable.js';
import { deleteAuthJson, readAuthJson, writeAuthJson, type AuthJson } from './auth-json.js';
import { bedrockAuthJson } from './bedrock-auth-json.js';
import {
  authFromJson,
  authHeaders,
  externalChatgptAuth,
  isBedrockAuth,
  isChatgptAuth,
  type BedrockAuth,
  type CodexAuth,
} from './codex-auth.js';
import { chatgptClaims } from './jwt-claims.js';
import { oauthSettings } from './login/oauth-settings.js';
import { refreshChatgptTokens, type ExchangedTokens, type RefreshReason } from './login/oauth-requests.js';

/**
 * Asks the clients for fresh ChatGPT tokens (`account/chatgptAuthTokens/refresh`) and resolves with the first
 * client's raw answer; rejects when no client can answer or `signal` aborts (which also withdraws the request).
 */
export type TokenRefreshRequester = (params: ChatgptAuthTokensRefreshParams, signal: AbortSignal) => Promise<unknown>;

/** The reference's `EXTERNAL_AUTH_REFRESH_TIMEOUT`. */
export const TOKEN_REFRESH_TIMEOUT_MS = 10_000;

export interface AuthManagerOptions {
  readonly codexHome: string;
  readonly log: Logger;
  /** Default {@link TOKEN_REFRESH_TIMEOUT_MS}. */
  readonly refreshTimeoutMs?: number;
  /** Outbound HTTPS for refreshing stored ChatGPT tokens; default the global fetch. */
  readonly fetch?: typeof fetch;
  /** Where the sign-in endpoints are overridden (oauth-settings.ts); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Where a ChatGPT sign-in came from, kept in auth.json next to the tokens (as the reference writes it). */
export interface SignInOrigin {
  readonly issuer: string;
  readonly clientId: string;
}

/** A login whose credentials cannot be refreshed here (auth.json is re-read at every request instead). */
const STORED_LOGIN_GENERATION = -1;

/**
 * The server's Codex login, one per server: auth.json (re-read at every use, so `codex login` in a shell applies
 * at once) or ChatGPT tokens a client supplied, which live in memory only, as in the reference (the file is left
 * alone). It authenticates model requests ({@link OpenaiAuthSource}) and, for client-supplied tokens, refreshes
 * them after a 401 by asking a client: one refresh at a time, shared by every request that failed meanwhile.
 *
 * Tokens and keys are never logged.
 */
export class AuthManager implements OpenaiAuthSource {
  readonly #codexHome: string;
  readonly #log: Logger;
  readonly #refreshTimeoutMs: number;
  /** Client-supplied ChatGPT tokens; they win over auth.json while set. */
  #external: CodexAuth | null = null;
  /** Bumped whenever `#external` changes, so a 401 on superseded tokens retries instead of refreshing again. */
  #generation = 0;
  #refreshing: Promise<boolean> | null = null;
  #requester: TokenRefreshRequester | null = null;
  readonly #fetch: typeof fetch;
  readonly #env: Readonly<Record<string, string | undefined>>;
  /** The refresh of auth.json's tokens in flight, shared by every request that needs it. */
  #storedRefresh: Promise<void> | null = null;

  constructor(options: AuthManagerOptions) {
    this.#codexHome = options.codexHome;
    this.#log = options.log;
    this.#refreshTimeoutMs = options.refreshTimeoutMs ?? TOKEN_REFRESH_TIMEOUT_MS;
    this.#fetch = options.fetch ?? fetch;
    this.#env = options.env ?? process.env;
  }

  /** Wired once the rpc host (which knows the clients) exists. */
  setTokenRefreshRequester(requester: TokenRefreshRequester): void {
    this.#requester = requester;
  }

  /** Whether a client's ChatGPT tokens are in effect (they win over auth.json until logout). */
  get usesClientTokens(): boolean {
    return this.#external !== null;
  }

  /** The login in effect, or null. */
  async current(): Promise<CodexAuth | null> {
    if (this.#external !== null) return this.#external;
    const json = await readAuthJson(this.#codexHome);
    return json === null ? null : authFromJson(json);
  }

  /**
   * Whether requests to `provider` authenticate with a ChatGPT login (auth.json tokens or client-supplied ones):
   * the provider uses the Codex login and has no key of its own. Attestation and the ChatGPT backend's headers
   * depend on this answer.
   */
  async usesChatgptAuth(provider: ResolvedProvider): Promise<boolean> {
    if (!provider.requiresOpenaiAuth) return false;
    if (provider.bearerToken !== null && !provider.bearerTokenIsFallback) return false;
    return isChatgptAuth(await this.current());
  }

  /**
   * Stores an Amazon Bedrock login in auth.json (0600), replacing any login there, as the reference does for
   * `account/login/start` `amazonBedrock` / `amazonBedrockAccessKeys`. Client-supplied ChatGPT tokens are dropped.
   */
  async loginWithBedrock(auth: BedrockAuth): Promise<BedrockAuth> {
    await writeAuthJson(this.#codexHome, bedrockAuthJson(auth));
    this.#setExternal(null);
    return auth;
  }

  /** The stored Amazon Bedrock login the `amazon-bedrock` provider signs its requests with, or null. */
  async bedrockLogin(): Promise<BedrockAuth | null> {
    const auth = await this.current();
    return isBedrockAuth(auth) ? auth : null;
  }

  /** Stores an API key in auth.json (replacing any login there), as `codex login --with-api-key` does. */
  async loginWithApiKey(apiKey: string): Promise<CodexAuth> {
    await writeAuthJson(this.#codexHome, { auth_mode: 'apikey', OPENAI_API_KEY: apiKey });
    this.#setExternal(null);
    return { mode: 'apikey', apiKey };
  }

  /**
   * Stores a finished ChatGPT sign-in in auth.json, replacing any login there, the way the reference 0.169.0 writes
   * it [observed]: `auth_mode: "chatgpt"`, the API key the browser login obtained (null for device code), the tokens
   * with `oauth_provenance` {issuer, client_id}, a random `login_owner_id`, the account id from the id token's
   * claims, and `last_refresh`. Client-supplied tokens are dropped: the stored login is the one in effect.
   */
  async saveChatgptLogin(tokens: ExchangedTokens, apiKey: string | null, origin: SignInOrigin): Promise<CodexAuth | null> {
    const json: AuthJson = {
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: apiKey,
      tokens: {
        id_token: tokens.id_token,
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        oauth_provenance: { issuer: origin.issuer, client_id: origin.clientId },
        login_owner_id: randomBytes(32).toString('base64url'),
        account_id: chatgptClaims(tokens.id_token).accountId,
      },
      last_refresh: new Date().toISOString(),
    };
    await writeAuthJson(this.#codexHome, json);
    this.#setExternal(null);
    return authFromJson(json);
  }

  /**
   * Refreshes the ChatGPT tokens in auth.json with their refresh token and writes the new ones back (`id_token`,
   * `access_token`, `refresh_token` as answered, `last_refresh` now; every other field kept). No-op for any other
   * login. One refresh at a time: concurrent callers share it. Rejects with the issuer's refusal (the message says
   * to sign in again) or a transport error.
   */
  refreshStoredTokens(reason: RefreshReason, signal?: AbortSignal): Promise<void> {
    this.#storedRefresh ??= this.#refreshStored(reason).finally(() => {
      this.#storedRefresh = null;
    });
    return untilAborted(this.#storedRefresh, signal);
  }

  async #refreshStored(reason: RefreshReason): Promise<void> {
    const json = await readAuthJson(this.#codexHome);
    const refreshToken = json?.tokens?.refresh_token;
    if (json === null || !json.tokens || authFromJson(json)?.mode !== 'chatgpt' || !refreshToken) return;
    const settings = oauthSettings(this.#env);
    const refreshed = await refreshChatgptTokens(
      { fetch: this.#fetch, env: this.#env },
      { refreshUrl: settings.refreshUrl, clientId: settings.clientId, refreshToken, reason },
    );
    // Re-read: a sign-in or logout that finished meanwhile wins over this refresh.
    const latest = await readAuthJson(this.#codexHome);
    if (latest?.tokens?.refresh_token !== refreshToken) return;
    const tokens = { ...latest.tokens };
    if (refreshed.id_token) tokens.id_token = refreshed.id_token;
    if (refreshed.access_token) tokens.access_token = refreshed.access_token;
    if (refreshed.refresh_token) tokens.refresh_token = refreshed.refresh_token;
    await writeAuthJson(this.#codexHome, { ...latest, tokens, last_refresh: new Date().toISOString() });
    this.#log.info({ reason }, 'refreshed the stored ChatGPT tokens');
  }

  /** Uses ChatGPT tokens a client manages (kept in memory; auth.json is not touched). */
  loginWithChatgptTokens(accessToken: string, accountId: string, planType: string | null | undefined): CodexAuth {
    const auth = externalChatgptAuth(accessToken, accountId, planType);
    this.#setExternal(auth);
    return auth;
  }

  /** Forgets client tokens and deletes auth.json. */
  async logout(): Promise<void> {
    this.#setExternal(null);
    await deleteAuthJson(this.#codexHome);
  }

  async login(signal?: AbortSignal): Promise<OpenaiLogin | null> {
    let auth = await this.current();
    // A Bedrock login authenticates only the Bedrock provider (bedrockLogin), never an OpenAI request.
    if (auth === null || isBedrockAuth(auth)) return null;
    // An access token past its `exp` is refreshed before use, as the reference does (`proactive_expiry`); if that
    // fails the request goes out with the old token and the 401 path reports why.
    if (auth.mode === 'chatgpt' && isExpired(auth.accessToken)) {
      try {
        await this.refreshStoredTokens('proactive_expiry', signal);
        const refreshed = await this.current();
        if (refreshed !== null && !isBedrockAuth(refreshed)) auth = refreshed;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        this.#log.warn({ err: messageOf(error) }, 'refreshing the expired ChatGPT access token failed');
      }
    }
    const generation = auth.mode === 'chatgptAuthTokens' ? this.#generation : STORED_LOGIN_GENERATION;
    return { headers: authHeaders(auth), chatgpt: isChatgptAuth(auth), generation };
  }

  /**
   * For auth.json's ChatGPT tokens: when the file already holds other tokens (a refresh or sign-in elsewhere), the
   * request is simply sent again; otherwise the tokens are refreshed (`unauthorized_recovery`) first. A refusal
   * from the issuer rejects with its message (sign in again). An API key cannot be refreshed.
   */
  async refreshAfterUnauthorized(failed: OpenaiLogin, signal: AbortSignal): Promise<boolean> {
    if (failed.generation === STORED_LOGIN_GENERATION) {
      const current = await this.current();
      if (current === null || current.mode !== 'chatgpt') return false;
      if (authHeaders(current).authorization !== failed.headers.authorization) return true;
      await this.refreshStoredTokens('unauthorized_recovery', signal);
      const renewed = await this.current();
      return isChatgptAuth(renewed) && authHeaders(renewed).authorization !== failed.headers.authorization;
    }
    if (this.#external === null) return false;
    // Newer tokens arrived while this request was in flight: try them before asking for more.
    if (failed.generation !== this.#generation) return true;
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return untilAborted(this.#refreshing, signal);
  }

  #setExternal(auth: CodexAuth | null): void {
    this.#external = auth;
    this.#generation++;
  }

  /** One `account/chatgptAuthTokens/refresh` round; false when it yields no usable tokens. */
  async #refresh(): Promise<boolean> {
    const previous = this.#external;
    if (!isChatgptAuth(previous)) return false;
    if (this.#requester === null) return false;
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new Error(`auth refresh request timed out after ${this.#refreshTimeoutMs / 1000}s`)),
      this.#refreshTimeoutMs,
    );
    try {
      const raw = await this.#requester({ reason: 'unauthorized', previousAccountId: previous.accountId }, timeout.signal);
      const parsed = ChatgptAuthTokensRefreshResponseSchema.safeParse(raw);
      if (!parsed.success) {
        this.#log.warn('auth refresh request failed: the client answered without accessToken/chatgptAccountId');
        return false;
      }
      // A logout or another login while the client answered wins over this refresh.
      if (this.#external !== previous) return this.#external !== null;
      const { accessToken, chatgptAccountId, chatgptPlanType } = parsed.data;
      this.#setExternal(externalChatgptAuth(accessToken, chatgptAccountId, chatgptPlanType));
      return true;
    } catch (error) {
      // The error is the client's code/message or a timeout/closed connection: never a token.
      this.#log.warn({ err: error instanceof Error ? error.message : String(error) }, 'auth refresh request failed');
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}

function isExpired(accessToken: string): boolean {
  const expiresAt = chatgptClaims(accessToken).expiresAt;
  return expiresAt !== null && expiresAt * 1000 <= Date.now();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
