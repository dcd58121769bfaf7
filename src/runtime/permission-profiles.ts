import type { ConfigToml } from '../config/schema.js';
import type { ActivePermissionProfile, SandboxMode, SandboxPolicy } from '../protocol/v2/policies.js';
import { sandboxPolicyFor } from './thread-settings.js';

/** The built-in permission profiles, in the order the reference lists them, and the sandbox each one means. */
const BUILT_IN_PROFILES: readonly { readonly id: string; readonly mode: SandboxMode }[] = [
  { id: ':read-only', mode: 'read-only' },
  { id: ':workspace', mode: 'workspace-write' },
  { id: ':danger-full-access', mode: 'danger-full-access' },
];

/** A profile a client may select (`permissionProfile/list`). */
export interface PermissionProfileEntry {
  readonly id: string;
  readonly description: string | null;
}

/** The `[permissions.<id>]` tables of config.toml (the raw table: their inner shape is the sandbox's business). */
function configuredProfiles(table: Readonly<Record<string, unknown>>): [string, Record<string, unknown>][] {
  const permissions = table.permissions;
  if (typeof permissions !== 'object' || permissions === null) return [];
  return Object.entries(permissions as Record<string, unknown>)
    .filter((entry): entry is [string, Record<string, unknown>] => typeof entry[1] === 'object' && entry[1] !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The built-in profiles, then the configured ones by name [observed]. */
export function listPermissionProfiles(table: Readonly<Record<string, unknown>>): PermissionProfileEntry[] {
  return [
    ...BUILT_IN_PROFILES.map(({ id }) => ({ id, description: null })),
    ...configuredProfiles(table).map(([id, profile]) => ({
      id,
      description: typeof profile.description === 'string' ? profile.description : null,
    })),
  ];
}

/** What selecting a profile does to a thread's settings. */
export interface SelectedProfile {
  readonly sandboxPolicy: SandboxPolicy;
  readonly activePermissionProfile: ActivePermissionProfile;
}

/** An id that names no profile; the message is the reference's [observed]. */
export class UnknownPermissionProfileError extends Error {
  constructor(id: string) {
    super(`default_permissions refers to undefined profile \`${id}\``);
    this.name = 'UnknownPermissionProfileError';
  }
}

/**
 * The sandbox of profile `id`. A configured profile runs read-only unless it `extends` a built-in one, whose
 * sandbox it takes (its finer filesystem and network rules are not enforced by this server's sandbox).
 * @throws UnknownPermissionProfileError
 */
export function selectPermissionProfile(
  id: string,
  table: Readonly<Record<string, unknown>>,
  config: ConfigToml,
): SelectedProfile {
  const builtIn = BUILT_IN_PROFILES.find((profile) => profile.id === id);
  if (builtIn !== undefined) {
    return { sandboxPolicy: sandboxPolicyFor(builtIn.mode, config), activePermissionProfile: { id, extends: null } };
  }
  const configured = configuredProfiles(table).find(([name]) => name === id)?.[1];
  if (configured === undefined) throw new UnknownPermissionProfileError(id);
  const parent = typeof configured.extends === 'string' ? configured.extends : null;
  const mode = BUILT_IN_PROFILES.find((profile) => profile.id === parent)?.mode ?? 'read-only';
  return { sandboxPolicy: sandboxPolicyFor(mode, config), activePermissionProfile: { id, extends: parent } };
}
