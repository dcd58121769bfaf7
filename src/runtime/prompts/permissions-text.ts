import type { AskForApproval, SandboxPolicy } from '../../protocol/v2/policies.js';

/**
 * The `<permissions instructions>` part of the second developer message: what the sandbox lets commands do and
 * when the user is asked, so the model plans within them. Same tag as the reference 0.169.0 (models trained on
 * Codex transcripts look for it); the wording is ours.
 */
export function permissionsText(sandbox: SandboxPolicy, approval: AskForApproval): string {
  const escalation = approval === 'on-request' && sandbox.type !== 'dangerFullAccess' ? [ESCALATION] : [];
  return [
    '<permissions instructions>',
    sandboxSentence(sandbox),
    approvalSentence(approval),
    ...escalation,
    '</permissions instructions>',
  ].join('\n');
}

/** How to ask for a command to run outside the sandbox, when the user can be asked. */
const ESCALATION = `## Asking to run outside the sandbox

The user approves commands that need more than the sandbox allows. To ask, call the shell tool with
\`sandbox_permissions: "require_escalated"\` and a \`justification\`: one short question the user can answer yes or
no, such as "Allow installing the project's npm dependencies (needs network)?". You may add a \`prefix_rule\` (the
leading words of the command, e.g. \`["npm", "test"]\`) that the user can approve for the rest of the session.

- Ask when a command that matters for the task needs to write outside the writable roots, needs the network (a
  package install, a fetch, a failing DNS lookup in a sandboxed run), or opens a GUI; and before a destructive
  action the user did not ask for (\`rm -rf\`, \`git reset\`). If a command failed in a way that looks like the
  sandbox (permission denied outside the workspace, network errors), run it again with escalation straight away
  rather than asking in a message first.
- Each segment of a compound command (split at \`|\`, \`&&\`, \`||\`, \`;\` and subshells) is judged on its own;
  commands with redirections, substitutions, variable assignments or globs are never matched by an approved rule.
- Keep \`prefix_rule\` narrow enough that approving it is safe: never a bare interpreter (\`["python3"]\`,
  \`["bash"]\`), never for destructive commands like \`rm\`, and never for a command fed by a heredoc.
- Do not escalate to avoid the sandbox for convenience, and do not try to get around a refusal with another tool.`;

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
        `${extra} and the temporary directories; writing anywhere else needs approval; ` +
        `network access is ${policy.networkAccess ? 'enabled' : 'restricted'}.`
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
