import { ServerNotifications } from '../../protocol/registry.js';
import {
  UPDATE_PLAN_RESULT,
  UPDATE_PLAN_TOOL_NAME,
  UpdatePlanArgumentsSchema,
  updatePlanToolSpec,
  wirePlan,
} from '../../tools/plan/update-plan.js';
import { argumentsError } from './tool-call.js';
import type { ToolHandler } from './tool-context.js';
import { parseArguments } from './parse-arguments.js';

/** `update_plan` → `turn/plan/updated` to the thread's subscribers. */
export const planTool: ToolHandler = {
  name: UPDATE_PLAN_TOOL_NAME,
  spec: updatePlanToolSpec,
  async handle(call, context) {
    const parsed = parseArguments(call.payload, UpdatePlanArgumentsSchema);
    if (!parsed.ok) return argumentsError(parsed.error);
    context.thread.emit(ServerNotifications.turnPlanUpdated, {
      threadId: context.thread.id,
      turnId: context.turnId,
      explanation: parsed.value.explanation ?? null,
      plan: wirePlan(parsed.value),
    });
    return UPDATE_PLAN_RESULT;
  },
};
