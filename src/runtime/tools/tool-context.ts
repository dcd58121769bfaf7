import type { RolloutItem } from '../../persistence/rollout-schema.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { Logger } from '../../util/logger.js';
import type { LoadedThread } from '../loaded-thread.js';
import type { ToolCall, ToolOutput } from './tool-call.js';

/** What a tool handler gets for one call, from the turn that runs it. */
export interface ToolContext {
  readonly thread: LoadedThread;
  readonly turnId: string;
  /** Aborts when the turn is interrupted or the server shuts down. */
  readonly signal: AbortSignal;
  /** Appends to the thread's rollout (no-op for ephemeral threads). */
  persist(item: RolloutItem): void;
  /** Adds a completed item to the turn as thread/read shows it (tool items the tool reported itself). */
  recordItem?(item: ThreadItem): void;
  /** Ends the turn as interrupted after this call (an approval answered `cancel`). */
  interruptTurn(): void;
  readonly log: Logger;
}

/**
 * One tool (or one namespace of tools, named like the namespace): its spec for the model and its implementation.
 * Returns what the model gets back.
 */
export interface ToolHandler {
  readonly name: string;
  /** The Responses-API tool JSON sent in every request; null leaves the tool out of this request. */
  spec(): Record<string, unknown> | null;
  /** Awaited before a turn's first request (an MCP server's start-up). */
  ready?(): Promise<void>;
  handle(call: Pick<ToolCall, 'callId' | 'payload' | 'name' | 'namespace'>, context: ToolContext): Promise<ToolOutput>;
}
