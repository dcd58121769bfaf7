import type { AskForApproval } from '../../protocol/v2/policies.js';

/**
 * The approval policy as the tools see it. config.toml may also say `on-failure`; the reference 0.169 treats it
 * exactly like `on-request` (observed: a thread started from `approval_policy = "on-failure"` reports `on-request`,
 * and a command failing in the sandbox is not re-offered without it).
 */
export type ApprovalPolicy = AskForApproval | 'on-failure';

/** The granular settings, or null for the named policies. */
export type GranularSettings = Extract<AskForApproval, { granular: unknown }>['granular'];

export function granularSettings(policy: ApprovalPolicy): GranularSettings | null {
  return typeof policy === 'object' ? policy.granular : null;
}

/** The named policy with `on-failure` folded into `on-request`; `granular` for the object form. */
export function policyKind(policy: ApprovalPolicy): 'untrusted' | 'on-request' | 'never' | 'granular' {
  if (typeof policy === 'object') return 'granular';
  return policy === 'on-failure' ? 'on-request' : policy;
}

/**
 * The policy as Rust's `{:?}` prints `AskForApproval`, which the reference puts into messages sent to the model
 * (`approval policy is Never; …`,
 * `approval policy is Granular(GranularApprovalConfig { sandbox_approval: false, … })`).
 */
export function debugPolicyName(policy: ApprovalPolicy): string {
  const granular = granularSettings(policy);
  if (granular !== null) {
    const fields = (['sandbox_approval', 'rules', 'skill_approval', 'request_permissions', 'mcp_elicitations'] as const)
      .map((field) => `${field}: ${String(granular[field])}`)
      .join(', ');
    return `Granular(GranularApprovalConfig { ${fields} })`;
  }
  switch (policyKind(policy)) {
    case 'untrusted':
      return 'UnlessTrusted';
    case 'never':
      return 'Never';
    default:
      return 'OnRequest';
  }
}
