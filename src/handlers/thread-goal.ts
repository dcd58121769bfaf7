import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { GoalError } from '../tools/goals/goal-rules.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/*
 * thread/goal/get, set and clear: a thread's goal, for loaded and stored threads alike (it lives in the goal store,
 * not in the loaded thread). Observed from the reference 0.169.0: an unknown id is -32600 `thread not found: <id>`;
 * a refused change is -32600 with the reason; a change is announced to the thread's subscribers as
 * `thread/goal/updated` (turnId null) or `thread/goal/cleared`; a loaded idle thread whose goal is now active starts
 * a continuation turn.
 */

/** The thread id of `params`, when such a thread exists. @throws -32600 `thread not found: <id>` otherwise. */
async function knownThread(services: ServerServices, threadId: string): Promise<string> {
  const id = threadIdParam(threadId);
  const known = services.threads.get(id) !== undefined || (await services.threads.index.get(id)) !== undefined;
  if (!known) throw RpcErrors.badRequest(`thread not found: ${id}`);
  return id;
}

export function threadGoalGetHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadGoalGet, async (params) => {
    const id = await knownThread(services, params.threadId);
    return { goal: await services.threads.goals.get(id) };
  });
}

export function threadGoalSetHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadGoalSet, async (params, context) => {
    const id = await knownThread(services, params.threadId);
    try {
      const goal = await services.threads.control.setGoal(id, params, threadCaller(context), (task) =>
        context.afterResponse(task),
      );
      return { goal };
    } catch (error) {
      if (error instanceof GoalError) throw RpcErrors.badRequest(error.message);
      throw error;
    }
  });
}

export function threadGoalClearHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadGoalClear, async (params) => {
    const id = await knownThread(services, params.threadId);
    return { cleared: await services.threads.control.clearGoal(id) };
  });
}
