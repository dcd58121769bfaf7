import type { SandboxPolicy } from '../../protocol/v2/policies.js';
import { canonicalPath, isPathWritable, writableRoots, type Environment } from '../sandbox/writable-roots.js';
import { granularSettings, policyKind, type ApprovalPolicy } from './approval-policy.js';

/**
 * Whether an `apply_patch` must be approved — the reference's `assess_patch_safety` (codex-rs/core/src/safety.rs),
 * checked against the 0.169 binary:
 *
 * | policy                         | every path writable¹ | some path outside   |
 * |--------------------------------|----------------------|---------------------|
 * | untrusted                      | ask                  | ask                 |
 * | on-request (and on-failure)    | apply                | ask                 |
 * | granular with sandbox approval | apply                | ask                 |
 * | granular without / never       | apply                | refused²            |
 *
 * ² "writing outside of the project; rejected by user approval settings", or under read-only
 * "writing is blocked by read-only sandbox; rejected by user approval settings".
 *
 * ¹ Under danger-full-access or an external sandbox every path counts as writable; under read-only none does;
 * under workspace-write a path must be inside a writable root and not inside its `.git`/`.codex`/`.agents`/`.aws`
 * (a move counts for both its source and its destination). The model is told `patch rejected: <reason>`.
 */

export interface PatchApprovalInput {
  /** Every path the patch writes, deletes or moves to (relative paths are taken against `cwd`). */
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly approvalPolicy: ApprovalPolicy;
  readonly sandboxPolicy: SandboxPolicy;
  /** Canonical paths approved with `acceptForSession` in this thread ({@link patchSessionKeys}). */
  readonly sessionApprovals?: ReadonlySet<string> | undefined;
  /** For `$TMPDIR` as a writable root (default `process.env`). */
  readonly env?: Environment | undefined;
}

export type PatchApprovalRequirement =
  | { readonly type: 'skip' }
  | { readonly type: 'ask' }
  | { readonly type: 'forbidden'; readonly reason: string };

/**
 * The keys `acceptForSession` remembers for a patch: one per file (the reference caches approvals per path, so a
 * later patch touching only approved files is not asked again).
 */
export function patchSessionKeys(paths: readonly string[], cwd: string): string[] {
  return paths.map((path) => canonicalPath(path, cwd));
}

/** Whether the sandbox policy itself allows every write of the patch. */
function isConstrainedToWritablePaths(input: PatchApprovalInput): boolean {
  const roots = writableRoots(input.sandboxPolicy, input.cwd, input.env ?? process.env);
  if (roots === null) return true;
  return input.paths.every((path) => isPathWritable(canonicalPath(path, input.cwd), roots));
}

/** What to do with a patch the model asked to apply. */
export function patchApprovalRequirement(input: PatchApprovalInput): PatchApprovalRequirement {
  if (input.paths.length === 0) return { type: 'forbidden', reason: 'empty patch' };
  const kind = policyKind(input.approvalPolicy);
  if (kind !== 'untrusted' && isConstrainedToWritablePaths(input)) return { type: 'skip' };
  const granular = granularSettings(input.approvalPolicy);
  if (kind === 'never' || (granular !== null && !granular.sandbox_approval)) {
    const reason =
      input.sandboxPolicy.type === 'readOnly'
        ? 'writing is blocked by read-only sandbox; rejected by user approval settings'
        : 'writing outside of the project; rejected by user approval settings';
    return { type: 'forbidden', reason };
  }
  const keys = patchSessionKeys(input.paths, input.cwd);
  if (input.sessionApprovals !== undefined && keys.every((key) => input.sessionApprovals?.has(key))) {
    return { type: 'skip' };
  }
  return { type: 'ask' };
}
