import type { Config } from '../protocol/v2/config.js';
import { tomlToJson } from './layers.js';
import { isPlainTable } from './schema.js';

/**
 * The keys the reference always writes in config/read's `config`, null when no layer sets them: the typed part
 * of its `Config` wire type.
 */
const ALWAYS_PRESENT_KEYS = [
  'model', 'review_model', 'model_context_window', 'model_auto_compact_token_limit',
  'model_auto_compact_token_limit_scope', 'model_provider', 'approval_policy', 'approvals_reviewer', 'sandbox_mode',
  'sandbox_workspace_write', 'forced_chatgpt_workspace_id', 'forced_login_method', 'web_search',
  'client_search_provider', 'tools', 'instructions', 'developer_instructions', 'compact_prompt',
  'model_reasoning_effort', 'model_reasoning_summary', 'model_verbosity', 'service_tier', 'analytics', 'apps',
  'browser_use', 'computer_use', 'desktop',
] as const;

/**
 * The effective configuration as config/read sends it: every layer merged (`table`), in config.toml's own
 * snake_case keys. Unlike the reference, which re-serialises its typed config struct (and so fills in its own
 * defaults and drops keys it does not know), this is what the layers actually say, plus the defaults this server
 * applies to `[sandbox_workspace_write]`.
 */
export function effectiveConfig(table: Readonly<Record<string, unknown>>): Config {
  const json = tomlToJson(table);
  const values: Record<string, unknown> = isPlainTable(json) ? json : {};
  const config: Record<string, unknown> = {};
  for (const key of ALWAYS_PRESENT_KEYS) config[key] = null;
  for (const [key, value] of Object.entries(values)) {
    Object.defineProperty(config, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const workspaceWrite = values['sandbox_workspace_write'];
  if (isPlainTable(workspaceWrite)) {
    config['sandbox_workspace_write'] = {
      writable_roots: [],
      network_access: false,
      exclude_tmpdir_env_var: false,
      exclude_slash_tmp: false,
      ...workspaceWrite,
    };
  }
  // The values come from a table ConfigTomlSchema accepted, whose typed keys agree with the wire `Config`.
  return config as Config;
}
