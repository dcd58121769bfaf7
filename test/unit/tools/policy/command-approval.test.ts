import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SandboxPolicy } from '../../../../src/protocol/v2/policies.js';
import type { ApprovalPolicy } from '../../../../src/tools/policy/approval-policy.js';
import {
  approvalRequirement,
  commandAvailableDecisions,
  proposedExecpolicyAmendment,
  sessionApprovalKey,
  type ApprovalRequirement,
  type CommandApprovalInput,
} from '../../../../src/tools/policy/command-approval.js';

const READ_ONLY: SandboxPolicy = { type: 'readOnly', networkAccess: false };
const WORKSPACE: SandboxPolicy = {
  type: 'workspaceWrite',
  writableRoots: [],
  networkAccess: false,
  excludeSlashTmp: false,
  excludeTmpdirEnvVar: false,
};
const FULL: SandboxPolicy = { type: 'dangerFullAccess' };
const EXTERNAL: SandboxPolicy = { type: 'externalSandbox', networkAccess: 'restricted' };

const granular = (sandboxApproval: boolean): ApprovalPolicy => ({
  granular: {
    sandbox_approval: sandboxApproval,
    rules: true,
    skill_approval: false,
    request_permissions: false,
    mcp_elicitations: true,
  },
});

/** How exec_command wraps the model's `cmd` (the user's login shell). */
const shell = (cmd: string) => ['/bin/bash', '-lc', cmd];

const skip = (bypassSandbox = false): ApprovalRequirement => ({ type: 'skip', bypassSandbox });
const ask = (amendment: readonly string[] | null, bypassSandbox = false): ApprovalRequirement => ({
  type: 'ask',
  bypassSandbox,
  proposedExecpolicyAmendment: amendment,
});
const forbidden = (reason: string): ApprovalRequirement => ({ type: 'forbidden', reason });

interface Row {
  readonly policy: ApprovalPolicy;
  readonly sandbox: SandboxPolicy;
  readonly cmd: string;
  readonly escalated?: boolean;
  readonly prefixRule?: readonly string[];
  readonly expected: ApprovalRequirement;
}

const RM_REJECTION = (cmd: string) =>
  `\`/bin/bash -lc '${cmd}'\` rejected: rm -f style commands are not permitted. Use a safer approach`;
const GRANULAR_NO_SANDBOX =
  'Granular(GranularApprovalConfig { sandbox_approval: false, rules: true, skill_approval: false, ' +
  'request_permissions: false, mcp_elicitations: true })';

/**
 * The decision table, each row observed with the reference 0.169 app-server: a scripted model called `exec_command`
 * with `cmd` (and `sandbox_permissions: "require_escalated"` / `prefix_rule` where given) on a thread started with
 * that approval policy and sandbox; the row records whether `item/commandExecution/requestApproval` came, with which
 * `proposedExecpolicyAmendment`, or what the model was told instead.
 */
const OBSERVED: Row[] = [
  // untrusted asks for everything, the reference's known-safe list notwithstanding.
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'git status', expected: ask(['git', 'status']) },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'ls -la', expected: ask(['ls', '-la']) },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'pwd', expected: ask(['pwd']) },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'cat src/a.txt', expected: ask(['cat', 'src/a.txt']) },
  { policy: 'untrusted', sandbox: WORKSPACE, cmd: 'true', expected: ask(['true']) },
  { policy: 'untrusted', sandbox: FULL, cmd: 'ls', expected: ask(['ls']) },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'cd src && cat a.txt | head -n 1', expected: ask(['cd', 'src']) },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'cargo build --release', expected: ask(['cargo', 'build', '--release']) },
  {
    policy: 'untrusted',
    sandbox: READ_ONLY,
    cmd: 'cargo build --release',
    prefixRule: ['cargo', 'build'],
    expected: ask(['cargo', 'build']),
  },
  {
    policy: 'untrusted',
    sandbox: READ_ONLY,
    cmd: "python3 -c 'print(1)'",
    prefixRule: ['python3', '-c'],
    expected: ask(['python3', '-c', 'print(1)']),
  },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'ls && touch x && echo hi', expected: ask(['ls']) },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'ls > out.txt', expected: ask(['/bin/bash', '-lc', 'ls > out.txt']) },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: '(ls)', expected: ask(['/bin/bash', '-lc', '(ls)']) },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'echo $HOME', expected: ask(['/bin/bash', '-lc', 'echo $HOME']) },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'touch y', expected: ask(['touch', 'y']) },
  { policy: 'untrusted', sandbox: READ_ONLY, cmd: 'ls', escalated: true, expected: ask(['ls'], true) },
  { policy: 'untrusted', sandbox: FULL, cmd: 'ls', escalated: true, expected: ask(['ls'], true) },
  // on-request runs in the sandbox without asking, unless escalation is asked for or an rm is forced.
  { policy: 'on-request', sandbox: WORKSPACE, cmd: 'touch x', expected: skip() },
  { policy: 'on-request', sandbox: READ_ONLY, cmd: 'touch y', expected: skip() },
  { policy: 'on-request', sandbox: WORKSPACE, cmd: 'git reset --hard', expected: skip() },
  { policy: 'on-request', sandbox: WORKSPACE, cmd: 'rm -r src && echo gone', expected: skip() },
  { policy: 'on-request', sandbox: WORKSPACE, cmd: 'ls', escalated: true, expected: ask(['ls'], true) },
  { policy: 'on-request', sandbox: WORKSPACE, cmd: 'touch /tmp/zz-probe', escalated: true, expected: ask(['touch', '/tmp/zz-probe'], true) },
  { policy: 'on-request', sandbox: READ_ONLY, cmd: 'touch x && echo made', escalated: true, expected: ask(['touch', 'x'], true) },
  { policy: 'on-request', sandbox: WORKSPACE, cmd: 'rm -rf src', expected: ask(['rm', '-rf', 'src']) },
  { policy: 'on-request', sandbox: WORKSPACE, cmd: 'sudo rm -f src/a.txt', expected: ask(['sudo', 'rm', '-f', 'src/a.txt']) },
  {
    policy: 'on-request',
    sandbox: WORKSPACE,
    cmd: 'if true; then rm -rf src; fi',
    expected: ask(['/bin/bash', '-lc', 'if true; then rm -rf src; fi']),
  },
  { policy: 'on-request', sandbox: FULL, cmd: 'rm -rf src', expected: ask(['rm', '-rf', 'src']) },
  { policy: 'on-request', sandbox: FULL, cmd: 'touch y', escalated: true, expected: skip(true) },
  // on-failure from config.toml behaves as on-request.
  { policy: 'on-failure', sandbox: READ_ONLY, cmd: 'touch x', expected: skip() },
  { policy: 'on-failure', sandbox: READ_ONLY, cmd: 'touch x', escalated: true, expected: ask(['touch', 'x'], true) },
  // never runs what it can in the sandbox and refuses the rest without asking.
  {
    policy: 'never',
    sandbox: READ_ONLY,
    cmd: 'touch y',
    escalated: true,
    expected: forbidden(
      'approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never',
    ),
  },
  { policy: 'never', sandbox: READ_ONLY, cmd: 'rm -rf src', expected: forbidden(RM_REJECTION('rm -rf src')) },
  { policy: 'never', sandbox: FULL, cmd: 'rm -rf src && echo gone', expected: forbidden(RM_REJECTION('rm -rf src && echo gone')) },
  { policy: 'never', sandbox: READ_ONLY, cmd: 'touch y', expected: skip() },
  // granular: escalation only with sandbox approval; a forced rm is still asked, without an amendment.
  { policy: granular(true), sandbox: READ_ONLY, cmd: 'ls', escalated: true, expected: ask(['ls'], true) },
  {
    policy: granular(false),
    sandbox: READ_ONLY,
    cmd: 'touch x',
    escalated: true,
    expected: forbidden(
      `approval policy is ${GRANULAR_NO_SANDBOX}; reject command — you cannot ask for escalated permissions if the approval policy is ${GRANULAR_NO_SANDBOX}`,
    ),
  },
  { policy: granular(false), sandbox: WORKSPACE, cmd: 'rm -rf src', expected: ask(null) },
];

function input(row: Row): CommandApprovalInput {
  return {
    argv: shell(row.cmd),
    approvalPolicy: row.policy,
    sandboxPolicy: row.sandbox,
    sandboxPermissions: row.escalated ? 'require_escalated' : 'use_default',
    prefixRule: row.prefixRule,
  };
}

const label = (row: Row) =>
  `${typeof row.policy === 'string' ? row.policy : 'granular'} / ${row.sandbox.type}${row.escalated ? ' / escalated' : ''}` +
  `${row.prefixRule ? ` / prefix ${row.prefixRule.join(' ')}` : ''}: ${JSON.stringify(row.cmd)}`;

describe('approvalRequirement', () => {
  describe('matches the reference 0.169', () => {
    for (const row of OBSERVED) {
      it(label(row), () => {
        assert.deepEqual(approvalRequirement(input(row)), row.expected);
      });
    }
  });

  it('runs a non-dangerous command directly under an external sandbox', () => {
    assert.deepEqual(approvalRequirement({ argv: shell('make'), approvalPolicy: 'on-request', sandboxPolicy: EXTERNAL }), skip());
    assert.deepEqual(
      approvalRequirement({ argv: shell('make'), approvalPolicy: 'on-request', sandboxPolicy: EXTERNAL, sandboxPermissions: 'require_escalated' }),
      ask(['make'], true),
    );
  });

  describe('approved prefix rules (acceptWithExecpolicyAmendment)', () => {
    it('skip the prompt and the sandbox when every part of the command matches', () => {
      const base = { approvalPolicy: 'untrusted', sandboxPolicy: READ_ONLY } as const;
      assert.deepEqual(
        approvalRequirement({ ...base, argv: shell('cargo build --release'), allowedPrefixes: [['cargo', 'build']] }),
        skip(true),
      );
      assert.deepEqual(
        approvalRequirement({ ...base, argv: shell('cargo build && cargo test'), allowedPrefixes: [['cargo', 'build']] }),
        ask(['cargo', 'test']),
      );
    });

    it('match a program given by path', () => {
      assert.deepEqual(
        approvalRequirement({
          argv: ['/usr/bin/git', 'status'],
          approvalPolicy: 'untrusted',
          sandboxPolicy: READ_ONLY,
          allowedPrefixes: [['git', 'status']],
        }),
        skip(true),
      );
    });

    it('are not re-proposed from the model once a rule already matched part of the command', () => {
      assert.deepEqual(
        approvalRequirement({
          argv: shell('cargo build && make all'),
          approvalPolicy: 'untrusted',
          sandboxPolicy: READ_ONLY,
          allowedPrefixes: [['cargo']],
          prefixRule: ['make'],
        }),
        ask(['make', 'all']),
      );
    });
  });

  it('does not propose the model’s prefix when it would leave part of the command asking', () => {
    assert.deepEqual(
      proposedExecpolicyAmendment({
        argv: shell('cd src && cargo build'),
        approvalPolicy: 'untrusted',
        sandboxPolicy: READ_ONLY,
        prefixRule: ['cargo', 'build'],
      }),
      ['cd', 'src'],
    );
  });

  it('skips a command approved for the session (acceptForSession), keyed by argv, cwd and escalation', () => {
    const argv = shell('cargo build');
    const approvals = new Set([sessionApprovalKey(argv, '/ws', 'use_default')]);
    const base = { argv, approvalPolicy: 'untrusted', sandboxPolicy: READ_ONLY, sessionApprovals: approvals } as const;
    assert.deepEqual(approvalRequirement({ ...base, cwd: '/ws' }), skip());
    assert.deepEqual(approvalRequirement({ ...base, cwd: '/elsewhere' }), ask(['cargo', 'build']));
    assert.deepEqual(approvalRequirement({ ...base, cwd: '/ws', sandboxPermissions: 'require_escalated' }), ask(['cargo', 'build'], true));
  });

  it('keeps refusing what is forbidden even when approved for the session', () => {
    const argv = shell('rm -rf src');
    assert.equal(
      approvalRequirement({
        argv,
        cwd: '/ws',
        approvalPolicy: 'never',
        sandboxPolicy: WORKSPACE,
        sessionApprovals: new Set([sessionApprovalKey(argv, '/ws')]),
      }).type,
      'forbidden',
    );
  });
});

describe('commandAvailableDecisions', () => {
  it('offers accept, the amendment when there is one, and cancel (as the reference sends them)', () => {
    assert.deepEqual(commandAvailableDecisions(['git', 'status']), [
      'accept',
      { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['git', 'status'] } },
      'cancel',
    ]);
    assert.deepEqual(commandAvailableDecisions(null), ['accept', 'cancel']);
  });
});
