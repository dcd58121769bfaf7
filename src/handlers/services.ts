import type { AuthManager } from '../auth/auth-manager.js';
import type { GatewayCredentials } from '../auth/gateway/gateway-credentials.js';
import type { LoadedConfig } from '../config/load.js';
import type { Broadcaster } from '../runtime/clients/broadcast.js';
import type { ConfigWarningNotification } from '../protocol/v2/server-status.js';
import type { ThreadManager } from '../runtime/threads/thread-manager.js';

/** The server-wide facts and services handlers use; built once by main.ts. */
export interface ServerServices {
  /** Absolute, canonical CODEX_HOME. */
  readonly codexHome: string;
  /** Contents of `$CODEX_HOME/installation_id`. */
  readonly installationId: string;
  /** Problems found in the configuration at startup; each client gets them after `initialize`. */
  readonly configWarnings: readonly ConfigWarningNotification[];
  readonly threads: ThreadManager;
  /** config.toml with the command line's overrides, as loaded at startup. */
  readonly config: LoadedConfig;
  /** The server's environment (provider keys, `SHELL`, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The Codex login (auth.json, client-supplied ChatGPT tokens); the same one the model requests use. */
  readonly auth: AuthManager;
  /** Gateway sign-ins (`account/gatewayOAuth/*`); the same ones model requests to such providers use. */
  readonly gatewayCredentials: GatewayCredentials;
  /** Outbound HTTPS (ChatGPT backend), trusting the custom CA bundle when one is configured. */
  readonly fetch: typeof fetch;
  /** Every initialized connection (`account/updated`, `account/login/completed`). */
  readonly broadcaster: Broadcaster;
}
