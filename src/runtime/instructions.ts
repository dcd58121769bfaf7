import type { SandboxPolicy } from '../protocol/v2/policies.js';

/**
 * What the model is told before the conversation. The base instructions are this server's own text (the
 * reference's prose is not reused); config.toml `base_instructions` or thread/start `baseInstructions` replace
 * them. They go first in every request as a developer message and are recorded in the rollout's
 * `session_meta.base_instructions`, so a resumed thread keeps the instructions it started with.
 */
export const DEFAULT_BASE_INSTRUCTIONS = `You are a coding agent working for a user through a Codex client. You run on a server, inside the user's
project directory, and you help with software engineering: reading and explaining code, changing it, running
commands and tests, and reporting clearly what you did.

How to work:
- Understand the request before acting. When something is ambiguous and a wrong guess would be costly, ask.
- Prefer small, focused changes that match the style of the surrounding code. Do not reformat unrelated code.
- When tools are available, use them to inspect the workspace instead of guessing about its contents.
- Respect the sandbox and approval settings described in the environment context; if an action is refused,
  explain what you needed and why, and suggest an alternative.
- Never invent command output, file contents or test results.

How to answer:
- Be concise and concrete. Lead with the result, then the details that matter.
- Use Markdown sparingly: short paragraphs, lists for steps, fenced code blocks for code and commands.
- Reference files by their paths relative to the working directory.`;

export interface EnvironmentFacts {
  readonly cwd: string;
  readonly shell: string;
  /** Local date as YYYY-MM-DD. */
  readonly currentDate: string;
  /** IANA zone, e.g. `Etc/UTC`. */
  readonly timezone: string;
  readonly sandboxPolicy: SandboxPolicy;
  readonly runtimeWorkspaceRoots: readonly string[];
}

/**
 * The `<environment_context>` user message the reference sends at the start of a thread: where the agent
 * runs and what it may touch. Same tag and element names as the reference, so models trained on Codex
 * transcripts read it as they expect; the filesystem description is our own, simpler wording.
 */
export function environmentContext(facts: EnvironmentFacts): string {
  const roots = facts.runtimeWorkspaceRoots.map((root) => `<root>${escapeXml(root)}</root>`).join('');
  return [
    '<environment_context>',
    `  <cwd>${escapeXml(facts.cwd)}</cwd>`,
    `  <shell>${escapeXml(facts.shell)}</shell>`,
    `  <current_date>${facts.currentDate}</current_date>`,
    `  <timezone>${escapeXml(facts.timezone)}</timezone>`,
    `  <filesystem><workspace_roots>${roots}</workspace_roots><sandbox>${sandboxDescription(facts.sandboxPolicy)}</sandbox></filesystem>`,
    '</environment_context>',
  ].join('\n');
}

function sandboxDescription(policy: SandboxPolicy): string {
  switch (policy.type) {
    case 'readOnly':
      return `read-only${policy.networkAccess ? ', network enabled' : ', network restricted'}`;
    case 'workspaceWrite':
      return `workspace-write${policy.networkAccess ? ', network enabled' : ', network restricted'}`;
    case 'dangerFullAccess':
      return 'danger-full-access';
    case 'externalSandbox':
      return `external sandbox, network ${policy.networkAccess}`;
  }
}

/** Facts about this machine for the environment context. */
export function localEnvironmentFacts(
  settings: Pick<EnvironmentFacts, 'cwd' | 'sandboxPolicy' | 'runtimeWorkspaceRoots'>,
  env: Readonly<Record<string, string | undefined>>,
  now: Date = new Date(),
): EnvironmentFacts {
  const shellPath = env['SHELL'] ?? '/bin/sh';
  const shell = shellPath.slice(shellPath.lastIndexOf('/') + 1) || 'sh';
  const pad = (value: number) => String(value).padStart(2, '0');
  return {
    ...settings,
    shell,
    currentDate: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'Etc/UTC',
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
