import type { AskForApproval, SandboxPolicy } from '../../protocol/v2/policies.js';

/**
 * The `<permissions instructions>` part of the second developer message: what the sandbox lets commands do and
 * when the user is asked, so the model plans within them. Same tag as the reference 0.169.0 (models trained on
 * Codex transcripts look for it); the wording is ours.
 */
export function permissionsText(sandbox: SandboxPolicy, approval: AskForApproval): string {
  return ['<permissions instructions>', sandboxSentence(sandbox), approvalSentence(approval), '</permissions instructions>'].join(
    '\n',
  );
}

function sandboxSentence(policy: SandboxPolicy): string {
  switch (policy.type) {
    case 'dangerFullAccess':
      return 'Sandbox: `danger-full-access`. Commands run without filesystem restrictions and with network access.';
    case 'readOnly':
      return (
        'Sandbox: `read-only`. Commands may read any file but cannot write anywhere; ' +
        `network access is ${policy.networkAccess ? 'enabled' : 'restricted'}.`
      );
    case 'workspaceWrite': {
      const extra = policy.writableRoots.length === 0 ? '' : ` and in ${policy.writableRoots.map((root) => `\`${root}\``).join(', ')}`;
      return (
        'Sandbox: `workspace-write`. Commands may read any file and write inside the workspace roots' +
        `${extra}; network access is ${policy.networkAccess ? 'enabled' : 'restricted'}.`
      );
    }
    case 'externalSandbox':
      return `Sandbox: an external sandbox decides what commands may do; network access is ${policy.networkAccess}.`;
  }
}

function approvalSentence(approval: AskForApproval): string {
  if (typeof approval !== 'string') {
    return 'Approval policy: granular. Some actions are put to the user for approval and others are refused outright; when a request is refused, do not retry it in another form.';
  }
  switch (approval) {
    case 'never':
      return 'Approval policy: `never`. The user is never asked. Do not request escalated permissions (`sandbox_permissions`); work within the sandbox, and if something cannot be done inside it, say so.';
    case 'on-request':
      return 'Approval policy: `on-request`. Commands run in the sandbox; when one needs more (writing outside the workspace, network access), run it with `sandbox_permissions: "require_escalated"` and a one-sentence `justification`, and the user decides.';
    case 'untrusted':
      return 'Approval policy: `untrusted`. Commands that only read run freely; anything else is put to the user for approval first, so prefer read-only commands while investigating.';
  }
}
