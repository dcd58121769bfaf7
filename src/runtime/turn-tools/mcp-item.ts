import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { ToolContext } from './tool-context.js';

export type McpItem = Extract<ThreadItem, { type: 'mcpToolCall' }>;

/** An `mcpToolCall` item in flight: `item/started` is out; `complete` sends `item/completed` and records the item (turn and rollout). */
export interface McpItemInFlight {
  readonly startedAtMs: number;
  complete(ending: Pick<McpItem, 'status'> & Partial<Pick<McpItem, 'result' | 'error'>>): void;
}

export function startMcpItem(
  context: ToolContext,
  fields: Pick<McpItem, 'id' | 'server' | 'tool' | 'arguments' | 'readOnlyHint'>,
): McpItemInFlight {
  const { thread, turnId } = context;
  const startedAtMs = Date.now();
  const item: McpItem = {
    type: 'mcpToolCall',
    ...fields,
    status: 'inProgress',
    appContext: null,
    mcpAppUi: null,
    pluginId: null,
    result: null,
    error: null,
    durationMs: null,
    startedAtMs,
    completedAtMs: null,
  };
  thread.emit(ServerNotifications.itemStarted, { item, threadId: thread.id, turnId, startedAtMs });
  return {
    startedAtMs,
    complete(ending) {
      const completedAtMs = Date.now();
      const done: McpItem = { ...item, ...ending, durationMs: completedAtMs - startedAtMs, completedAtMs };
      thread.emit(ServerNotifications.itemCompleted, { item: done, threadId: thread.id, turnId, completedAtMs });
      context.recordItem(done);
    },
  };
}
