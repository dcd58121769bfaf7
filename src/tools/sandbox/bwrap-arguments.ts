import { existsSync, lstatSync, mkdirSync, realpathSync } from 'node:fs';
import type { SandboxPolicy } from '../../protocol/v2/policies.js';
import { JAIL_PRIVATE_TMP, secretVariableNames } from './command-jail.js';
import type { CommandJail } from './command-jail.js';
import { SandboxSetupError } from './errors.js';
import { isSyntheticMountPoint, markerRoot } from './synthetic-mount-points.js';
import { isWithin, writableRoots, type Environment, type WritableRoot } from './writable-roots.js';

/**
 * The bubblewrap argv for a restrictive policy. Modelled on what the reference 0.169 passes to bwrap (observed with
 * strace on `codex sandbox`; its older source is codex-rs/linux-sandbox/src/bwrap.rs):
 *
 *     --new-session --die-with-parent
 *     --ro-bind / /  --dev /dev                       the whole file system read-only, a private /dev
 *     --bind R R                                      each writable root (workspace-write only), parents first
 *       --ro-bind R/.git R/.git                       protected names that exist stay read-only
 *       --perms 555 --tmpfs R/.codex --remount-ro R/.codex    missing ones become empty read-only directories
 *     --ro-bind M M                                   our placeholder markers, when a writable root contains them
 *     --unshare-user --unshare-pid --unshare-ipc [--unshare-net]  network off unless `networkAccess`
 *     --proc /proc --cap-drop ALL --chdir CWD -- COMMAND…
 *
 * Differences from the reference, on purpose: it also runs its own seccomp helper inside the sandbox and passes
 * `--as-pid-1` so that helper is pid 1; we exec the command directly and let bwrap keep its reaper as pid 1, which
 * reaps orphans and dies with the command, so killing bwrap's process group (or bwrap itself: `--die-with-parent`)
 * takes the whole sandbox down. Network isolation comes from the network namespace alone (only loopback inside).
 */

export interface BwrapFeatures {
  /** `--perms` (bubblewrap ≥ 0.5): placeholders get the reference's mode 555 (else 755, still read-only). */
  readonly perms: boolean;
  /**
   * `--argv0` (bubblewrap ≥ 0.9): the reference needs it to re-exec itself under another name; we never do, so its
   * absence (Debian 12 ships 0.8.0) costs nothing. Reported for diagnostics.
   */
  readonly argv0: boolean;
  /** Whether `--proc /proc` works here; some containers refuse a fresh procfs and the probe then drops it. */
  readonly mountProc: boolean;
}

export interface BwrapPlan {
  /** bwrap's arguments, ending with `--` and the command. */
  readonly args: string[];
  /** Placeholders bwrap will create on the host for missing protected paths (to release after the command). */
  readonly syntheticMountPoints: string[];
}

export interface BwrapPlanOptions {
  readonly policy: Extract<SandboxPolicy, { type: 'readOnly' | 'workspaceWrite' }>;
  /** Where the command runs. */
  readonly cwd: string;
  /** The directory the policy's workspace is anchored at (the thread's cwd); defaults to `cwd`. */
  readonly policyCwd?: string | undefined;
  readonly env: Environment;
  readonly features: BwrapFeatures;
  /** A tenant's jail: directories hidden and revealed again, secret-looking variables removed. */
  readonly jail?: CommandJail | undefined;
}

/**
 * Mounts that keep one protected path read-only: an existing entry is bound read-only onto itself; a missing one (or a
 * placeholder another running sandbox created) becomes an empty read-only tmpfs, so it cannot be created either.
 */
function protectPath(path: string, features: BwrapFeatures): { args: string[]; synthetic: boolean } {
  let exists = false;
  try {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) {
      // A symlink inside a writable root can be re-pointed by the command after we mount over its target.
      throw new SandboxSetupError(
        `cannot enforce sandbox read-only path ${path} because it crosses writable symlink ${path}`,
      );
    }
    exists = true;
  } catch (error) {
    if (error instanceof SandboxSetupError) throw error;
  }
  if (exists && !isSyntheticMountPoint(path)) return { args: ['--ro-bind', path, path], synthetic: false };
  const perms = features.perms ? ['--perms', '555'] : [];
  return { args: [...perms, '--tmpfs', path, '--remount-ro', path], synthetic: true };
}

/** The placeholder markers, read-only inside the sandbox when a writable root contains them (null otherwise). */
function protectedMarkerRoot(roots: readonly WritableRoot[]): string | null {
  const root = markerRoot();
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const real = realpathSync(root);
    return roots.some((writable) => isWithin(real, writable.root)) ? real : null;
  } catch {
    return null;
  }
}

/** The bwrap arguments that run `argv` under `policy`; throws {@link SandboxSetupError} when that is not safe. */
export function bwrapArguments(argv: readonly string[], options: BwrapPlanOptions): BwrapPlan {
  const { policy, features } = options;
  const args = ['--new-session', '--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev'];
  const { jail } = options;
  if (jail) {
    // Empty tmpfs over what the tenant must not see, then its own directories back, before any writable root.
    for (const path of [...jail.hide, JAIL_PRIVATE_TMP]) if (existsSync(path)) args.push('--tmpfs', path);
    for (const path of jail.reveal) if (existsSync(path)) args.push('--ro-bind', path, path);
    for (const name of secretVariableNames(options.env)) args.push('--unsetenv', name);
  }
  const syntheticMountPoints: string[] = [];
  const roots = writableRoots(policy, options.policyCwd ?? options.cwd, options.env) ?? [];
  for (const root of roots) {
    args.push('--bind', root.root, root.root);
    for (const subpath of root.readOnlySubpaths) {
      const protection = protectPath(subpath, features);
      args.push(...protection.args);
      if (protection.synthetic) syntheticMountPoints.push(subpath);
    }
  }
  // The reference likewise keeps its own bookkeeping directory read-only (`--ro-bind <synthetic-mount-targets>`).
  const markers = roots.length === 0 ? null : protectedMarkerRoot(roots);
  if (markers !== null) args.push('--ro-bind', markers, markers);
  args.push('--unshare-user', '--unshare-pid', '--unshare-ipc');
  if (!policy.networkAccess) args.push('--unshare-net');
  if (features.mountProc) args.push('--proc', '/proc');
  args.push('--cap-drop', 'ALL', '--chdir', options.cwd, '--', ...argv);
  return { args, syntheticMountPoints };
}
