import { setTimeout as delay } from 'node:timers/promises';
import {
  exchangeCodeForTokens,
  pollDeviceToken,
  requestDeviceUserCode,
  type DeviceGrant,
  type ExchangedTokens,
  type OauthHttp,
} from './oauth-requests.js';
import type { OauthSettings } from './oauth-settings.js';

/** How long a device code stays usable: the reference gives up polling after 15 minutes. */
export const DEVICE_CODE_TIMEOUT_MS = 15 * 60 * 1000;

export interface DeviceCodeLoginOptions {
  readonly settings: OauthSettings;
  readonly http: OauthHttp;
  readonly save: (tokens: ExchangedTokens) => Promise<void>;
}

/**
 * The device-code ChatGPT sign-in for a server without a browser, as the reference 0.169.0 runs it [observed]:
 * `POST <issuer>/api/accounts/deviceauth/usercode` gives a user code the person types at
 * `<issuer>/codex/device` (on any device); meanwhile the server polls `…/deviceauth/token` every `interval`
 * seconds (403/404 = not yet) until it receives an authorization code with its PKCE pair, exchanges it at
 * `<issuer>/oauth/token` (redirect URI `<issuer>/deviceauth/callback`), and stores the tokens (no API key).
 */
export class DeviceCodeLogin {
  readonly verificationUrl: string;
  readonly userCode: string;
  readonly done: Promise<void>;
  readonly #abort = new AbortController();

  private constructor(verificationUrl: string, userCode: string, run: (signal: AbortSignal) => Promise<void>) {
    this.verificationUrl = verificationUrl;
    this.userCode = userCode;
    this.done = run(this.#abort.signal);
    this.done.catch(() => {});
  }

  /** Asks for a user code; rejects (transport error, or {@link DeviceCodeUnavailable}) when there is none. */
  static async start(options: DeviceCodeLoginOptions): Promise<DeviceCodeLogin> {
    const { settings, http } = options;
    const code = await requestDeviceUserCode(http, { issuer: settings.issuer, clientId: settings.clientId });
    return new DeviceCodeLogin(`${settings.issuer}/codex/device`, code.userCode, async (signal) => {
      const grant = await pollUntilApproved(http, settings.issuer, code.deviceAuthId, code.userCode, code.intervalSeconds, signal);
      let tokens: ExchangedTokens;
      try {
        tokens = await exchangeCodeForTokens(http, {
          tokenUrl: settings.tokenUrl,
          clientId: settings.clientId,
          code: grant.authorization_code,
          redirectUri: `${settings.issuer}/deviceauth/callback`,
          codeVerifier: grant.code_verifier,
        });
      } catch (error) {
        throw new Error(`device code exchange failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      if (signal.aborted) throw new Error('Login was not completed');
      await options.save(tokens);
    });
  }

  /** Stops polling; `done` rejects with `Login was not completed`. */
  cancel(): void {
    this.#abort.abort(new Error('Login was not completed'));
  }
}

async function pollUntilApproved(
  http: OauthHttp,
  issuer: string,
  deviceAuthId: string,
  userCode: string,
  intervalSeconds: number,
  signal: AbortSignal,
): Promise<DeviceGrant> {
  const deadline = Date.now() + DEVICE_CODE_TIMEOUT_MS;
  for (;;) {
    const grant = await pollDeviceToken(http, { issuer, deviceAuthId, userCode, signal }).catch((error: unknown) => {
      if (signal.aborted) throw signal.reason;
      throw error;
    });
    if (grant !== null) return grant;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error('device auth timed out after 15 minutes; start the sign-in again for a new code');
    try {
      await delay(Math.min(intervalSeconds * 1000, remaining), undefined, { signal, ref: false });
    } catch {
      throw signal.reason;
    }
  }
}
