import * as z from 'zod';
import type { TurnPlanStep } from '../../protocol/v2/thread-notifications.js';

/**
 * `update_plan`: the model keeps a short checklist of its work; each call replaces the whole plan and clients
 * show it (`turn/plan/updated`). The tool's answer is the reference's fixed `Plan updated`.
 */

export const UPDATE_PLAN_TOOL_NAME = 'update_plan';
export const UPDATE_PLAN_RESULT = 'Plan updated';

const StepStatusSchema = z.enum(['pending', 'in_progress', 'completed']);

export const UpdatePlanArgumentsSchema = z.object({
  explanation: z.string().nullish(),
  plan: z.array(z.object({ step: z.string(), status: StepStatusSchema })),
});
export type UpdatePlanArguments = z.infer<typeof UpdatePlanArgumentsSchema>;

/** The function tool offered to the model (descriptions are ours). */
export function updatePlanToolSpec(): Record<string, unknown> {
  return {
    type: 'function',
    name: UPDATE_PLAN_TOOL_NAME,
    description:
      'Record or revise your plan for the current task as a short list of steps, each pending, in_progress or ' +
      'completed. Send the whole plan every time; keep at most one step in_progress.',
    strict: false,
    parameters: {
      type: 'object',
      properties: {
        explanation: { type: 'string', description: 'Optional note on why the plan changed.' },
        plan: {
          type: 'array',
          description: 'The steps, in order.',
          items: {
            type: 'object',
            properties: {
              step: { type: 'string', description: 'What the step does.' },
              status: { type: 'string', enum: ['pending', 'in_progress', 'completed'], description: 'Its state.' },
            },
            required: ['step', 'status'],
            additionalProperties: false,
          },
        },
      },
      required: ['plan'],
      additionalProperties: false,
    },
  };
}

/** The plan as `turn/plan/updated` spells it (camelCase statuses). */
export function wirePlan(args: UpdatePlanArguments): TurnPlanStep[] {
  return args.plan.map(({ step, status }) => ({ step, status: status === 'in_progress' ? 'inProgress' : status }));
}
