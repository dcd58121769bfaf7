import { execFile } from 'node:child_process';
import type { ConfigToml } from '../../config/schema.js';
import type { ApprovalsReviewer, SandboxPolicy } from '../../protocol/v2/policies.js';
import { uuidv7 } from '../../util/ids.js';

/** `x-codex-beta-features`, as the reference 0.169.0 sends it on every model request. */
export const BETA_FEATURES = 'remote_compaction_v2';
/** How long the `git status` behind `has_changes` may take before the workspace is left out. */
const GIT_STATUS_TIMEOUT_MS = 2_000;

/** The facts of one turn that its model requests describe themselves with. */
export interface TurnMetadataInput {
  readonly installationId: string;
  readonly threadId: string;
  readonly turnId: string;
  /** One per thread for this process (the reference's context window id). */
  readonly contextWindowId: string;
  readonly sandboxPolicy: SandboxPolicy;
  readonly approvalsReviewer: ApprovalsReviewer;
  /** Git root of the cwd → whether its work tree has changes; null outside a repository. */
  readonly workspace: { readonly root: string; readonly hasChanges: boolean } | null;
  readonly startedAtMs: number;
  readonly config: ConfigToml;
  readonly model: string;
  /** The reasoning effort sent, if any. */
  readonly effort: string | null;
}

/**
 * The `x-codex-turn-metadata` JSON, keys in the reference's order [observed on 0.169.0]. The window number is 0:
 * it counts compactions, which start a new context window.
 */
export function turnMetadata(input: TurnMetadataInput): string {
  const windowId = `${input.threadId}:0`;
  return JSON.stringify({
    installation_id: input.installationId,
    session_id: input.threadId,
    thread_id: input.threadId,
    agent_name: '/root',
    turn_id: input.turnId,
    window_id: windowId,
    window_number: 0,
    context_window_id: input.contextWindowId,
    request_kind: 'turn',
    history_initialization: 'new',
    root_turn_id: input.turnId,
    sandbox: input.sandboxPolicy.type === 'dangerFullAccess' || input.sandboxPolicy.type === 'externalSandbox' ? 'none' : 'seccomp',
    sandbox_mode: sandboxMode(input.sandboxPolicy),
    auto_review_enabled: input.approvalsReviewer !== 'user',
    node_repl_auto_review_required: false,
    node_repl_disabled: false,
    ...(input.workspace === null ? {} : { workspaces: { [input.workspace.root]: { has_changes: input.workspace.hasChanges } } }),
    turn_started_at_unix_ms: input.startedAtMs,
    analytics_enabled: input.config.analytics?.enabled ?? true,
    model: input.model,
    ...(input.effort === null ? {} : { reasoning_effort: input.effort }),
  });
}

/** The headers and `client_metadata` of a turn's requests, from its metadata JSON. */
export function turnIdentification(
  input: Pick<TurnMetadataInput, 'installationId' | 'threadId' | 'turnId'>,
  metadata: string,
): { headers: Record<string, string>; clientMetadata: Record<string, string> } {
  const windowId = `${input.threadId}:0`;
  return {
    headers: {
      'x-codex-beta-features': BETA_FEATURES,
      'x-codex-window-id': windowId,
      'x-codex-turn-metadata': metadata,
    },
    clientMetadata: {
      turn_id: input.turnId,
      root_turn_id: input.turnId,
      'x-codex-turn-metadata': metadata,
      session_id: input.threadId,
      thread_id: input.threadId,
      'x-codex-installation-id': input.installationId,
      'x-codex-window-id': windowId,
    },
  };
}

function sandboxMode(policy: SandboxPolicy): string {
  switch (policy.type) {
    case 'dangerFullAccess':
      return 'danger-full-access';
    case 'readOnly':
      return 'read-only';
    case 'workspaceWrite':
      return 'workspace-write';
    case 'externalSandbox':
      return 'external-sandbox';
  }
}

const contextWindowIds = new WeakMap<object, string>();

/** The context window id of a thread for this process, made on first use. */
export function contextWindowIdOf(thread: object): string {
  let id = contextWindowIds.get(thread);
  if (id === undefined) {
    id = uuidv7();
    contextWindowIds.set(thread, id);
  }
  return id;
}

/** The git root of `cwd` and whether its work tree has uncommitted changes; null outside a repository. */
export async function workspaceState(cwd: string): Promise<TurnMetadataInput['workspace']> {
  const root = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (root === null) return null;
  const status = await git(cwd, ['status', '--porcelain']);
  return { root: root.trim(), hasChanges: status !== null && status.trim() !== '' };
}

function git(cwd: string, args: readonly string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, timeout: GIT_STATUS_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout) => {
      resolve(error === null ? stdout : null);
    });
  });
}
