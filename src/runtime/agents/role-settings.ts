import { validateConfigTable } from '../../config/load.js';
import { isPlainTable } from '../../config/schema.js';
import { sandboxPolicyFor, type ThreadSettings } from '../threads/thread-settings.js';
import { ROLE_UNAVAILABLE } from './agent-roles.js';

/**
 * A child's settings with its role's config layer on top. The layer wins over the parent's settings and over the
 * spawn's own `model` / `reasoning_effort` (observed on the reference 0.169.0: a role that fixes the model and effort
 * keeps them whatever the spawn asks for, while a role that fixes only the effort keeps the requested model); what the
 * layer leaves out stays as it was. The layer joins the child's config table too, so what is read from the table
 * (features, tools, …) sees it.
 * @throws Error(ROLE_UNAVAILABLE) when the layer does not make a valid configuration.
 */
export function withRoleLayer(settings: ThreadSettings, layer: Readonly<Record<string, unknown>>): ThreadSettings {
  if (Object.keys(layer).length === 0) return settings;
  const result = validateConfigTable(merged(settings.config, layer));
  if (!result.ok) throw new Error(ROLE_UNAVAILABLE);
  const config = result.config;
  const role = validateConfigTable({ ...layer });
  if (!role.ok) throw new Error(ROLE_UNAVAILABLE);
  const set = role.config;
  const sandbox = set.sandbox_mode;
  const approval = set.approval_policy;
  return {
    ...settings,
    config,
    model: set.model ?? settings.model,
    modelProvider: set.model_provider ?? settings.modelProvider,
    reasoningEffort: (set.model_reasoning_effort ?? settings.reasoningEffort) as ThreadSettings['reasoningEffort'],
    reasoningSummary: set.model_reasoning_summary ?? settings.reasoningSummary,
    developerInstructions: set.developer_instructions ?? settings.developerInstructions,
    // `on-failure` has no v2 wire form; it is reported as `on-request`, as for a thread's own config.
    approvalPolicy: approval === undefined ? settings.approvalPolicy : approval === 'on-failure' ? 'on-request' : approval,
    ...(sandbox === undefined ? {} : { sandboxPolicy: sandboxPolicyFor(sandbox, config), activePermissionProfile: null }),
  };
}

/** `base` with `layer` on top, tables merged key by key (a TOML layer's semantics). */
function merged(base: Readonly<Record<string, unknown>>, layer: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    const under = out[key];
    out[key] = isPlainTable(under) && isPlainTable(value) ? merged(under, value) : value;
  }
  return out;
}
