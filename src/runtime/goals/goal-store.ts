import { join } from 'node:path';
import { JsonMapFile } from '../../persistence/json-map-file.js';
import { ThreadGoalSchema } from '../../protocol/v2/goals.js';
import type { ThreadGoal, ThreadGoalStatus } from '../../protocol/v2/goals.js';
import {
  GoalError,
  MODEL_SETTABLE_STATUSES,
  NO_GOAL_MESSAGE,
  STATUS_NOT_SETTABLE_MESSAGE,
  UNFINISHED_GOAL_MESSAGE,
  checkBudget,
  checkedObjective,
  isUnfinished,
  newGoal,
} from '../../tools/goals/goal-rules.js';

/** Where goals are kept: one small JSON file, thread id → goal. */
export const GOALS_FILE = 'thread_goals.json';

/** What a client's thread/goal/set asks for (each field optional). */
export interface GoalChange {
  readonly objective?: string | null | undefined;
  readonly status?: ThreadGoalStatus | null | undefined;
  readonly tokenBudget?: number | null | undefined;
}

/**
 * Each thread's goal (at most one), durable in CODEX_HOME so that it survives a restart and is there again when the
 * thread is resumed, as the reference's are [observed]. Every method resolves once the change is on disk.
 */
export class GoalStore {
  readonly #file: JsonMapFile<ThreadGoal>;

  constructor(codexHome: string) {
    this.#file = new JsonMapFile(join(codexHome, GOALS_FILE), ThreadGoalSchema);
  }

  async get(threadId: string): Promise<ThreadGoal | null> {
    return (await this.#file.load()).get(threadId) ?? null;
  }

  /**
   * A client's thread/goal/set [observed]: with an objective, starts a goal (none yet, or the last one complete)
   * or rewrites the current one's objective, keeping its usage; without, changes the current goal's status or
   * budget.
   * @throws GoalError for a blank objective, a non-positive budget, or a change to a goal that does not exist.
   */
  async set(threadId: string, change: GoalChange): Promise<ThreadGoal> {
    checkBudget(change.tokenBudget);
    const objective = change.objective === null || change.objective === undefined ? null : checkedObjective(change.objective);
    const current = await this.get(threadId);
    const now = Date.now();
    let goal: ThreadGoal;
    if (current === null || (objective !== null && current.status === 'complete')) {
      if (objective === null) throw new GoalError(`cannot update goal for thread ${threadId}: no goal exists`);
      goal = { ...newGoal(threadId, objective, change.tokenBudget ?? null, now), status: change.status ?? 'active' };
    } else {
      goal = {
        ...current,
        ...(objective === null ? {} : { objective }),
        ...(change.status === null || change.status === undefined ? {} : { status: change.status }),
        ...(change.tokenBudget === undefined ? {} : { tokenBudget: change.tokenBudget }),
        updatedAt: Math.floor(now / 1000),
      };
    }
    await this.#file.set(threadId, goal);
    return goal;
  }

  /** The model's create_goal. @throws GoalError while an unfinished goal exists, or for bad arguments. */
  async create(threadId: string, objective: string, tokenBudget: number | null): Promise<ThreadGoal> {
    const checked = checkedObjective(objective);
    checkBudget(tokenBudget);
    if (isUnfinished(await this.get(threadId))) throw new GoalError(UNFINISHED_GOAL_MESSAGE);
    const goal = newGoal(threadId, checked, tokenBudget, Date.now());
    await this.#file.set(threadId, goal);
    return goal;
  }

  /** The model's update_goal. @throws GoalError without a goal, or for a status only the user may set. */
  async setStatusByModel(threadId: string, status: string): Promise<ThreadGoal> {
    const current = await this.get(threadId);
    if (current === null) throw new GoalError(NO_GOAL_MESSAGE);
    if (!MODEL_SETTABLE_STATUSES.has(status as ThreadGoalStatus)) throw new GoalError(STATUS_NOT_SETTABLE_MESSAGE);
    const goal: ThreadGoal = { ...current, status: status as ThreadGoalStatus, updatedAt: Math.floor(Date.now() / 1000) };
    await this.#file.set(threadId, goal);
    return goal;
  }

  /**
   * Adds `tokens` to the usage of a goal being pursued (active, or over its budget already); an active goal that
   * reaches its budget becomes `budgetLimited`. Returns the changed goal, or null when none was charged.
   */
  async charge(threadId: string, tokens: number): Promise<ThreadGoal | null> {
    const current = await this.get(threadId);
    if (current === null || (current.status !== 'active' && current.status !== 'budgetLimited')) return null;
    const tokensUsed = current.tokensUsed + tokens;
    const overBudget = current.tokenBudget !== null && tokensUsed >= current.tokenBudget;
    const goal: ThreadGoal = {
      ...current,
      tokensUsed,
      status: overBudget ? 'budgetLimited' : current.status,
      updatedAt: Math.floor(Date.now() / 1000),
    };
    await this.#file.set(threadId, goal);
    return goal;
  }

  /** Removes a thread's goal; false when it had none. */
  async clear(threadId: string): Promise<boolean> {
    if ((await this.get(threadId)) === null) return false;
    await this.#file.set(threadId, undefined);
    return true;
  }
}
