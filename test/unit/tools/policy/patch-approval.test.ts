import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SandboxPolicy } from '../../../../src/protocol/v2/policies.js';
import type { ApprovalPolicy } from '../../../../src/tools/policy/approval-policy.js';
import {
  patchApprovalRequirement,
  patchSessionKeys,
  type PatchApprovalRequirement,
} from '../../../../src/tools/policy/patch-approval.js';

let root: string;
let workspace: string;
let outside: string;

before(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'patch-approval-test-')));
  workspace = join(root, 'ws');
  outside = join(root, 'outside');
  await mkdir(join(workspace, '.git'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await symlink(outside, join(workspace, 'escape'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

const READ_ONLY: SandboxPolicy = { type: 'readOnly', networkAccess: false };
// Test directories live under /tmp, so /tmp and $TMPDIR are excluded to make "outside" really outside.
const WORKSPACE: SandboxPolicy = {
  type: 'workspaceWrite',
  writableRoots: [],
  networkAccess: false,
  excludeSlashTmp: true,
  excludeTmpdirEnvVar: true,
};
const FULL: SandboxPolicy = { type: 'dangerFullAccess' };
const granular = (sandboxApproval: boolean): ApprovalPolicy => ({
  granular: { sandbox_approval: sandboxApproval, rules: true, skill_approval: false, request_permissions: false, mcp_elicitations: true },
});

const SKIP: PatchApprovalRequirement = { type: 'skip' };
const ASK: PatchApprovalRequirement = { type: 'ask' };
const OUTSIDE_REFUSED: PatchApprovalRequirement = {
  type: 'forbidden',
  reason: 'writing outside of the project; rejected by user approval settings',
};
const READ_ONLY_REFUSED: PatchApprovalRequirement = {
  type: 'forbidden',
  reason: 'writing is blocked by read-only sandbox; rejected by user approval settings',
};

function decide(approvalPolicy: ApprovalPolicy, sandboxPolicy: SandboxPolicy, paths: string[]): PatchApprovalRequirement {
  return patchApprovalRequirement({ paths, cwd: workspace, approvalPolicy, sandboxPolicy, env: {} });
}

describe('patchApprovalRequirement', () => {
  // Each row observed with the reference 0.169 (apply_patch through its app-server with a scripted model).
  it('applies a patch inside the workspace under on-request without asking', () => {
    assert.deepEqual(decide('on-request', WORKSPACE, ['new.txt']), SKIP);
  });

  it('asks under on-request for a write outside the workspace', () => {
    assert.deepEqual(decide('on-request', WORKSPACE, [join(outside, 'o.txt')]), ASK);
  });

  it('asks for a write into .git inside the workspace', () => {
    assert.deepEqual(decide('on-request', WORKSPACE, ['.git/hooks/x']), ASK);
  });

  it('asks for a move whose destination is outside', () => {
    assert.deepEqual(decide('on-request', WORKSPACE, ['src/a.txt', join(outside, 'moved.txt')]), ASK);
  });

  it('asks for everything under read-only (on-request)', () => {
    assert.deepEqual(decide('on-request', READ_ONLY, ['new.txt']), ASK);
  });

  it('asks under untrusted even inside the workspace', () => {
    assert.deepEqual(decide('untrusted', WORKSPACE, ['new.txt']), ASK);
  });

  it('refuses under never what the sandbox would not allow', () => {
    assert.deepEqual(decide('never', WORKSPACE, [join(outside, 'o2.txt')]), OUTSIDE_REFUSED);
    assert.deepEqual(decide('never', READ_ONLY, ['new.txt']), READ_ONLY_REFUSED);
    assert.deepEqual(decide('never', WORKSPACE, ['inside.txt']), SKIP);
  });

  it('applies anywhere under danger-full-access', () => {
    assert.deepEqual(decide('on-request', FULL, [join(outside, 'o3.txt')]), SKIP);
  });

  it('refuses under granular without sandbox approval, asks with it', () => {
    assert.deepEqual(decide(granular(false), WORKSPACE, [join(outside, 'o4.txt')]), OUTSIDE_REFUSED);
    assert.deepEqual(decide(granular(true), WORKSPACE, [join(outside, 'o4.txt')]), ASK);
  });

  it('treats on-failure as on-request', () => {
    assert.deepEqual(decide('on-failure', WORKSPACE, ['new.txt']), SKIP);
    assert.deepEqual(decide('on-failure', WORKSPACE, [join(outside, 'x')]), ASK);
  });

  it('judges a path by where a symlink in it really leads', () => {
    assert.deepEqual(decide('on-request', WORKSPACE, ['escape/file.txt']), ASK);
  });

  it('refuses an empty patch', () => {
    assert.deepEqual(decide('on-request', WORKSPACE, []), { type: 'forbidden', reason: 'empty patch' });
  });

  it('skips files approved for the session', () => {
    const paths = [join(outside, 'a.txt'), join(outside, 'b.txt')];
    const approvals = new Set(patchSessionKeys(paths, workspace));
    const base = { cwd: workspace, approvalPolicy: 'on-request', sandboxPolicy: WORKSPACE, sessionApprovals: approvals, env: {} } as const;
    assert.deepEqual(patchApprovalRequirement({ ...base, paths: [join(outside, 'a.txt')] }), SKIP);
    assert.deepEqual(patchApprovalRequirement({ ...base, paths: [join(outside, 'a.txt'), join(outside, 'c.txt')] }), ASK);
  });
});
