import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadGoal } from '../../protocol/v2/goals.js';
import { GoalError, goalToolResult } from '../../tools/goals/goal-rules.js';
import {
  CREATE_GOAL_TOOL_NAME,
  GET_GOAL_TOOL_NAME,
  UPDATE_GOAL_TOOL_NAME,
  createGoalToolSpec,
  getGoalToolSpec,
  updateGoalToolSpec,
} from '../../tools/goals/goal-tool-specs.js';
import type { GoalStore } from '../goals/goal-store.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { parseArguments } from './parse-arguments.js';
import { argumentsError } from './tool-call.js';
import type { ToolContext, ToolHandler, ToolOutput } from './tool-context.js';

const CreateGoalArgumentsSchema = lazySchema(() => z.object({ objective: z.string(), token_budget: z.number().int().nullish() }));
const UpdateGoalArgumentsSchema = lazySchema(() => z.object({ status: z.string() }));

/** Tells the thread's subscribers its goal changed (`turnId` null when a client changed it between turns). */
export function announceGoal(thread: LoadedThread, goal: ThreadGoal, turnId: string | null): void {
  thread.emit(ServerNotifications.threadGoalUpdated, { threadId: thread.id, turnId, goal });
}

/**
 * get_goal, create_goal and update_goal over the thread's goal. Each answers with the goal as JSON; a refused
 * change answers with the reason; a change is announced as `thread/goal/updated` with the turn.
 */
export function goalTools(goals: GoalStore): ToolHandler[] {
  const changing = async (context: ToolContext, change: () => Promise<ThreadGoal>, completes = false): Promise<ToolOutput> => {
    try {
      const goal = await change();
      announceGoal(context.thread, goal, context.turnId);
      return goalToolResult(goal, completes && goal.status === 'complete');
    } catch (error) {
      if (error instanceof GoalError) return error.message;
      throw error;
    }
  };
  return [
    {
      name: GET_GOAL_TOOL_NAME,
      spec: getGoalToolSpec,
      handle: async (_call, context) => goalToolResult(await goals.get(context.thread.id)),
    },
    {
      name: CREATE_GOAL_TOOL_NAME,
      spec: createGoalToolSpec,
      async handle(call, context) {
        const parsed = parseArguments(call.payload, CreateGoalArgumentsSchema);
        if (!parsed.ok) return argumentsError(parsed.error);
        const { objective, token_budget: budget } = parsed.value;
        return changing(context, () => goals.create(context.thread.id, objective, budget ?? null));
      },
    },
    {
      name: UPDATE_GOAL_TOOL_NAME,
      spec: updateGoalToolSpec,
      async handle(call, context) {
        const parsed = parseArguments(call.payload, UpdateGoalArgumentsSchema);
        if (!parsed.ok) return argumentsError(parsed.error);
        return changing(context, () => goals.setStatusByModel(context.thread.id, parsed.value.status), true);
      },
    },
  ];
}
