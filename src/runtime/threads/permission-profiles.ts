import type { ConfigToml } from '../../config/schema.js';
import type { ActivePermissionProfile, SandboxMode, SandboxPolicy } from '../../protocol/v2/policies.js';
import { sandboxPolicyFor } from './thread-settings.js';

/** The built-in permission profiles, in the order the reference lists them, and the sandbox each one means. */
const BUILT_IN_PROFILES: readonly { readonly id: string; readonly mode: SandboxMode }[] = [
  { id: ':read-only', mode: 'read-only' },
  { id: ':workspace', mode: 'workspace-write' },
  { id: ':danger-full-access', mode: 'danger-full-access' },
];

/** A profile as `permissionProfile/list` names it. */
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

/** A profile a client may select (`permissionProfile/list`), and whether it can be selected. */
export interface ListedProfile extends PermissionProfileEntry {
  readonly allowed: boolean;
}

/**
 * The built-in profiles, then the configured ones by name [observed]. A configured profile that cannot be
 * selected (see selectPermissionProfile) is listed with `allowed: false`, as the reference lists it.
 */
export function listPermissionProfiles(table: Readonly<Record<string, unknown>>): ListedProfile[] {
  return [
    ...BUILT_IN_PROFILES.map(({ id }) => ({ id, description: null, allowed: true })),
    ...configuredProfiles(table).map(([id, profile]) => ({
      id,
      description: typeof profile.description === 'string' ? profile.description : null,
      allowed: !(resolveMode(id, table) instanceof PermissionProfileError),
    })),
  ];
}

/** What selecting a profile does to a thread's settings. */
export interface SelectedProfile {
  readonly sandboxPolicy: SandboxPolicy;
  readonly activePermissionProfile: ActivePermissionProfile;
}

/** A profile that cannot be selected; the message is the reference's [observed]. */
export class PermissionProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermissionProfileError';
  }
}

/** Built-in profiles a configured one may extend [observed: `:danger-full-access` is refused]. */
const EXTENDABLE: ReadonlySet<string> = new Set([':read-only', ':workspace']);

/**
 * The sandbox of profile `id`: a built-in profile's own; a configured profile's comes from the profile it
 * `extends` (a built-in one or another configured one), read-only when it extends none. Its finer filesystem and
 * network rules are not enforced by this server's sandbox.
 * @throws PermissionProfileError for an unknown profile or an `extends` chain that cannot be followed
 */
export function selectPermissionProfile(
  id: string,
  table: Readonly<Record<string, unknown>>,
  config: ConfigToml,
): SelectedProfile {
  const mode = resolveMode(id, table);
  if (mode instanceof PermissionProfileError) throw mode;
  const configured = configuredProfiles(table).find(([name]) => name === id)?.[1];
  const parent = typeof configured?.extends === 'string' ? configured.extends : null;
  return { sandboxPolicy: sandboxPolicyFor(mode, config), activePermissionProfile: { id, extends: parent } };
}

function resolveMode(
  id: string,
  table: Readonly<Record<string, unknown>>,
  seen: ReadonlySet<string> = new Set(),
): SandboxMode | PermissionProfileError {
  const builtIn = BUILT_IN_PROFILES.find((profile) => profile.id === id);
  if (builtIn !== undefined) return builtIn.mode;
  const configured = configuredProfiles(table).find(([name]) => name === id)?.[1];
  if (configured === undefined) {
    return new PermissionProfileError(`default_permissions refers to undefined profile \`${id}\``);
  }
  const parent = configured.extends;
  if (typeof parent !== 'string') return 'read-only';
  if (parent.startsWith(':')) {
    if (!EXTENDABLE.has(parent)) {
      return new PermissionProfileError(
        `permissions profile \`${id}\` cannot extend unsupported built-in profile \`${parent}\``,
      );
    }
    return resolveMode(parent, table, seen);
  }
  const known = configuredProfiles(table).some(([name]) => name === parent);
  if (!known || seen.has(parent)) {
    return new PermissionProfileError(`permissions profile \`${id}\` extends undefined profile \`${parent}\``);
  }
  return resolveMode(parent, table, new Set([...seen, id]));
}
