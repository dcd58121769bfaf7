import type { DynamicToolSpec } from '../../protocol/v2/items-tools.js';
import type { RolloutItem, SessionMeta } from '../../persistence/rollout-schema.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { TokenUsageBreakdown } from '../../protocol/v2/thread-notifications.js';
import type { TurnError } from '../../protocol/v2/turn.js';
import { COMPATIBLE_CODEX_VERSION } from '../../util/version.js';
import { coreItemFromThreadItem, coreTurnError } from './core-dialect/core-items.js';
import type { ThreadSettings } from '../threads/thread-settings.js';
import { sessionIdOf, subAgentMetaFields, type SubAgentLink } from '../agents/sub-agent-link.js';

/**
 * The rollout lines a thread writes, shaped as the reference 0.169.0 writes them (test/fixtures/rollouts),
 * so that the reference can read our rollouts and we can read its own. Only what readers use is written: the
 * reference's `world_state`, `token_usage_record` and `thread_settings_applied` bookkeeping is left out.
 */

export interface SessionMetaInput {
  readonly threadId: string;
  readonly createdAtMs: number;
  readonly settings: ThreadSettings;
  readonly originator: string;
  readonly baseInstructions: string;
  readonly forkedFromId: string | null;
  /** The client's tools from thread/start (`dynamic_tools`, so a resumed thread offers them again). */
  readonly dynamicTools?: readonly DynamicToolSpec[] | null | undefined;
  /** Set for a sub-agent's rollout: its parent link replaces the `vscode` source. */
  readonly subAgent?: SubAgentLink | null | undefined;
}

export function sessionMeta(input: SessionMetaInput): SessionMeta {
  return {
    session_id: sessionIdOf({ id: input.threadId, subAgent: input.subAgent ?? null }),
    id: input.threadId,
    ...(input.forkedFromId === null ? {} : { forked_from_id: input.forkedFromId }),
    timestamp: new Date(input.createdAtMs).toISOString(),
    cwd: input.settings.cwd,
    runtime_workspace_roots: [...input.settings.runtimeWorkspaceRoots],
    originator: input.originator,
    cli_version: COMPATIBLE_CODEX_VERSION,
    source: 'vscode',
    model_provider: input.settings.modelProvider,
    base_instructions: { text: input.baseInstructions },
    history_mode: 'paginated',
    ...(input.dynamicTools == null || input.dynamicTools.length === 0 ? {} : { dynamic_tools: [...input.dynamicTools] }),
    ...(input.subAgent == null ? {} : subAgentMetaFields(input.subAgent)),
  };
}

/** `rootTurnId`: the turn of the root thread this one works for (a sub-agent's parent turn), else the turn itself. */
export function taskStarted(
  turnId: string,
  startedAtMs: number,
  modelContextWindow: number | null,
  rootTurnId: string = turnId,
): RolloutItem {
  return {
    type: 'event_msg',
    payload: {
      type: 'task_started',
      turn_id: turnId,
      root_turn_id: rootTurnId,
      started_at: Math.floor(startedAtMs / 1000),
      model_context_window: modelContextWindow,
      collaboration_mode_kind: 'default',
    },
  };
}

/** The settings a turn ran with; `model` is what thread/list and resume read back. */
export function turnContext(turnId: string, settings: ThreadSettings): RolloutItem {
  return {
    type: 'turn_context',
    payload: {
      turn_id: turnId,
      root_turn_id: turnId,
      cwd: settings.cwd,
      approval_policy: settings.approvalPolicy,
      approvals_reviewer: settings.approvalsReviewer,
      model: settings.model,
      effort: settings.reasoningEffort,
      summary: settings.reasoningSummary ?? 'none',
      sandbox_policy: rolloutSandboxPolicy(settings),
    },
  };
}

/** The sandbox policy in the core's kebab-case tagging (`{"type":"read-only"}`), as turn_context carries it. */
function rolloutSandboxPolicy(settings: ThreadSettings): Record<string, unknown> {
  const policy = settings.sandboxPolicy;
  switch (policy.type) {
    case 'readOnly':
      return policy.networkAccess ? { type: 'read-only', network_access: true } : { type: 'read-only' };
    case 'dangerFullAccess':
      return { type: 'danger-full-access' };
    case 'externalSandbox':
      return { type: 'external-sandbox', network_access: policy.networkAccess };
    case 'workspaceWrite':
      return {
        type: 'workspace-write',
        writable_roots: policy.writableRoots,
        network_access: policy.networkAccess,
        exclude_tmpdir_env_var: policy.excludeTmpdirEnvVar,
        exclude_slash_tmp: policy.excludeSlashTmp,
      };
  }
}

/** A Responses-API item of the conversation (user input, model output, tool output), kept verbatim. */
export function responseItem(item: Readonly<Record<string, unknown>> & { readonly type: string }): RolloutItem {
  return { type: 'response_item', payload: item };
}

/** `item_completed` with the item in the core's shape; null for item kinds the core mapping does not know. */
export function itemCompleted(threadId: string, turnId: string, item: ThreadItem): RolloutItem | null {
  const core = coreItemFromThreadItem(item);
  if (core === null) return null;
  return {
    type: 'event_msg',
    payload: {
      type: 'item_completed',
      thread_id: threadId,
      turn_id: turnId,
      item: core,
      started_at_ms: item.startedAtMs ?? null,
      completed_at_ms: item.completedAtMs ?? null,
    },
  };
}

export function tokenCount(
  total: TokenUsageBreakdown,
  last: TokenUsageBreakdown,
  modelContextWindow: number | null,
): RolloutItem {
  return {
    type: 'event_msg',
    payload: {
      type: 'token_count',
      info: {
        total_token_usage: coreUsage(total),
        last_token_usage: coreUsage(last),
        model_context_window: modelContextWindow,
      },
      rate_limits: null,
    },
  };
}

function coreUsage(usage: TokenUsageBreakdown): Record<string, number> {
  return {
    input_tokens: usage.inputTokens,
    cached_input_tokens: usage.cachedInputTokens,
    cache_write_input_tokens: usage.cacheWriteInputTokens,
    output_tokens: usage.outputTokens,
    reasoning_output_tokens: usage.reasoningOutputTokens,
    total_tokens: usage.totalTokens,
  };
}

/**
 * The end of a turn that completed or failed. A failure is recorded here (`error`, in the core's dialect), as
 * the reference does: readers take a `task_complete` with an error as a failed turn.
 *
 * `last_agent_message` is always null: the reference repeats the final answer here, a third copy of text the
 * rollout already holds twice (item_completed and response_item), and no reader needs it to rebuild turns.
 */
export function taskComplete(
  turnId: string,
  startedAtMs: number,
  completedAtMs: number,
  error: TurnError | null,
): RolloutItem {
  return {
    type: 'event_msg',
    payload: {
      type: 'task_complete',
      root_turn_id: turnId,
      turn_id: turnId,
      last_agent_message: null,
      ...(error === null ? {} : { error: coreTurnError(error) }),
      started_at: Math.floor(startedAtMs / 1000),
      completed_at: Math.floor(completedAtMs / 1000),
      duration_ms: completedAtMs - startedAtMs,
    },
  };
}

/** An interrupted turn: the reference's `turn_aborted` event (it writes no task_complete for such a turn). */
export function turnAborted(turnId: string, startedAtMs: number, completedAtMs: number): RolloutItem {
  return {
    type: 'event_msg',
    payload: {
      type: 'turn_aborted',
      root_turn_id: turnId,
      turn_id: turnId,
      reason: 'interrupted',
      started_at: Math.floor(startedAtMs / 1000),
      completed_at: Math.floor(completedAtMs / 1000),
      duration_ms: completedAtMs - startedAtMs,
    },
  };
}

/**
 * What the model is told about an interrupted turn, as a user message in the `<turn_aborted>` tag the
 * reference uses (our wording), so the next turn does not continue the abandoned work unasked.
 */
export const TURN_ABORTED_MESSAGE =
  '<turn_aborted>\nThe user interrupted the previous turn. Do not resume that work unless asked to.\n</turn_aborted>';
