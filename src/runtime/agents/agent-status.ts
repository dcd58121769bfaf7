import type { CollabAgentState } from '../../protocol/v2/items-agents.js';
import type { LoadedThread } from '../threads/loaded-thread.js';

/**
 * Where a sub-agent stands, as the parent's tools report it. The model reads the reference 0.169.0's serde form
 * (observed: `"running"`, `{"completed": "<final message>"}`); clients read `CollabAgentState`.
 */
export type AgentStatus =
  | { readonly kind: 'pendingInit' }
  | { readonly kind: 'running' }
  | { readonly kind: 'completed'; readonly message: string | null }
  | { readonly kind: 'errored'; readonly message: string }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'notFound' };

/** Whether the agent is done with its work (what wait_agent waits for). */
export function isFinal(status: AgentStatus): boolean {
  return status.kind !== 'pendingInit' && status.kind !== 'running';
}

/** The status as the model reads it in tool outputs. */
export function statusForModel(status: AgentStatus): unknown {
  switch (status.kind) {
    case 'pendingInit':
      return 'pending_init';
    case 'running':
      return 'running';
    case 'completed':
      return { completed: status.message };
    case 'errored':
      return { errored: status.message };
    case 'interrupted':
      return 'interrupted';
    case 'shutdown':
      return 'shutdown';
    case 'notFound':
      return 'not_found';
  }
}

/** The status as a `collabAgentToolCall` item's `agentsStates` shows it. */
export function collabState(status: AgentStatus): CollabAgentState {
  const message = status.kind === 'completed' || status.kind === 'errored' ? status.message : null;
  return { status: status.kind, message };
}

/** How the last turn of `child` ended, as an agent status. */
export function statusAfterTurn(child: LoadedThread): AgentStatus {
  const turn = child.turns.at(-1);
  if (turn === undefined) return { kind: 'pendingInit' };
  switch (turn.status) {
    case 'inProgress':
      return { kind: 'running' };
    case 'interrupted':
      return { kind: 'interrupted' };
    case 'failed':
      return { kind: 'errored', message: turn.error?.message ?? 'the agent failed' };
    case 'completed': {
      const last = turn.items.findLast((item) => item.type === 'agentMessage');
      return { kind: 'completed', message: last?.type === 'agentMessage' ? last.text : null };
    }
  }
}
