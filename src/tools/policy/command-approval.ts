import type { CommandExecutionApprovalDecision } from '../../protocol/v2/approvals.js';
import type { SandboxPolicy } from '../../protocol/v2/policies.js';
import { debugPolicyName, granularSettings, policyKind, type ApprovalPolicy } from './approval-policy.js';
import { forcedRmRejection, isDangerousCommand } from './dangerous-command.js';
import { isSuggestablePrefix, matchesAnyPrefix, type PrefixRule } from './prefix-rules.js';
import { parseShellWrapperPlainCommands } from './shell-script.js';
import { shlexJoin } from './shlex.js';

/**
 * Whether a command the model wants to run must be approved by the user, may run directly, or is refused — the
 * reference's exec-policy decision (`create_exec_approval_requirement_for_command` and
 * `render_decision_for_unmatched_command` in codex-rs/core/src/exec_policy.rs, the escalation guard of the shell
 * handlers), reconciled with what the 0.169 binary does where the two differ (probed through its app-server with a
 * scripted model; see the test table in test/unit/tools/policy/command-approval.test.ts).
 *
 * The command is judged per plain command of its `bash -lc` script (`cd src && cargo build` is two commands); a
 * script that is not plain is judged as a whole. Each command is allowed by an approved prefix rule, or else by the
 * heuristics below; the strictest verdict wins.
 *
 * | policy      | escalation asked¹ | forced `rm`²            | anything else |
 * |-------------|-------------------|-------------------------|---------------|
 * | untrusted   | ask               | ask                     | ask (even `ls`: 0.169 ignores the known-safe list) |
 * | on-request  | ask               | ask                     | run (sandboxed) |
 * | granular    | ask; refused when `sandbox_approval` is false | ask | run (sandboxed) |
 * | never       | refused           | refused (rm message)    | run (sandboxed) |
 *
 * ¹ `sandbox_permissions: "require_escalated"`; under danger-full-access there is nothing to escalate and it runs.
 * ² Also under danger-full-access. `on-failure` behaves as `on-request`.
 *
 * After an approval (or an `acceptForSession` remembered for the identical command) an escalated command runs
 * outside the sandbox; a command fully covered by approved prefix rules runs outside the sandbox without asking.
 */

export type SandboxPermissions = 'use_default' | 'require_escalated';

export interface CommandApprovalInput {
  /** The argv that will run, e.g. `['/bin/bash', '-lc', 'cargo build']`. */
  readonly argv: readonly string[];
  readonly approvalPolicy: ApprovalPolicy;
  readonly sandboxPolicy: SandboxPolicy;
  /** The model's `sandbox_permissions` (default `use_default`). */
  readonly sandboxPermissions?: SandboxPermissions | undefined;
  /** The model's `prefix_rule` suggestion, proposed as the amendment when acceptable. */
  readonly prefixRule?: readonly string[] | undefined;
  /** Approved allow-prefix rules (from `acceptWithExecpolicyAmendment`). */
  readonly allowedPrefixes?: readonly PrefixRule[] | undefined;
  /** Keys ({@link sessionApprovalKey}) of commands approved with `acceptForSession` in this thread. */
  readonly sessionApprovals?: ReadonlySet<string> | undefined;
  /** The command's working directory; part of the session-approval key. */
  readonly cwd?: string | undefined;
}

export type ApprovalRequirement =
  /** Run now. `bypassSandbox`: run outside the sandbox (escalated, or allowed by prefix rules). */
  | { readonly type: 'skip'; readonly bypassSandbox: boolean }
  /** Ask the client first; once approved, run outside the sandbox when `bypassSandbox`. */
  | {
      readonly type: 'ask';
      readonly bypassSandbox: boolean;
      /** `proposedExecpolicyAmendment` of the request, null when none is offered. */
      readonly proposedExecpolicyAmendment: readonly string[] | null;
    }
  /** Do not run; `reason` is what the model is told. */
  | { readonly type: 'forbidden'; readonly reason: string };

type Verdict = 'allow' | 'prompt' | 'forbidden';

/** The key under which `acceptForSession` remembers a command: the same argv, cwd and escalation. */
export function sessionApprovalKey(
  argv: readonly string[],
  cwd: string | undefined,
  sandboxPermissions: SandboxPermissions = 'use_default',
): string {
  return JSON.stringify([argv, cwd ?? null, sandboxPermissions]);
}

/** The commands judged separately: the plain commands of a `bash -lc` script, else the argv itself. */
function commandsOf(argv: readonly string[]): readonly (readonly string[])[] {
  const plain = parseShellWrapperPlainCommands(argv);
  return plain !== null && plain.length > 0 ? plain : [argv];
}

interface Context {
  readonly kind: ReturnType<typeof policyKind>;
  /** Escalation was asked for and means something (the sandbox is not already off). */
  readonly escalates: boolean;
}

/** The reference's verdict for a command no prefix rule covers. */
function heuristicVerdict(command: readonly string[], context: Context): Verdict {
  // `never` (and granular without sandbox approval) refused escalation before any command was judged.
  if (context.escalates) return 'prompt';
  if (isDangerousCommand(command)) return context.kind === 'never' ? 'forbidden' : 'prompt';
  switch (context.kind) {
    case 'never':
    case 'on-request':
    case 'granular':
      return 'allow';
    case 'untrusted':
      return 'prompt';
  }
}

/**
 * The escalation guard of the reference's shell handlers, applied before anything else: under `never`, or a granular
 * policy without sandbox approval, asking to leave the sandbox is refused with this message (0.169 wording).
 */
function escalationRefusal(policy: ApprovalPolicy): string | null {
  const kind = policyKind(policy);
  const granular = granularSettings(policy);
  if (kind !== 'never' && !(granular !== null && !granular.sandbox_approval)) return null;
  const name = debugPolicyName(policy);
  return (
    `approval policy is ${name}; reject command — ` +
    `you cannot ask for escalated permissions if the approval policy is ${name}`
  );
}

/** What to do with a command the model asked to run. */
export function approvalRequirement(input: CommandApprovalInput): ApprovalRequirement {
  const escalated = input.sandboxPermissions === 'require_escalated';
  if (escalated) {
    const refusal = escalationRefusal(input.approvalPolicy);
    if (refusal !== null) return { type: 'forbidden', reason: refusal };
  }
  const context: Context = {
    kind: policyKind(input.approvalPolicy),
    escalates: escalated && input.sandboxPolicy.type !== 'dangerFullAccess',
  };
  const rules = input.allowedPrefixes ?? [];
  const commands = commandsOf(input.argv);
  const byRule = commands.map((command) => matchesAnyPrefix(command, rules));
  const verdicts = commands.map((command, index): Verdict =>
    byRule[index] ? 'allow' : heuristicVerdict(command, context),
  );

  // Only a forced `rm` under `never` is refused at this point.
  if (verdicts.includes('forbidden')) return { type: 'forbidden', reason: forcedRmRejection(shlexJoin(input.argv)) };
  if (verdicts.includes('prompt')) {
    const key = sessionApprovalKey(input.argv, input.cwd, input.sandboxPermissions);
    if (input.sessionApprovals?.has(key)) return { type: 'skip', bypassSandbox: escalated };
    const proposed = amendment(input, commands, byRule, verdicts, context);
    return { type: 'ask', bypassSandbox: escalated, proposedExecpolicyAmendment: proposed };
  }
  return { type: 'skip', bypassSandbox: escalated || byRule.every(Boolean) };
}

/**
 * The argv prefix offered as `proposedExecpolicyAmendment`: the model's `prefix_rule` when it is not a banned
 * interpreter prefix, no rule already matched, and allowing it would let every part of the command run; otherwise
 * the first part that needs approval (the whole argv when the script is not plain). Observed with 0.169:
 * `cargo build --release` → `["cargo","build","--release"]`, with `prefix_rule: ["cargo","build"]` → that prefix,
 * `ls && touch x` under untrusted → `["ls"]`, `ls > out.txt` → `["/bin/bash","-lc","ls > out.txt"]`.
 */
function amendment(
  input: CommandApprovalInput,
  commands: readonly (readonly string[])[],
  byRule: readonly boolean[],
  verdicts: readonly Verdict[],
  context: Context,
): readonly string[] | null {
  const granular = granularSettings(input.approvalPolicy);
  // Observed: a forced `rm` asked under a granular policy without sandbox approval comes with no amendment.
  if (granular !== null && !granular.sandbox_approval && !context.escalates) return null;
  const suggested = input.prefixRule;
  if (suggested !== undefined && isSuggestablePrefix(suggested) && !byRule.some(Boolean)) {
    const coversAll = commands.every(
      (command) => matchesAnyPrefix(command, [suggested]) || heuristicVerdict(command, context) === 'allow',
    );
    if (coversAll) return [...suggested];
  }
  const first = verdicts.indexOf('prompt');
  return first === -1 ? null : [...(commands[first] as readonly string[])];
}

/** The amendment the reference would propose if this command were asked (null when it would not be asked). */
export function proposedExecpolicyAmendment(input: CommandApprovalInput): readonly string[] | null {
  const requirement = approvalRequirement(input);
  return requirement.type === 'ask' ? requirement.proposedExecpolicyAmendment : null;
}

/**
 * `availableDecisions` of a command approval request (sent to experimental clients only): accept, accept-and-remember
 * the amendment when there is one, cancel — in that order (`default_available_decisions`, codex-rs/protocol/src/
 * approvals.rs; observed).
 */
export function commandAvailableDecisions(amendment: readonly string[] | null): CommandExecutionApprovalDecision[] {
  return [
    'accept',
    ...(amendment === null ? [] : [{ acceptWithExecpolicyAmendment: { execpolicy_amendment: [...amendment] } }]),
    'cancel',
  ];
}
