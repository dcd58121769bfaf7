import type { SandboxPolicy } from '../../protocol/v2/policies.js';
import { canonicalPath, isWithin } from './writable-roots.js';
import type { Environment } from './writable-roots.js';

/**
 * What a tenant's commands may not see (beyond the reference; `--tenant-claim`). Every command of a jailed
 * tenant runs in bubblewrap whatever its sandbox policy: the hidden directories (the server's CODEX_HOME, the
 * parent of all tenants' workspaces) are covered by empty tmpfs mounts, the tenant's own workspace is mounted
 * back, and environment variables that look like secrets are removed.
 */
export interface CommandJail {
  /** Directories whose contents commands must not see. */
  readonly hide: readonly string[];
  /** Directories under hidden ones that stay visible (read-only unless a writable root of the policy). */
  readonly reveal: readonly string[];
}

/**
 * The reference's default `shell_environment_policy` excludes (`*KEY*`, `*SECRET*`, `*TOKEN*`, case-insensitive):
 * in a jail they are always removed, so a tenant's command cannot read the provider keys of the server.
 */
const SECRET_NAME = /KEY|SECRET|TOKEN/i;

/** Names of `env` variables a jailed command must not inherit. */
export function secretVariableNames(env: Environment): string[] {
  return Object.keys(env).filter((name) => SECRET_NAME.test(name) && env[name] !== undefined);
}

/**
 * The policy a jailed command runs under: a restrictive policy as it is; full access (or an external sandbox,
 * which a tenant cannot vouch for) becomes full access to its own world, i.e. a writable workspace with network.
 */
export function jailedPolicy(policy: SandboxPolicy): Extract<SandboxPolicy, { type: 'readOnly' | 'workspaceWrite' }> {
  if (policy.type === 'readOnly') return policy;
  // The shared /tmp and TMPDIR are never writable roots in a jail: /tmp is a private tmpfs there (JAIL_PRIVATE_TMP).
  const tmp = { excludeTmpdirEnvVar: true, excludeSlashTmp: true };
  if (policy.type === 'workspaceWrite') return { ...policy, ...tmp };
  return { type: 'workspaceWrite', writableRoots: [], networkAccess: true, ...tmp };
}

/** Hidden in every jail besides the jail's own list: the host's /tmp, which all tenants' commands would share. */
export const JAIL_PRIVATE_TMP = '/tmp';

/** Whether absolute `path` lands (symlinks of its existing part resolved) inside one of `roots` (canonical). */
export function landsInside(path: string, roots: readonly string[]): boolean {
  const landing = canonicalPath(path, '/');
  return roots.some((root) => isWithin(landing, root));
}
