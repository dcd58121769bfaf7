import type { ThreadGoal } from '../../protocol/v2/goals.js';

/**
 * What the model reads at the start of a turn the server starts by itself to keep pursuing an active goal. The
 * wrapper tag and the facts given (the objective by reference, the budget figures) follow the reference 0.169.0
 * [observed]; the guidance is ours.
 */
export function goalContinuationPrompt(goal: ThreadGoal): string {
  const budget = goal.tokenBudget;
  return [
    '<codex_internal_context source="goal">',
    'Keep working on the thread goal; it is still active. No one has sent a new message: this turn exists so the',
    'work continues.',
    '',
    'The objective is in the goal_objective context above. If it is missing or looks cut off, call get_goal for',
    'the full text.',
    '',
    'Budget:',
    `- Tokens used: ${goal.tokensUsed}`,
    `- Token budget: ${budget === null ? 'none' : budget}`,
    `- Tokens remaining: ${budget === null ? 'unbounded' : Math.max(0, budget - goal.tokensUsed)}`,
    '',
    'How to work:',
    '- The goal spans turns. If it cannot be finished in this one, make real progress toward the full objective and',
    '  leave the goal active; never shrink the objective to what fits, or swap it for an easier or safer variant.',
    '- Trust the current state of the files, processes and tools over what earlier messages say: check it before',
    '  building on it, and fix or replace earlier work that does not serve the objective.',
    '- Look at what the previous goal turn achieved. If it changed nothing that matters, do not repeat it: take the',
    '  next concrete step, or, if something is running, poll that very process or session rather than restarting it.',
    '',
    'Finishing:',
    '- Call update_goal with status "complete" only when current evidence shows every requirement of the objective is',
    '  met: derive the requirements from the objective and what it refers to, and check each against files, command',
    '  output or test results that really cover it. Weak or indirect evidence means keep working. Completing through',
    '  update_goal keeps the usage accounting right; with a token budget, report the final usage to the user.',
    '- Call update_goal with status "blocked" only when the same obstacle has stopped all progress for at least three',
    '  consecutive goal turns (counting the one the user started) and only the user or an outside change can clear',
    '  it. Hard, slow or uncertain work is not blocked. A goal resumed after being blocked starts counting again.',
    '- Set status "paused" only when the user explicitly asks for it, then report the status and stop.',
    '- Never complete a goal because the budget is running low or because you are stopping.',
    '</codex_internal_context>',
  ].join('\n');
}
