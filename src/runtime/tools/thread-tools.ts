import { planTool } from './plan-tool.js';
import type { ToolHandler } from './tool-context.js';
import { userInputTool } from './user-input-tool.js';

/** The tools a thread's turns offer the model, in the order they are listed in each request. */
export function threadTools(): ToolHandler[] {
  return [planTool, userInputTool];
}
