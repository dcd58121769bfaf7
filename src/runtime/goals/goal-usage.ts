import type { TokenUsage } from '../../model/events.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { announceGoal } from '../turn-tools/goal-tools.js';
import type { GoalStore } from './goal-store.js';

/**
 * Charges model responses to the thread's goal while it is being pursued, as the reference 0.169.0 does
 * [observed]: a response sent while the goal was active (or already over its budget) adds its total tokens once its
 * tool calls are answered, announced as `thread/goal/updated` with the turn; an active goal that uses up its budget
 * becomes `budgetLimited` (and keeps counting). A response that created the goal is not charged to it; paused,
 * blocked and complete goals are not charged.
 * @returns the function that charges the response about to be sent, given its usage.
 */
export async function goalCharger(
  goals: GoalStore,
  thread: LoadedThread,
  turnId: string,
): Promise<(usage: TokenUsage | null) => Promise<void>> {
  const pursued = await goals.get(thread.id);
  if (pursued === null || (pursued.status !== 'active' && pursued.status !== 'budgetLimited')) return async () => {};
  return async (usage) => {
    if (usage === null || usage.totalTokens <= 0) return;
    const goal = await goals.charge(thread.id, usage.totalTokens);
    if (goal !== null) announceGoal(thread, goal, turnId);
  };
}
