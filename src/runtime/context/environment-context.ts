import { readlinkSync } from 'node:fs';
import type { SandboxPolicy } from '../../protocol/v2/policies.js';
import { defaultUserShell } from '../../tools/exec/shell-argv.js';

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
 * The `<environment_context>` text the reference sends at the start of a thread (and again when the cwd
 * changes): where the agent runs and what it may touch. Same tags, element names and order as the reference
 * 0.169.0 [observed], so models trained on Codex transcripts read it as they expect.
 */
export function environmentContext(facts: EnvironmentFacts): string {
  const roots = facts.runtimeWorkspaceRoots.map((root) => `<root>${escapeXml(root)}</root>`).join('');
  return [
    '<environment_context>',
    `  <cwd>${escapeXml(facts.cwd)}</cwd>`,
    `  <shell>${escapeXml(facts.shell)}</shell>`,
    `  <current_date>${facts.currentDate}</current_date>`,
    `  <timezone>${escapeXml(facts.timezone)}</timezone>`,
    `  <filesystem><workspace_roots>${roots}</workspace_roots>${permissionProfile(facts)}</filesystem>`,
    '</environment_context>',
  ].join('\n');
}

/**
 * The filesystem permissions as the reference's `<permission_profile>` element [observed]: full access is
 * `disabled`/unrestricted; read-only reads everywhere; workspace-write also writes the workspace roots (and the
 * policy's writable roots), `/tmp` and `$TMPDIR` unless excluded, while each writable root's `.git`, `.agents`,
 * `.codex` and `.aws` stay read-only.
 */
function permissionProfile(facts: EnvironmentFacts): string {
  const policy = facts.sandboxPolicy;
  const readAll = '<entry access="read"><special>:root</special></entry>';
  switch (policy.type) {
    case 'dangerFullAccess':
      return '<permission_profile type="disabled"><file_system type="unrestricted" /></permission_profile>';
    case 'externalSandbox':
      return '<permission_profile type="external"><file_system type="unrestricted" /></permission_profile>';
    case 'readOnly':
      return `<permission_profile type="managed"><file_system type="restricted">${readAll}</file_system></permission_profile>`;
    case 'workspaceWrite': {
      const writable = [...new Set([...facts.runtimeWorkspaceRoots, ...policy.writableRoots])];
      const entries = [
        readAll,
        ...writable.map((root) => entry('write', 'path', root)),
        ...(policy.excludeSlashTmp ? [] : [entry('write', 'special', ':slash_tmp')]),
        ...(policy.excludeTmpdirEnvVar ? [] : [entry('write', 'special', ':tmpdir')]),
        ...writable.flatMap((root) => PROTECTED_SUBDIRS.map((name) => entry('read', 'path', `${root}/${name}`))),
      ];
      return `<permission_profile type="managed"><file_system type="restricted">${entries.join('')}</file_system></permission_profile>`;
    }
  }
}

/** Directories inside a writable root that stay read-only. */
const PROTECTED_SUBDIRS = ['.git', '.agents', '.codex', '.aws'] as const;

function entry(access: 'read' | 'write', kind: 'path' | 'special', value: string): string {
  return `<entry access="${access}"><${kind}>${escapeXml(value)}</${kind}></entry>`;
}

/** Facts about this machine for the environment context. */
export function localEnvironmentFacts(
  settings: Pick<EnvironmentFacts, 'cwd' | 'sandboxPolicy' | 'runtimeWorkspaceRoots'>,
  env: Readonly<Record<string, string | undefined>>,
  now: Date = new Date(),
): EnvironmentFacts {
  const shell = defaultUserShell(env).type;
  const pad = (value: number) => String(value).padStart(2, '0');
  return {
    ...settings,
    shell,
    currentDate: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`,
    timezone: localTimezone(env),
  };
}

/**
 * The IANA zone the reference reports: `$TZ`, else the zone `/etc/localtime` links to (`Etc/UTC` on a typical
 * container, where Node itself would say `UTC`), else Node's own idea.
 */
function localTimezone(env: Readonly<Record<string, string | undefined>>): string {
  const tz = env['TZ']?.replace(/^:/, '');
  if (tz !== undefined && tz !== '') return tz;
  try {
    const target = readlinkSync('/etc/localtime');
    const marker = target.indexOf('zoneinfo/');
    if (marker !== -1) return target.slice(marker + 'zoneinfo/'.length);
  } catch {
    // Not a link (or absent): fall through.
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Etc/UTC';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
