import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { SandboxPolicy } from '../../protocol/v2/policies.js';

/**
 * Where a sandboxed command may write, as the reference computes it (`get_writable_roots_with_cwd`,
 * codex-rs/protocol) and as its 0.169 Linux sandbox mounts it (observed bwrap argv, see bwrap-arguments.ts):
 * workspace-write makes the cwd, `writableRoots`, `/tmp` (unless `excludeSlashTmp`) and `$TMPDIR` (unless
 * `excludeTmpdirEnvVar`) writable, and inside every such root keeps `.git`, `.agents`, `.codex` and `.aws` read-only
 * (so a command cannot plant git hooks or rewrite project config). Roots that do not exist are skipped, symlinked
 * roots are resolved, and parents come before the roots nested in them so their mounts do not hide the children.
 */

/** Names kept read-only inside every writable root (observed in the 0.169 permission profile and bwrap argv). */
export const PROTECTED_NAMES: readonly string[] = ['.git', '.agents', '.codex', '.aws'];

export interface WritableRoot {
  /** Absolute, symlink-free. */
  readonly root: string;
  /** `root/<name>` for each protected name, existing or not. */
  readonly readOnlySubpaths: readonly string[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** `path` with symlinks resolved; null when it does not exist. */
function realPath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function depth(path: string): number {
  return path === sep ? 0 : path.split(sep).length;
}

/**
 * The writable roots of a policy for commands whose sandbox is anchored at `cwd`: [] for read-only, null when the
 * whole file system is writable (danger-full-access, or an external sandbox that enforces its own rules).
 */
export function writableRoots(policy: SandboxPolicy, cwd: string, env: Environment): WritableRoot[] | null {
  switch (policy.type) {
    case 'dangerFullAccess':
    case 'externalSandbox':
      return null;
    case 'readOnly':
      return [];
    case 'workspaceWrite': {
      const candidates = [cwd, ...policy.writableRoots.map((root) => resolve(cwd, root))];
      if (!policy.excludeSlashTmp) candidates.push('/tmp');
      const tmpdir = env.TMPDIR;
      if (!policy.excludeTmpdirEnvVar && tmpdir !== undefined && tmpdir !== '') candidates.push(resolve(tmpdir));
      const roots = new Set<string>();
      for (const candidate of candidates) {
        const real = realPath(candidate);
        if (real !== null) roots.add(real);
      }
      // A stable sort: parents first, otherwise in the order given.
      return [...roots]
        .sort((a, b) => depth(a) - depth(b))
        .map((root) => ({ root, readOnlySubpaths: PROTECTED_NAMES.map((name) => join(root, name)) }));
    }
  }
}

/** Whether `path` is `ancestor` or inside it (both absolute and normalized). */
export function isWithin(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(ancestor.endsWith(sep) ? ancestor : ancestor + sep);
}

/**
 * `path` made absolute against `cwd`, normalized, with the symlinks of its longest existing ancestor resolved — so a
 * path that reaches outside a root through a symlink is judged by where it really leads.
 */
export function canonicalPath(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    if (existsSync(current)) {
      const real = realPath(current);
      return real === null ? absolute : join(real, ...missing.reverse());
    }
    const parent = dirname(current);
    if (parent === current) return absolute;
    missing.push(basename(current));
    current = parent;
  }
}

/** Whether the sandbox lets a command write `path` (canonical): inside a root, outside its protected subpaths. */
export function isPathWritable(path: string, roots: readonly WritableRoot[]): boolean {
  return roots.some(
    (root) => isWithin(path, root.root) && !root.readOnlySubpaths.some((subpath) => isWithin(path, subpath)),
  );
}
