import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../../util/logger.js';
import { generatePkce, generateState } from '../login/pkce.js';
import { GatewayCallback } from './gateway-callback.js';
import type { GatewayOAuthSettings } from './gateway-oauth-settings.js';
import {
  exchangeGatewayCode,
  GatewayTokenEndpointError,
  pollGatewayDeviceToken,
  refreshGatewayToken,
  requestGatewayDeviceAuthorization,
  type GatewayDeviceAuthorization,
  type GatewayFetch,
} from './gateway-token-requests.js';
import type { GatewayTokenStore, StoredGatewayToken } from './gateway-token-store.js';

/** Where a provider's gateway credentials stand, as `account/gatewayOAuth/*` report it. */
export type GatewayAuthStatus = 'notReady' | 'started' | 'succeeded' | 'failed';
export interface GatewayStatusSnapshot {
  readonly status: GatewayAuthStatus;
  readonly error: string | null;
}

// The reference 0.169.0's words [observed].
export const GATEWAY_SIGN_IN_FAILED = 'Gateway sign-in failed; check the gateway configuration and credential store.';
export const GATEWAY_SIGN_IN_CANCELED = 'Gateway sign-in was canceled';
export const GATEWAY_SIGN_IN_REQUIRED = 'Gateway sign-in required. Choose Sign in or Reconnect, then retry your request';
export const GATEWAY_DEVICE_EXPIRED = 'Device authorization expired; start sign-in again';
export const GATEWAY_DEVICE_DENIED = 'Device authorization was denied; start sign-in again when ready';

/** A model request needs a gateway token nobody has signed in for (or whose refresh the gateway refused). */
export class GatewaySignInRequired extends Error {
  constructor() {
    super(GATEWAY_SIGN_IN_REQUIRED);
  }
}

/** A sign-in that ended without tokens; `message` is what the client is told. */
export class GatewaySignInFailed extends Error {}

/** Tokens this close to expiry are refreshed before use, as the reference does (30 s). */
const REFRESH_SKEW_SECONDS = 30;
/** RFC 8628 §3.5: a `slow_down` answer adds five seconds to the polling interval. */
const SLOW_DOWN_SECONDS = 5;

function usable(token: StoredGatewayToken, nowSeconds = Date.now() / 1000): boolean {
  return token.expires_at === null || token.expires_at === undefined || token.expires_at > nowSeconds + REFRESH_SKEW_SECONDS;
}

export interface GatewayAuthOptions {
  readonly providerId: string;
  readonly settings: GatewayOAuthSettings;
  /** The key of this gateway's tokens in the store. */
  readonly credentialId: string;
  readonly store: GatewayTokenStore;
  readonly fetch: GatewayFetch;
  readonly log: Logger;
  /** Told of every status change (the server broadcasts `account/gatewayOAuth/changed`). */
  readonly onChange: (providerId: string, snapshot: GatewayStatusSnapshot) => void;
}

/** A browser sign-in waiting for the redirect. */
export interface PendingBrowserSignIn {
  readonly authUrl: string;
  /** Resolves once the tokens are stored; rejects with a {@link GatewaySignInFailed}. */
  readonly done: Promise<void>;
}

/** A device sign-in waiting for the person to enter the code. */
export interface PendingDeviceSignIn {
  readonly authorization: GatewayDeviceAuthorization;
  readonly done: Promise<void>;
}

/**
 * One provider's gateway credentials: the sign-in flows (browser with PKCE, device authorization), the stored
 * tokens, and the access token model requests carry, refreshed shortly before it expires. Status changes are
 * reported through `onChange`, the first one (`notReady`) when this object is made, as the reference does.
 */
export class GatewayAuth {
  readonly providerId: string;
  readonly settings: GatewayOAuthSettings;
  readonly #options: GatewayAuthOptions;
  #snapshot: GatewayStatusSnapshot = { status: 'notReady', error: null };
  /** One refresh at a time: a rotated refresh token is good once. */
  #refreshing: Promise<string> | null = null;

  constructor(options: GatewayAuthOptions) {
    this.providerId = options.providerId;
    this.settings = options.settings;
    this.#options = options;
    options.onChange(this.providerId, this.#snapshot);
  }

  get snapshot(): GatewayStatusSnapshot {
    return this.#snapshot;
  }

  /**
   * The status `account/gatewayOAuth/read` reports: this server's own view, except that tokens found in the store
   * before any sign-in here (a restart, another server on the same CODEX_HOME) count as signed in.
   */
  async currentStatus(): Promise<GatewayStatusSnapshot> {
    if (this.#snapshot.status === 'notReady') {
      const token = await this.#options.store.load(this.#options.credentialId).catch(() => null);
      if (token !== null && (usable(token) || token.refresh_token)) this.publish('succeeded', null);
    }
    return this.#snapshot;
  }

  /** Records a new status and reports it when it changed. */
  publish(status: GatewayAuthStatus, error: string | null): void {
    if (this.#snapshot.status === status && this.#snapshot.error === error) return;
    this.#snapshot = { status, error };
    this.#options.onChange(this.providerId, this.#snapshot);
  }

  /**
   * Starts the browser sign-in: a callback listener on 127.0.0.1:`redirect_port`, and the authorization URL the
   * client opens (`response_type, client_id, redirect_uri, code_challenge, code_challenge_method, state, scope`, in
   * the reference's order [observed]). `done` exchanges the code and stores the tokens; `signal` ends it.
   */
  async startBrowserSignIn(signal: AbortSignal): Promise<PendingBrowserSignIn> {
    const pkce = generatePkce();
    const state = generateState();
    const callback = await GatewayCallback.listen(this.settings.redirectPort, state);
    const url = new URL(this.settings.authorizationUrl);
    url.searchParams.append('response_type', 'code');
    url.searchParams.append('client_id', this.settings.clientId);
    url.searchParams.append('redirect_uri', callback.redirectUri);
    url.searchParams.append('code_challenge', pkce.challenge);
    url.searchParams.append('code_challenge_method', 'S256');
    url.searchParams.append('state', state);
    if (this.settings.scopes.length > 0) url.searchParams.append('scope', this.settings.scopes.join(' '));
    const onAbort = () => callback.close(new GatewaySignInFailed(GATEWAY_SIGN_IN_CANCELED));
    signal.addEventListener('abort', onAbort, { once: true });
    const done = this.#finish(signal, async () => {
      const code = await callback.code;
      return exchangeGatewayCode(this.#options.fetch, this.settings, {
        code,
        redirectUri: callback.redirectUri,
        codeVerifier: pkce.verifier,
      });
    }).finally(() => {
      signal.removeEventListener('abort', onAbort);
      callback.close();
    });
    return { authUrl: url.toString(), done };
  }

  /**
   * Starts the device sign-in (RFC 8628): asks the gateway for a user code, then polls the token endpoint (at once,
   * then every `interval` seconds, slower after `slow_down`) until the person approves, denies or the code expires.
   */
  async startDeviceSignIn(signal: AbortSignal): Promise<PendingDeviceSignIn> {
    const deviceUrl = this.settings.deviceAuthorizationUrl;
    if (deviceUrl === null) throw new GatewaySignInFailed('The gateway does not support device authorization');
    const authorization = await requestGatewayDeviceAuthorization(
      this.#options.fetch,
      { ...this.settings, deviceAuthorizationUrl: deviceUrl },
      signal,
    );
    const done = this.#finish(signal, () => this.#pollDevice(authorization, signal));
    return { authorization, done };
  }

  async #pollDevice(authorization: GatewayDeviceAuthorization, signal: AbortSignal): Promise<StoredGatewayToken> {
    const deadline = Date.now() + authorization.expiresInSeconds * 1000;
    let intervalSeconds = authorization.intervalSeconds;
    for (;;) {
      try {
        return await pollGatewayDeviceToken(this.#options.fetch, this.settings, authorization.deviceCode, signal);
      } catch (error) {
        if (!(error instanceof GatewayTokenEndpointError)) throw error;
        if (error.code === 'expired_token') throw new GatewaySignInFailed(GATEWAY_DEVICE_EXPIRED);
        if (error.code === 'access_denied') throw new GatewaySignInFailed(GATEWAY_DEVICE_DENIED);
        if (error.code === 'slow_down') intervalSeconds += SLOW_DOWN_SECONDS;
        else if (error.code !== 'authorization_pending') throw error;
      }
      if (Date.now() + intervalSeconds * 1000 > deadline) throw new GatewaySignInFailed(GATEWAY_DEVICE_EXPIRED);
      await delay(intervalSeconds * 1000, undefined, { signal });
    }
  }

  /** Runs a sign-in's token step and stores the tokens; any failure becomes the message the client sees. */
  async #finish(signal: AbortSignal, obtain: () => Promise<StoredGatewayToken>): Promise<void> {
    try {
      const token = await obtain();
      if (signal.aborted) throw new GatewaySignInFailed(GATEWAY_SIGN_IN_CANCELED);
      await this.#options.store.save(this.#options.credentialId, token);
    } catch (error) {
      if (error instanceof GatewaySignInFailed) throw error;
      if (signal.aborted) throw new GatewaySignInFailed(GATEWAY_SIGN_IN_CANCELED);
      // The client gets the reference's general message; the cause goes to the log (never a token: only messages).
      this.#options.log.warn(
        { provider: this.providerId, reason: error instanceof Error ? error.message : String(error) },
        'gateway sign-in failed',
      );
      throw new GatewaySignInFailed(GATEWAY_SIGN_IN_FAILED, { cause: error });
    }
  }

  /**
   * The access token for a model request: the stored one while it has more than 30 seconds left, else a refreshed
   * one (stored before use). No tokens, or a refresh the gateway refuses as `invalid_grant`, is
   * {@link GatewaySignInRequired}.
   */
  async accessToken(signal: AbortSignal): Promise<string> {
    const token = await this.#options.store.load(this.#options.credentialId);
    if (token !== null && usable(token)) {
      if (this.#snapshot.status === 'notReady') this.publish('succeeded', null);
      return token.access_token;
    }
    if (!token?.refresh_token) throw new GatewaySignInRequired();
    this.#refreshing ??= this.#refresh(token.refresh_token, signal).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refresh(refreshToken: string, signal: AbortSignal): Promise<string> {
    let refreshed: StoredGatewayToken;
    try {
      refreshed = await refreshGatewayToken(this.#options.fetch, this.settings, refreshToken, signal);
    } catch (error) {
      if (
        error instanceof GatewayTokenEndpointError &&
        error.status === 400 &&
        ['invalid_grant', 'unauthorized_client', 'unsupported_grant_type'].includes(error.code ?? '')
      ) {
        // Another server may have refreshed meanwhile (a rotated refresh token is good once).
        const stored = await this.#options.store.load(this.#options.credentialId);
        if (stored !== null && usable(stored)) return stored.access_token;
        this.publish('notReady', null);
        throw new GatewaySignInRequired();
      }
      throw error;
    }
    await this.#options.store.save(this.#options.credentialId, refreshed);
    this.publish('succeeded', null);
    return refreshed.access_token;
  }
}
