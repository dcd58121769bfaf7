import type { RolloutItem } from '../../persistence/rollout-schema.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { Turn, TurnError } from '../../protocol/v2/turn.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import * as records from '../rollout/rollout-records.js';

/** How a turn ended. */
export type TurnOutcome = { status: 'completed' } | { status: 'interrupted' } | { status: 'failed'; error: TurnError };

/**
 * Records how a turn ended: the rollout's `turn_aborted` or `task_complete` line, and the turn as thread/read shows
 * it (status, error, times). Resolves once the rollout holds it: a turn is durable before anyone is told it ended.
 * Shared by every kind of turn (regular, compaction, review).
 */
export async function recordTurnEnd(
  thread: LoadedThread,
  turn: Turn,
  startedAtMs: number,
  outcome: TurnOutcome,
  rollout: { persist(item: RolloutItem): void; flush(): Promise<void> },
): Promise<void> {
  const completedAtMs = Date.now();
  const error = outcome.status === 'failed' ? outcome.error : null;
  if (outcome.status === 'interrupted') {
    rollout.persist(records.turnAborted(turn.id, startedAtMs, completedAtMs));
  } else {
    rollout.persist(records.taskComplete(turn.id, startedAtMs, completedAtMs, error));
  }
  Object.assign(turn, {
    status: outcome.status,
    error,
    completedAt: Math.floor(completedAtMs / 1000),
    durationMs: completedAtMs - startedAtMs,
  });
  thread.updatedAtMs = completedAtMs;
  await rollout.flush();
}

/**
 * Tells the thread's subscribers that a turn ended, in the reference's order [observed]: a failed turn leaves the
 * thread in `systemError` (until the next turn) and reports the error first; otherwise the thread goes idle. Then
 * `turn/completed` with `wireTurn` (a completed turn's summary items, or none for the others).
 */
export function announceTurnEnd(thread: LoadedThread, outcome: TurnOutcome, wireTurn: Turn): void {
  if (outcome.status === 'failed') {
    thread.setStatus({ type: 'systemError' });
    thread.emit(ServerNotifications.error, { error: outcome.error, willRetry: false, threadId: thread.id, turnId: wireTurn.id });
  } else {
    thread.setStatus({ type: 'idle' });
  }
  thread.emit(ServerNotifications.turnCompleted, { threadId: thread.id, turn: wireTurn });
}
