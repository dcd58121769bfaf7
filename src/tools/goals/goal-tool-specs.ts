/**
 * The goal tools offered to the model: read the thread's goal, start one when asked to, and report on it. Names and
 * parameter schemas as the reference 0.169.0 offers them; the descriptions are ours.
 */

import { functionToolSpec } from '../function-tool-spec.js';

export const GET_GOAL_TOOL_NAME = 'get_goal';
export const CREATE_GOAL_TOOL_NAME = 'create_goal';
export const UPDATE_GOAL_TOOL_NAME = 'update_goal';

export function getGoalToolSpec(): Record<string, unknown> {
  return functionToolSpec(
    GET_GOAL_TOOL_NAME,
    "Read this thread's goal: its objective, status, token budget, the tokens and time used so far, and how many " +
      'budgeted tokens remain. Answers with no goal when none is set.',
    {},
    [],
  );
}

export function createGoalToolSpec(): Record<string, unknown> {
  return functionToolSpec(
    CREATE_GOAL_TOOL_NAME,
    'Start a goal for this thread, but only when the user (or a system or developer instruction) explicitly asks ' +
      'for one; an ordinary request is not a goal. Give a token budget only when one was asked for. This fails ' +
      'while an unfinished goal exists; use update_goal to change its status.',
    {
      objective: {
        type: 'string',
        description:
          'Required. What the goal is to achieve, concretely. Starts a new active goal when the thread has none, ' +
          'or replaces a goal that is already complete.',
      },
      token_budget: {
        type: 'integer',
        description: 'Positive number of tokens the goal may use. Leave it out unless a budget was requested.',
      },
    },
    ['objective'],
  );
}

export function updateGoalToolSpec(): Record<string, unknown> {
  return functionToolSpec(
    UPDATE_GOAL_TOOL_NAME,
    [
      "Change the status of this thread's goal.",
      '- `complete`: only once the objective is actually achieved and nothing required is left. Not because the ' +
        'budget is nearly spent, and not because you are stopping.',
      "- `paused`: only when the user explicitly asks to pause the goal, never on your own; if unsure, ask. Then " +
        'report the new status and stop working on the goal.',
      '- `blocked`: only after the same obstacle has stopped progress for at least three consecutive goal turns ' +
        '(the turn that started the work included) and nothing can move without the user or a change outside. ' +
        'Difficulty, slowness or uncertainty are not reasons. Once that is true, set it rather than repeating that ' +
        'you are blocked. A goal resumed after being blocked starts counting again.',
      'Resuming a goal and budget or usage limits are decided by the user or the system, not by this tool. When you ' +
        'complete a goal with a token budget, tell the user the usage shown in the result.',
    ].join('\n'),
    {
      status: {
        type: 'string',
        description:
          'Required. `complete` when the objective is achieved, `paused` only at the explicit request of the user, ' +
          '`blocked` only at a real impasse after three consecutive goal turns on the same obstacle.',
        enum: ['complete', 'blocked', 'paused'],
      },
    },
    ['status'],
  );
}
