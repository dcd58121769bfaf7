import type { SessionSource as StoredSource } from '../../persistence/rollout-schema.js';
import type { SessionSource } from '../../protocol/v2/thread.js';

/**
 * What makes a thread a sub-agent: the thread that spawned it, how deep it is under the root thread, and the
 * nickname it goes by. Written into its rollout's session_meta as the reference 0.169.0 writes it (observed):
 * `source: {"subagent": {"thread_spawn": {parent_thread_id, depth, agent_path: null, agent_nickname, agent_role}}}`
 * beside `parent_thread_id`, `thread_source: "subagent"`, `agent_nickname` and, for an agent spawned in a role,
 * `agent_role`.
 */
export interface SubAgentLink {
  readonly parentThreadId: string;
  /** 1 for a child of a root thread. */
  readonly depth: number;
  readonly nickname: string;
  readonly role: string | null;
  /** The root thread of its tree (its parent for a child of a root thread): the session it belongs to. */
  readonly rootThreadId: string;
}

/**
 * The session a thread belongs to: its own id, or for a sub-agent its root thread's (also for a sub-agent of a
 * sub-agent). A sub-agent's model requests carry it as `session-id`, `prompt_cache_key` and the metadata's
 * `session_id`, and its rollout as `session_id` (observed from the reference 0.169.0).
 */
export function sessionIdOf(thread: { readonly id: string; readonly subAgent: SubAgentLink | null }): string {
  return thread.subAgent?.rootThreadId ?? thread.id;
}

/** The session_meta fields of a sub-agent's rollout. */
export function subAgentMetaFields(link: SubAgentLink): Record<string, unknown> {
  return {
    parent_thread_id: link.parentThreadId,
    source: { subagent: { thread_spawn: threadSpawn(link) } },
    thread_source: 'subagent',
    agent_nickname: link.nickname,
    ...(link.role === null ? {} : { agent_role: link.role }),
  };
}

function threadSpawn(link: SubAgentLink) {
  return {
    parent_thread_id: link.parentThreadId,
    depth: link.depth,
    agent_path: null,
    agent_nickname: link.nickname,
    agent_role: link.role,
  };
}

/**
 * The sub-agent link a stored session source describes, or null for any other source. `sessionId` is the rollout's
 * `session_id` (its root thread), when known; the parent stands in for it otherwise.
 */
export function subAgentLinkOf(source: StoredSource | null | undefined, sessionId?: string | null): SubAgentLink | null {
  if (typeof source !== 'object' || source === null) return null;
  const sub = (source as Record<string, unknown>)['subagent'];
  if (typeof sub !== 'object' || sub === null) return null;
  const spawn = (sub as Record<string, unknown>)['thread_spawn'];
  if (typeof spawn !== 'object' || spawn === null) return null;
  const fields = spawn as Record<string, unknown>;
  if (typeof fields['parent_thread_id'] !== 'string') return null;
  return {
    parentThreadId: fields['parent_thread_id'],
    depth: typeof fields['depth'] === 'number' ? fields['depth'] : 1,
    nickname: typeof fields['agent_nickname'] === 'string' ? fields['agent_nickname'] : '',
    role: typeof fields['agent_role'] === 'string' ? fields['agent_role'] : null,
    rootThreadId: typeof sessionId === 'string' && sessionId !== '' ? sessionId : fields['parent_thread_id'],
  };
}

/** The wire fields of a sub-agent thread (`source`, `parentThreadId`, `threadSource`, nickname and role). */
export function subAgentThreadFields(link: SubAgentLink): {
  source: SessionSource;
  parentThreadId: string;
  threadSource: string;
  agentNickname: string;
  agentRole: string | null;
} {
  return {
    source: { subAgent: { thread_spawn: threadSpawn(link) } },
    parentThreadId: link.parentThreadId,
    threadSource: 'subagent',
    agentNickname: link.nickname,
    agentRole: link.role,
  };
}
