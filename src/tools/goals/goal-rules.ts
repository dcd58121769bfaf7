import type { ThreadGoal, ThreadGoalStatus } from '../../protocol/v2/goals.js';

/**
 * A thread's goal: an objective the user set for the agent (with an optional token budget), its status and usage.
 * The rules and the texts the model and clients read, as observed from the reference 0.169.0.
 */

/** A refused goal change; the message is what the client (as -32600) or the model (as the tool's output) reads. */
export class GoalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoalError';
  }
}

/** The objective as stored (trimmed). @throws GoalError when it is blank. */
export function checkedObjective(objective: string): string {
  const trimmed = objective.trim();
  if (trimmed === '') throw new GoalError('goal objective must not be empty');
  return trimmed;
}

/** @throws GoalError when a budget is given and is not positive. */
export function checkBudget(tokenBudget: number | null | undefined): void {
  if (tokenBudget !== null && tokenBudget !== undefined && tokenBudget <= 0) {
    throw new GoalError('goal budgets must be positive when provided');
  }
}

/** A fresh active goal. */
export function newGoal(threadId: string, objective: string, tokenBudget: number | null, nowMs: number): ThreadGoal {
  const now = Math.floor(nowMs / 1000);
  return {
    threadId,
    objective,
    status: 'active',
    tokenBudget,
    tokensUsed: 0,
    timeUsedSeconds: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** A goal that is not complete still binds the thread: the model may not start another. */
export function isUnfinished(goal: ThreadGoal | null): boolean {
  return goal !== null && goal.status !== 'complete';
}

/** The statuses the model may set with update_goal; the others belong to the user or the system. */
export const MODEL_SETTABLE_STATUSES: ReadonlySet<ThreadGoalStatus> = new Set(['complete', 'blocked', 'paused']);

export const UNFINISHED_GOAL_MESSAGE =
  'cannot create a new goal because this thread has an unfinished goal; complete the existing goal first';
export const NO_GOAL_MESSAGE = 'cannot update goal because this thread has no goal';
export const STATUS_NOT_SETTABLE_MESSAGE =
  "update_goal can only mark the existing goal complete, blocked, or paused at the user's explicit request; " +
  'resume, budget-limited, and usage-limited status changes are controlled by the user or system';

/** Guidance returned with a goal the model has just completed: how to report its usage (our wording). */
const COMPLETION_REPORT =
  'The goal is complete. Tell the user what it cost, from the goal fields of this result: when `goal.tokenBudget` ' +
  'is set, the tokens used (`goal.tokensUsed`) against that budget; when `goal.timeUsedSeconds` is above 0, the ' +
  'time spent, briefly and in the language of the conversation.';

/**
 * The JSON text the goal tools answer with: `{goal, remainingTokens, completionBudgetReport}`, the goal without
 * `tokenBudget` when it has none [observed], the tokens left under its budget, and a note on reporting the usage
 * when the model has just completed a goal that has some.
 */
export function goalToolResult(goal: ThreadGoal | null, justCompleted = false): string {
  if (goal === null) return JSON.stringify({ goal: null, remainingTokens: null, completionBudgetReport: null });
  const { tokenBudget } = goal;
  // Key order as the reference writes it, tokenBudget (when set) right after status.
  const ordered = {
    threadId: goal.threadId,
    objective: goal.objective,
    status: goal.status,
    ...(tokenBudget === null ? {} : { tokenBudget }),
    tokensUsed: goal.tokensUsed,
    timeUsedSeconds: goal.timeUsedSeconds,
    createdAt: goal.createdAt,
    updatedAt: goal.updatedAt,
  };
  return JSON.stringify({
    goal: ordered,
    remainingTokens: tokenBudget === null ? null : Math.max(0, tokenBudget - goal.tokensUsed),
    // Only when there is usage worth reporting: a budget, or time spent [observed].
    completionBudgetReport: justCompleted && (tokenBudget !== null || goal.timeUsedSeconds > 0) ? COMPLETION_REPORT : null,
  });
}
