import { FEATURE_FLAGS } from './feature-catalogue.js';
import type { FeatureFlag } from './feature-catalogue.js';

/**
 * Features a client may switch on or off for the running server with `experimentalFeature/enablement/set`
 * (process-wide, never written to config.toml). The reference 0.169.0 accepts exactly these and silently ignores
 * every other name [observed].
 */
const RUNTIME_SETTABLE: ReadonlySet<string> = new Set([
  'api_key_cyber_access_programs',
  'api_key_model_discovery',
  'auth_elicitation',
  'background_paginated_rollout_migration',
  'codex_apps_mcp_2026_07_28',
  'daybreak_program_propagation',
  'mcp_2026_07_28',
  'mcp_connection_sharing',
  'mcp_lazy_stdio_startup',
  'memories',
  'mentions_v2',
  'remote_control',
  'remote_plugin',
  'tool_suggest',
  'windows_sandbox_service',
]);

/** A feature flag with whether it is on now. */
export interface FeatureState {
  readonly flag: FeatureFlag;
  readonly enabled: boolean;
}

/**
 * Which feature flags are on: the runtime enablement set by clients, else config.toml's `[features]` table, else
 * the flag's default. A removed flag keeps its default whatever config.toml says [observed: `undo = true` lists
 * it disabled, and removed default-on flags stay on].
 */
export class FeatureEnablement {
  readonly #runtime = new Map<string, boolean>();

  /** Every flag in catalogue order, evaluated against `features` (config.toml's `[features]`, if any). */
  states(features: Readonly<Record<string, unknown>> | undefined): FeatureState[] {
    return FEATURE_FLAGS.map((flag) => ({ flag, enabled: this.#enabled(flag, features) }));
  }

  /** Applies the settable entries of `enablement` and returns them (sorted by name); the rest are ignored. */
  set(enablement: Readonly<Record<string, boolean>>): Record<string, boolean> {
    const applied: Record<string, boolean> = {};
    for (const name of Object.keys(enablement).sort()) {
      const value = enablement[name];
      if (value === undefined || !RUNTIME_SETTABLE.has(name)) continue;
      this.#runtime.set(name, value);
      applied[name] = value;
    }
    return applied;
  }

  #enabled(flag: FeatureFlag, features: Readonly<Record<string, unknown>> | undefined): boolean {
    if (flag.stage === 'removed') return flag.defaultEnabled;
    const runtime = this.#runtime.get(flag.name);
    if (runtime !== undefined) return runtime;
    const configured = features?.[flag.name];
    return typeof configured === 'boolean' ? configured : flag.defaultEnabled;
  }
}
