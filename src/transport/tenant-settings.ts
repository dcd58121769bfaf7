import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StartupError } from '../util/startup-error.js';
import type { WsAuthPolicy } from './ws-auth-settings.js';

/** The tenant flags as the command line parsed them (beyond the reference). */
export interface TenantFlags {
  readonly tenantClaim?: string;
  readonly tenantWorkspaceRoot?: string;
}

/** Multi-tenant mode: which JWT claim names the tenant, and where tenants' workspaces are made. */
export interface TenantSettings {
  readonly claim: string;
  /** Absolute; each tenant works in `<root>/<tenant directory>`. */
  readonly workspaceRoot: string;
}

/**
 * Checks the tenant flags: a tenant is named by a claim of a verified JWT, so `--tenant-claim` needs
 * `--ws-auth signed-bearer-token` (and so a websocket listener); the workspace root must be an existing directory.
 * @returns null without `--tenant-claim`
 * @throws StartupError for an invalid combination
 */
export function tenantSettings(
  flags: TenantFlags,
  authPolicy: WsAuthPolicy,
  listensOnWebsocket: boolean,
  serverCwd: string,
): TenantSettings | null {
  const { tenantClaim, tenantWorkspaceRoot } = flags;
  if (tenantClaim === undefined) {
    if (tenantWorkspaceRoot !== undefined) throw new StartupError('--tenant-workspace-root requires --tenant-claim');
    return null;
  }
  if (tenantClaim.trim() === '') throw new StartupError('--tenant-claim must name a JWT claim, e.g. `sub`');
  if (authPolicy.mode !== 'signed-bearer-token' || !listensOnWebsocket) {
    throw new StartupError('--tenant-claim requires --ws-auth signed-bearer-token and a `ws://IP:PORT` listener');
  }
  const workspaceRoot = resolve(serverCwd, tenantWorkspaceRoot ?? '.');
  let isDirectory = false;
  try {
    isDirectory = statSync(workspaceRoot).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new StartupError(`--tenant-workspace-root ${workspaceRoot} is not an existing directory`);
  // Tenants' commands see the workspace root as empty (all but their own workspace): it cannot be the whole disk.
  if (dirname(workspaceRoot) === workspaceRoot) {
    throw new StartupError('--tenant-workspace-root cannot be the root directory; give tenants a directory of their own');
  }
  return { claim: tenantClaim.trim(), workspaceRoot };
}
