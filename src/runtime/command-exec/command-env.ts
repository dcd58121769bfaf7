import type { SandboxPolicy } from '../../protocol/v2/policies.js';

/**
 * The environment of a `command/exec` process, as the reference builds it (probed on 0.169.0 with `env`): the
 * server's whole environment (no variables filtered out, unlike the model's commands there are no unified-exec
 * additions such as `NO_COLOR` or `PAGER`), then the request's `env` overrides (`null` unsets), then two variables
 * the overrides cannot remove because the reference adds them when it launches the process:
 * `CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=1` always, and `CODEX_SANDBOX_NETWORK_DISABLED=1` whenever the policy
 * does not grant full network access (also for an external sandbox with restricted network, which runs unwrapped).
 */
export function commandExecEnv(
  base: Readonly<Record<string, string | undefined>>,
  overrides: Readonly<Record<string, string | null>> | null | undefined,
  policy: SandboxPolicy,
): Record<string, string> {
  const env = withEnvOverrides(base, overrides);
  env['CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS'] = '1';
  if (!hasFullNetworkAccess(policy)) env['CODEX_SANDBOX_NETWORK_DISABLED'] = '1';
  return env;
}

/**
 * `base` with a request's `env` overrides applied (`null` unsets a variable): the whole environment of a
 * `process/spawn` process, which the reference adds nothing to (probed on 0.169.0 with `env`).
 */
export function withEnvOverrides(
  base: Readonly<Record<string, string | undefined>>,
  overrides: Readonly<Record<string, string | null>> | null | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === null) delete env[key];
    else env[key] = value;
  }
  return env;
}

function hasFullNetworkAccess(policy: SandboxPolicy): boolean {
  switch (policy.type) {
    case 'dangerFullAccess':
      return true;
    case 'externalSandbox':
      return policy.networkAccess === 'enabled';
    case 'readOnly':
    case 'workspaceWrite':
      return policy.networkAccess;
  }
}
