import { execFile } from 'node:child_process';
import type { ConfigToml } from '../../config/schema.js';
import { gitRepoRoot } from '../../util/git-repo-root.js';
import type { ApprovalsReviewer, SandboxPolicy } from '../../protocol/v2/policies.js';
import { uuidv7 } from '../../util/ids.js';

/** `x-codex-beta-features`, as the reference 0.169.0 sends it on every model request. */
export const BETA_FEATURES = 'remote_compaction_v2';
/** `x-openai-subagent` of a spawned sub-agent's requests. */
const SUB_AGENT_KIND = 'collab_spawn';
/** How long the `git status` behind `has_changes` may take before the workspace is left out. */
const GIT_STATUS_TIMEOUT_MS = 2_000;

/** The facts of one turn that its model requests describe themselves with. */
export interface TurnMetadataInput {
  readonly installationId: string;
  readonly threadId: string;
  readonly turnId: string;
  /** The turn the work is done for: the turn itself, or for a sub-agent the parent's turn it works for. */
  readonly rootTurnId: string;
  /** The session: the thread itself, or the root thread of a sub-agent. */
  readonly sessionId: string;
  /** For a sub-agent: the thread that spawned it. */
  readonly parentThreadId: string | null;
  /**
   * For a sub-agent: the turn of its parent it works for; the root thread's turn (`rootTurnId`) for a child of the
   * root, the spawning sub-agent's turn for a deeper one (observed on 0.169.0 with `[agents] max_depth = 2`).
   */
  readonly parentTurnId?: string | undefined;
  /** `new`, or `warm_fork` for a sub-agent that started with a copy of its parent's conversation. */
  readonly historyInitialization: 'new' | 'warm_fork';
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
    session_id: input.sessionId,
    thread_id: input.threadId,
    agent_name: '/root',
    turn_id: input.turnId,
    window_id: windowId,
    window_number: 0,
    context_window_id: input.contextWindowId,
    request_kind: 'turn',
    history_initialization: input.historyInitialization,
    ...(input.parentThreadId === null ? {} : { parent_thread_id: input.parentThreadId, parent_turn_id: input.parentTurnId ?? input.rootTurnId }),
    root_turn_id: input.rootTurnId,
    ...(input.parentThreadId === null ? {} : { subagent_kind: 'thread_spawn', thread_source: 'subagent' }),
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

/**
 * The headers and `client_metadata` of a turn's requests, from its metadata JSON. A sub-agent's also name its
 * parent thread and mark it a spawned agent (`x-openai-subagent: collab_spawn`), and its `client_metadata` names the
 * parent turn [observed on 0.169.0].
 */
export function turnIdentification(
  input: Pick<TurnMetadataInput, 'installationId' | 'threadId' | 'turnId' | 'rootTurnId' | 'sessionId' | 'parentThreadId' | 'parentTurnId'>,
  metadata: string,
): { headers: Record<string, string>; clientMetadata: Record<string, string> } {
  const windowId = `${input.threadId}:0`;
  const subAgent: Record<string, string> =
    input.parentThreadId === null ? {} : { 'x-codex-parent-thread-id': input.parentThreadId, 'x-openai-subagent': SUB_AGENT_KIND };
  return {
    headers: {
      'x-codex-beta-features': BETA_FEATURES,
      'x-codex-window-id': windowId,
      'x-codex-turn-metadata': metadata,
      ...subAgent,
    },
    clientMetadata: {
      turn_id: input.turnId,
      ...(input.parentThreadId === null ? {} : { parent_turn_id: input.parentTurnId ?? input.rootTurnId }),
      root_turn_id: input.rootTurnId,
      'x-codex-turn-metadata': metadata,
      session_id: input.sessionId,
      thread_id: input.threadId,
      'x-codex-installation-id': input.installationId,
      'x-codex-window-id': windowId,
      ...subAgent,
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

/**
 * The git root of `cwd` and whether its work tree has uncommitted changes; null outside a repository. The root is
 * the nearest directory, `cwd` or above it, holding a `.git` entry (a directory, or the file of a linked work tree
 * or submodule), as the reference finds it: a few stats, where asking `git rev-parse` cost every turn a process
 * spawn (8–20 ms before its first model request). Only inside a repository is git run, for the status.
 */
export async function workspaceState(cwd: string): Promise<TurnMetadataInput['workspace']> {
  const root = await gitRepoRoot(cwd);
  if (root === null) return null;
  const status = await git(root, ['status', '--porcelain']);
  return { root, hasChanges: status !== null && status.trim() !== '' };
}

function git(cwd: string, args: readonly string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, timeout: GIT_STATUS_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout) => {
      resolve(error === null ? stdout : null);
    });
  });
}
