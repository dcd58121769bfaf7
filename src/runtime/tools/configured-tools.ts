import type { LoadedThread } from '../loaded-thread.js';
import { dynamicToolHandlers } from './dynamic-tool.js';
import { mcpResourceToolHandlers } from './mcp-resource-tools.js';
import { mcpToolHandlers } from './mcp-tool.js';
import type { ToolHandler } from './tool-context.js';

/**
 * The tools a thread has beyond the built-in ones: what the user configured (MCP servers: their resource tools
 * and one namespace per server) and what the client offered at thread/start (dynamic tools), in that order.
 */
export function configuredTools(thread: LoadedThread): ToolHandler[] {
  return [...mcpResourceToolHandlers(thread), ...mcpToolHandlers(thread), ...dynamicToolHandlers(thread)];
}
