import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where one tenant's state and files live (beyond the reference; `--tenant-claim`). */
export interface TenantDirectories {
  /** Its CODEX_HOME: `$CODEX_HOME/tenants/<name>`. */
  readonly codexHome: string;
  /** Its workspace, the default cwd of its threads and commands: `<workspace root>/<name>`. */
  readonly workspace: string;
}

/**
 * A directory name for a tenant claim value: readable (the value's safe characters, shortened) and unique (a
 * digest of the whole value), so `alice`, `Alice`, `../alice` and a 4 KB claim each get their own directory and
 * none can reach outside the tenants' parent.
 */
export function tenantDirectoryName(tenant: string): string {
  const readable = tenant.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const digest = createHash('sha256').update(tenant, 'utf8').digest('hex').slice(0, 16);
  return `${readable}-${digest}`;
}

/**
 * The directories of `tenant`, created (owner-only) when missing. Synchronous on purpose: it runs when a
 * tenant's first websocket opens, before any of its messages are read.
 */
export function ensureTenantDirectories(codexHome: string, workspaceRoot: string, tenant: string): TenantDirectories {
  const name = tenantDirectoryName(tenant);
  const directories = { codexHome: join(codexHome, 'tenants', name), workspace: join(workspaceRoot, name) };
  mkdirSync(directories.codexHome, { recursive: true, mode: 0o700 });
  mkdirSync(directories.workspace, { recursive: true, mode: 0o700 });
  return directories;
}
