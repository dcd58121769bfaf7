import { isAbsolute } from 'node:path';
import { RpcErrors } from '../../protocol/errors.js';
import type { CommandExecParams } from '../../protocol/v2/command-exec.js';
import type { SandboxPolicy } from '../../protocol/v2/policies.js';

/** The sandbox a `command/exec` runs in, and the directory its workspace (writable roots) is anchored at. */
export interface CommandSandbox {
  readonly policy: SandboxPolicy;
  readonly policyCwd: string;
}

/**
 * The built-in permission profiles the reference accepts as `permissionProfile` (probed on 0.169.0; any other
 * `:name` is an unknown built-in). `:workspace` anchors its writable workspace at the command's cwd.
 */
const BUILT_IN_PROFILES: Readonly<Record<string, SandboxPolicy>> = {
  ':read-only': { type: 'readOnly', networkAccess: false },
  ':workspace': {
    type: 'workspaceWrite',
    writableRoots: [],
    networkAccess: false,
    excludeTmpdirEnvVar: false,
    excludeSlashTmp: false,
  },
  ':danger-full-access': { type: 'dangerFullAccess' },
};

export interface SandboxContext {
  /** The command's cwd (absolute). */
  readonly cwd: string;
  /** The server's cwd: the workspace of a `sandboxPolicy` or of the configured default, as in the reference. */
  readonly serverCwd: string;
  /** The policy config.toml gives (`sandbox_mode`, default read-only). */
  readonly configuredPolicy: SandboxPolicy;
  /** config.toml's `[permissions]` table, when it has one. */
  readonly permissionsTable: unknown;
}

/**
 * The request's sandbox: its `sandboxPolicy`, its `permissionProfile`, or the configured policy, with the
 * reference's texts for refused profiles.
 * @throws RpcError -32600
 */
export function commandSandbox(params: CommandExecParams, context: SandboxContext): CommandSandbox {
  const { permissionProfile, sandboxPolicy } = params;
  if (permissionProfile !== undefined && permissionProfile !== null) {
    return { policy: permissionProfilePolicy(permissionProfile, context.permissionsTable), policyCwd: context.cwd };
  }
  if (sandboxPolicy !== undefined && sandboxPolicy !== null) {
    // The schema takes any string; the reference's AbsolutePathBuf refuses a relative writable root while parsing.
    if (sandboxPolicy.type === 'workspaceWrite' && sandboxPolicy.writableRoots.some((root) => !isAbsolute(root))) {
      throw RpcErrors.invalidRequest('AbsolutePathBuf deserialized without a base path');
    }
    return { policy: sandboxPolicy, policyCwd: context.serverCwd };
  }
  return { policy: context.configuredPolicy, policyCwd: context.serverCwd };
}

function permissionProfilePolicy(name: string, permissionsTable: unknown): SandboxPolicy {
  const invalid = (reason: string) => RpcErrors.badRequest(`invalid permission profile: ${reason}`);
  if (name.startsWith(':')) {
    const policy = BUILT_IN_PROFILES[name];
    if (policy === undefined) throw invalid(`default_permissions refers to unknown built-in profile \`${name}\``);
    return policy;
  }
  if (typeof permissionsTable !== 'object' || permissionsTable === null) {
    throw invalid('default_permissions requires a `[permissions]` table');
  }
  if (!Object.hasOwn(permissionsTable, name)) {
    throw invalid(`default_permissions refers to undefined profile \`${name}\``);
  }
  // A profile defined in config.toml: its filesystem and network rules are not modelled by this server, and running
  // the command with other permissions than the client asked for would be worse than refusing it.
  throw invalid(`profile \`${name}\` from \`[permissions]\` is not supported by this server`);
}
