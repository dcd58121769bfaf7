import type { ResponseItem } from '../../model/events.js';

/*
 * `spawn_agent` with `fork_context: true` (observed from the reference 0.169.0): the child starts with the parent's
 * conversation, not its working state. It gets the parent's history as it stands when the spawn call runs, keeping
 * the messages (developer and user messages, the opening context included, and the parent's final answers) and
 * leaving out tool calls and their outputs, reasoning, commentary and compaction items; its task follows as its
 * own turn. Its requests say `history_initialization: "warm_fork"`, for every turn, and it is marked forked from its
 * parent (`forked_from_id`).
 */

/** The part of a parent's history a forked child starts with. */
export function forkedHistory(parentHistory: readonly ResponseItem[]): ResponseItem[] {
  return parentHistory.filter((item) => {
    if (item.type !== 'message') return false;
    const role = item['role'];
    if (role === 'assistant') return item['phase'] === 'final_answer';
    return role === 'user' || role === 'developer' || role === 'system';
  });
}

/** How a thread's history began, as its model requests' turn metadata says. */
export function historyInitializationOf(thread: {
  readonly subAgent: unknown;
  readonly forkedFromId: string | null;
}): 'new' | 'warm_fork' {
  return thread.subAgent !== null && thread.forkedFromId !== null ? 'warm_fork' : 'new';
}
