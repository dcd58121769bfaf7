import type { RolloutItem } from '../../persistence/rollout-schema.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { Logger } from '../../util/logger.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import type { ToolCall } from './tool-call.js';

/** What a tool handler gets for one call, from the turn that runs it. */
export interface ToolContext {
  readonly thread: LoadedThread;
  readonly turnId: string;
  /** Aborts when the turn is interrupted or the server shuts down. */
  readonly signal: AbortSignal;
  /** Appends to the thread's rollout (no-op for ephemeral threads). */
  persist(item: RolloutItem): void;
  /** Adds a completed item to the turn as thread/read shows it, and to the rollout. */
  recordItem(item: ThreadItem): void;
  /** Ends the turn as interrupted after this call (an approval answered `cancel`). */
  interruptTurn(): void;
  readonly log: Logger;
  /**
   * Runs the permissionRequest hooks before the client is asked to approve a command: they may allow it, deny it
   * (with a reason for the model), or leave the question to the client (null).
   */
  readonly permissionHooks?: (request: PermissionHookRequest) => Promise<PermissionHookDecision | null>;
  /**
   * Tells the postToolUse hooks what the tool answered when they see more than the model does (an MCP tool's whole
   * result, where the model reads its rendering).
   */
  readonly hookResponse?: (response: unknown) => void;
}

/** A command about to need the user's approval, as permissionRequest hooks see it. */
export interface PermissionHookRequest {
  readonly callId: string;
  readonly command: string;
  /** The model's reason for asking (`justification`). */
  readonly justification: string | null;
}

export type PermissionHookDecision = { readonly allow: true } | { readonly allow: false; readonly reason: string };

/** A part of a tool's answer when it is more than text (view_image answers with the image itself). */
export type ToolOutputContent =
  | { readonly type: 'input_text'; readonly text: string }
  | { readonly type: 'input_image'; readonly image_url: string; readonly detail: 'original' | 'high' | 'low' | 'auto' };

/**
 * What the model gets back from a tool call: text, or content parts (an image, an MCP result's parts), or for
 * `tool_search` the tools it found.
 */
export type ToolOutput = string | readonly ToolOutputContent[] | readonly Readonly<Record<string, unknown>>[];

/**
 * One tool (or one namespace of tools, named like the namespace): its spec for the model and its implementation.
 * A hosted tool (web_search, run by the Responses API itself) has a spec and no implementation: the model never
 * calls it through us.
 */
export interface ToolHandler {
  readonly name: string;
  /** The Responses-API tool JSON sent in every request; null leaves the tool out of this request. */
  spec(): Record<string, unknown> | null;
  /** Awaited before a turn's first request (an MCP server's start-up). */
  ready?(): Promise<void>;
  handle?(call: Pick<ToolCall, 'callId' | 'payload' | 'name' | 'namespace'>, context: ToolContext): Promise<ToolOutput>;
  /**
   * The name preToolUse and postToolUse hooks know `call` by (and match against), for the tools hooks see beyond
   * the shell and apply_patch; null (or absent) when hooks do not see the call.
   */
  hookToolName?(call: Pick<ToolCall, 'name' | 'namespace'>): string | null;
}
