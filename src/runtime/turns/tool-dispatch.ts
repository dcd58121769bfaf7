import type { RolloutItem } from '../../persistence/rollout-schema.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { Logger } from '../../util/logger.js';
import type { TurnHooks } from '../hooks/turn-hooks.js';
import type { ActiveTurn, LoadedThread } from '../threads/loaded-thread.js';
import type { ToolCall } from '../turn-tools/tool-call.js';
import type { ToolContext, ToolHandler, ToolOutput } from '../turn-tools/tool-context.js';

/** What a turn lends its tool calls: the thread, the turn, its rollout and its hooks. */
export interface ToolDispatchContext {
  readonly thread: LoadedThread;
  readonly active: ActiveTurn;
  /** The tools the turn offers; a call goes to the one named by its namespace, else by its name. */
  readonly tools: readonly ToolHandler[];
  /** The turn's configured hooks (hooks/turn-hooks.ts); null when none were loaded. */
  readonly hooks: TurnHooks | null;
  readonly log: Logger;
  /** Appends a line to the thread's rollout. */
  readonly persist: (item: RolloutItem) => void;
  /** Keeps a completed (already reported) item in the turn and its rollout. */
  readonly keepItem: (item: ThreadItem) => void;
}

/**
 * Runs the tool calls of one turn: finds each call's handler, runs it between the preToolUse and postToolUse hooks,
 * and turns whatever happens into the text the model is answered with. Split from the turn runner so the agent
 * loop reads as sampling and answering, and a tool's failure handling lives in one place.
 */
export class ToolDispatch {
  readonly #context: ToolDispatchContext;

  constructor(context: ToolDispatchContext) {
    this.#context = context;
  }

  /** The output of `call`, after the preToolUse hooks (which may answer for the tool) and the postToolUse hooks. */
  async run(call: ToolCall): Promise<ToolOutput> {
    const hooks = this.#context.hooks;
    const hookName = this.#handlerOf(call)?.hookToolName?.(call) ?? null;
    const hooked = (await hooks?.preToolUse(call, hookName)) ?? { call };
    if ('blocked' in hooked) return hooked.blocked;
    let response: unknown;
    const output = await this.#runTool(hooked.call, (value) => (response = value));
    return (await hooks?.postToolUse(hooked.call, output, hookName, response)) ?? output;
  }

  /** The handler a call goes to: a namespaced call to its namespace's handler, which knows its tools. */
  #handlerOf(call: ToolCall): ToolHandler | undefined {
    return this.#context.tools.find((tool) => tool.name === (call.namespace ?? call.name));
  }

  /** The text a tool call answers the model with. Tool failures are answers too; only aborts end the turn. */
  async #runTool(call: ToolCall, hookResponse: (response: unknown) => void): Promise<ToolOutput> {
    const { thread, active, hooks, log } = this.#context;
    const handler = this.#handlerOf(call);
    // The reference's answer to a call of a tool it does not offer (or a hosted one only the API runs).
    if (handler?.handle === undefined) return `unsupported call: ${call.namespace ?? ''}${call.name}`;
    const context: ToolContext = {
      thread,
      turnId: active.turnId,
      signal: active.abort.signal,
      persist: (item) => this.#context.persist(item),
      recordItem: (item) => this.#context.keepItem(item),
      interruptTurn: () => active.abort.abort(new Error('cancelled by the user')),
      log,
      ...(hooks === null ? {} : { permissionHooks: hooks.permissionRequest.bind(hooks) }),
      hookResponse,
    };
    try {
      return await handler.handle(call, context);
    } catch (error) {
      if (active.abort.signal.aborted) throw active.abort.signal.reason;
      log.error({ err: error, tool: call.name }, 'tool failed');
      return `${call.name} failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
