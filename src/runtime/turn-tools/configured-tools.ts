import { GET_GOAL_TOOL_NAME, UPDATE_GOAL_TOOL_NAME } from '../../tools/goals/goal-tool-specs.js';
import { REQUEST_USER_INPUT_TOOL_NAME } from '../../tools/user-input/request-user-input.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { dynamicToolHandlers } from './dynamic-tool.js';
import { mcpResourceToolHandlers } from './mcp-resource-tools.js';
import { mcpToolHandlers } from './mcp-tool.js';
import type { ToolHandler } from './tool-context.js';

/**
 * The built-in tools with a thread's other tools placed among them where the reference 0.169.0 places them
 * (the model sees them in this order): MCP resource tools right after the exec tools, the MCP servers' namespaces
 * before the goal tools, and the client's dynamic tools (from thread/start) after them, ahead of `tool_search`
 * and `web_search`. A built-in anchor that is missing places its group at the end.
 */
export function withConfiguredTools(builtIn: readonly ToolHandler[], thread: LoadedThread): ToolHandler[] {
  const placed = [...builtIn];
  const insertBefore = (anchor: string, group: readonly ToolHandler[]) => {
    const at = placed.findIndex((tool) => tool.name === anchor);
    placed.splice(at === -1 ? placed.length : at, 0, ...group);
  };
  const insertAfter = (anchor: string, group: readonly ToolHandler[]) => {
    const at = placed.findIndex((tool) => tool.name === anchor);
    placed.splice(at === -1 ? placed.length : at + 1, 0, ...group);
  };
  insertAfter(UPDATE_GOAL_TOOL_NAME, dynamicToolHandlers(thread));
  insertBefore(GET_GOAL_TOOL_NAME, mcpToolHandlers(thread));
  insertBefore(REQUEST_USER_INPUT_TOOL_NAME, mcpResourceToolHandlers(thread));
  return placed;
}
