import type { OpenaiAuthSource, OpenaiLogin, ResolvedProvider } from '../model/provider.js';
import {
  ChatgptAuthTokensRefreshResponseSchema,
  type ChatgptAuthTokensRefreshParams,
} from '../protocol/v2/account.js';
import type { Logger } from '../util/logger.js';
import { untilAborted } from '../util/abortable.js';
import { deleteAuthJson, readAuthJson, writeAuthJson } from './auth-json.js';
import { authFromJson, authHeaders, externalChatgptAuth, isChatgptAuth, type CodexAuth } from './codex-auth.js';

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

  constructor(options: AuthManagerOptions) {
    this.#codexHome = options.codexHome;
    this.#log = options.log;
    this.#refreshTimeoutMs = options.refreshTimeoutMs ?? TOKEN_REFRESH_TIMEOUT_MS;
  }

  /** Wired once the rpc host (which knows the clients) exists. */
  setTokenRefreshRequester(requester: TokenRefreshRequester): void {
    this.#requester = requester;
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

  /** Stores an API key in auth.json (replacing any login there), as `codex login --with-api-key` does. */
  async loginWithApiKey(apiKey: string): Promise<CodexAuth> {
    await writeAuthJson(this.#codexHome, { auth_mode: 'apikey', OPENAI_API_KEY: apiKey });
    this.#setExternal(null);
    return { mode: 'apikey', apiKey };
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

  async login(): Promise<OpenaiLogin | null> {
    const auth = await this.current();
    if (auth === null) return null;
    const generation = auth.mode === 'chatgptAuthTokens' ? this.#generation : STORED_LOGIN_GENERATION;
    return { headers: authHeaders(auth), chatgpt: isChatgptAuth(auth), generation };
  }

  async refreshAfterUnauthorized(failed: OpenaiLogin, signal: AbortSignal): Promise<boolean> {
    if (failed.generation === STORED_LOGIN_GENERATION || this.#external === null) return false;
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
    if (previous === null || previous.mode === 'apikey') return false;
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
