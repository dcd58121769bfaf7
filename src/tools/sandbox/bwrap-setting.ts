import type { Environment } from './writable-roots.js';

/**
 * Where an operator can point the server at a bubblewrap executable, for hosts where `bwrap` is not on PATH (a
 * distribution that installs it elsewhere, a copy of its own, a PATH the service manager trims). The reference
 * 0.169.0 has no such setting — it looks on PATH and otherwise falls back to the copy it bundles, which we do not
 * have — so the names are ours:
 * - the environment variable `CODEX_BWRAP_PATH`, which wins (a deployment sets it without touching config.toml);
 * - `bwrap_path` at the top level of config.toml (or `-c bwrap_path=…`).
 * A configured path replaces the PATH lookup instead of adding to it: when it does not work, commands are refused
 * with the reason rather than sandboxed by whichever bwrap PATH happens to hold.
 */
export const BWRAP_PATH_ENV = 'CODEX_BWRAP_PATH';
export const BWRAP_PATH_CONFIG_KEY = 'bwrap_path';

/** A bwrap the operator named, and where they named it (for messages). */
export interface ConfiguredBwrap {
  readonly path: string;
  readonly source: string;
}

/** The configured bwrap, if any: the environment variable first, then config.toml's key. Empty values are unset. */
export function configuredBwrap(env: Environment, configValue: string | undefined): ConfiguredBwrap | undefined {
  const fromEnv = env[BWRAP_PATH_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { path: fromEnv, source: `the ${BWRAP_PATH_ENV} environment variable` };
  if (configValue !== undefined && configValue !== '') {
    return { path: configValue, source: `\`${BWRAP_PATH_CONFIG_KEY}\` in config.toml` };
  }
  return undefined;
}

/** What to tell someone whose bwrap is missing or unusable. */
export const BWRAP_REMEDY =
  'install bubblewrap (e.g. `apt-get install bubblewrap`), or point ' +
  `\`${BWRAP_PATH_CONFIG_KEY}\` in config.toml or the ${BWRAP_PATH_ENV} environment variable at a bwrap executable`;
