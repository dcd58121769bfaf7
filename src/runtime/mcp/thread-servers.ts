import type { LoadedThread } from '../threads/loaded-thread.js';
import type { McpServerSet } from './mcp-server-set.js';

/** Which MCP servers each loaded thread has (set by the hub; read when a turn assembles its tools). */
const byThread = new WeakMap<LoadedThread, McpServerSet>();

export function setThreadServers(thread: LoadedThread, servers: McpServerSet): void {
  byThread.set(thread, servers);
}

export function threadServers(thread: LoadedThread): McpServerSet | undefined {
  return byThread.get(thread);
}
