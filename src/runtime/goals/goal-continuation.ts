import type { ResponseItem } from '../../model/events.js';
import type { ThreadGoal } from '../../protocol/v2/goals.js';
import { goalContinuationPrompt } from '../../tools/goals/goal-continuation-prompt.js';
import { uuidv7 } from '../../util/ids.js';
import type { LoadedThread } from '../threads/loaded-thread.js';

/** The objective each loaded thread's model was last given, so it is given again only when it changed. */
const objectiveGiven = new WeakMap<LoadedThread, string>();

/**
 * The items that open a goal continuation turn, as the reference 0.169.0 sends them [observed]: the objective as
 * the output of an `agent` namespace `goal_objective` context call (only when the model has not been given this
 * objective yet), then a user message with the continuation guidance.
 */
export function goalContinuationContext(thread: LoadedThread, goal: ThreadGoal): ResponseItem[] {
  const items: ResponseItem[] = [];
  if (objectiveGiven.get(thread) !== goal.objective) {
    objectiveGiven.set(thread, goal.objective);
    items.push({
      type: 'function_call_output',
      id: `fco_${uuidv7()}`,
      name: 'goal_objective',
      namespace: 'agent',
      output: goal.objective,
    });
  }
  items.push({
    type: 'message',
    id: `msg_${uuidv7()}`,
    role: 'user',
    content: [{ type: 'input_text', text: goalContinuationPrompt(goal) }],
  });
  return items;
}
