import type { ResponseItem } from '../../model/events.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { HookEventName, HookMetadata } from '../../protocol/v2/hooks.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import { uuidv7 } from '../../util/ids.js';
import type { Logger } from '../../util/logger.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import type { ToolCall, ToolOutput } from '../turn-tools/tool-call.js';
import type { PermissionHookDecision, PermissionHookRequest } from '../turn-tools/tool-context.js';
import { backgroundHooksOf } from './background-hooks.js';
import type { HookCommandOptions } from './hook-command.js';
import type { DiscoveredHooks } from './hook-discovery.js';
import { dispatchHooks, type HookInvocation, type HookRunResult } from './hook-dispatch.js';
import { hookEventLabel } from './hook-output.js';

/** The hooks a turn may run, and the extra environment of plugin hooks' commands. */
export type TurnHookSet = Pick<DiscoveredHooks, 'hooks' | 'environments'>;

/**
 * What a turn is given to run hooks: the configured and plugin hooks (read afresh for each turn), and a tenant's
 * jail.
 */
export interface HookDependencies {
  readonly load: () => Promise<TurnHookSet>;
  readonly jail?: HookCommandOptions['jail'];
}

/** What the turn runner lends the hooks: where their effects go. */
export interface TurnHookContext {
  readonly thread: LoadedThread;
  readonly turnId: string;
  readonly signal: AbortSignal;
  readonly env: HookCommandOptions['env'];
  readonly log: Logger;
  /** Adds an item to the model's history and the rollout. */
  readonly recordHistory: (item: ResponseItem) => void;
  /** Keeps a completed, already reported item in the turn (thread/read) and the rollout. */
  readonly keepItem: (item: ThreadItem) => void;
}

/** Threads whose session-start hooks have run in this process: they run at a loaded thread's first turn only. */
const sessionsStarted = new WeakSet<LoadedThread>();

/**
 * The hooks of one turn, event by event, with their effects applied [observed on the reference 0.169.0]:
 * additional context becomes a developer message in the model's history; a blocked tool call answers the model
 * with the hook's reason instead of running; a stop hook that blocks adds a `hookPrompt` item and a user message
 * `<hook_prompt hook_run_id="…">reason</hook_prompt>`, and the turn samples the model again. Every run is
 * reported by `hook/started` and `hook/completed`; a hook that fails or times out is reported and changes nothing.
 */
export class TurnHooks {
  readonly #context: TurnHookContext;
  readonly #hooks: readonly HookMetadata[];
  readonly #environments: TurnHookSet['environments'];
  readonly #jail: HookCommandOptions['jail'];
  /** Set once a stop hook has sent the model back to work: the next stop hooks are told (`stop_hook_active`). */
  #stopHookActive = false;
  /** Tool calls a permissionRequest hook denied: they never ran, so no postToolUse hook runs for them [observed]. */
  readonly #denied = new Set<string>();

  private constructor(context: TurnHookContext, hooks: TurnHookSet, jail: HookCommandOptions['jail']) {
    this.#context = context;
    this.#hooks = hooks.hooks;
    this.#environments = hooks.environments;
    this.#jail = jail;
  }

  /** The turn's hooks; a configuration that cannot be read runs none (hooks/list reports why). */
  static async load(context: TurnHookContext, deps: HookDependencies | undefined): Promise<TurnHooks> {
    let hooks: TurnHookSet = { hooks: [], environments: new Map() };
    try {
      hooks = (await deps?.load()) ?? hooks;
    } catch (error) {
      context.log.warn({ err: error }, 'hooks could not be read; none run this turn');
    }
    return new TurnHooks(context, hooks, deps?.jail);
  }

  /**
   * sessionStart, at the first turn of a loaded thread: `startup` for a new thread, `resume` otherwise. True when a
   * hook answered `continue: false`: the turn then ends at once, before the userPromptSubmit hooks, the user's
   * message and any model request [observed].
   */
  async sessionStart(): Promise<boolean> {
    const thread = this.#context.thread;
    if (sessionsStarted.has(thread)) return false;
    sessionsStarted.add(thread);
    const source = thread.turns.length <= 1 ? 'startup' : 'resume';
    const { turn_id: _turnId, ...input } = this.#input('sessionStart');
    const results = await this.#dispatch({ event: 'sessionStart', input: { ...input, source }, matcherInputs: [source] });
    this.recordContexts(contextsOf(results));
    return results.some((result) => result.verdict.stopped);
  }

  /**
   * userPromptSubmit, before the user's message is recorded: the context to record after it, and whether a hook
   * blocked the prompt (the turn then ends at once, without the message or a model request [observed]).
   */
  async userPromptSubmit(prompt: string): Promise<{ contexts: string[]; blocked: boolean }> {
    const results = await this.#dispatch({
      event: 'userPromptSubmit',
      input: { ...this.#input('userPromptSubmit'), prompt },
      matcherInputs: [],
    });
    const blocked = results.some((result) => result.verdict.stopped || result.verdict.blockReason !== null);
    return { contexts: contextsOf(results), blocked };
  }

  /** Each text as a developer message of the model's history. */
  recordContexts(contexts: readonly string[]): void {
    for (const text of contexts) {
      this.#context.recordHistory({
        type: 'message',
        id: `msg_${uuidv7()}`,
        role: 'developer',
        content: [{ type: 'input_text', text }],
      });
    }
  }

  /**
   * Hands on what the thread's background hooks gave since the last call [observed on the reference 0.169.0]: each
   * `systemMessage` as a `warning` notification, each context as a developer message of the history. True when a
   * context was added: a turn whose model has just answered then asks it again, instead of ending.
   */
  deliverBackgroundOutput(): boolean {
    const { thread } = this.#context;
    const { contexts, warnings } = backgroundHooksOf(thread).take();
    for (const message of warnings) thread.emit(ServerNotifications.warning, { threadId: thread.id, message });
    this.recordContexts(contexts);
    return contexts.length > 0;
  }

  /**
   * preToolUse: the tool's answer when a hook blocks the call; otherwise the call to run, its input rewritten when
   * a hook answered with `updatedInput` (the model's own call stays as it was in the history [observed]).
   */
  async preToolUse(call: ToolCall, hookName: string | null = null): Promise<{ blocked: string } | { call: ToolCall }> {
    const tool = hookedTool(call, hookName);
    if (tool === null) return { call };
    const results = await this.#dispatch({
      event: 'preToolUse',
      input: { ...this.#input('preToolUse'), tool_name: tool.name, tool_input: tool.input, tool_use_id: call.callId },
      matcherInputs: tool.matcherInputs,
      toolUseId: call.callId,
    });
    this.recordContexts(contextsOf(results));
    const reason = results.find((result) => result.verdict.blockReason !== null)?.verdict.blockReason;
    if (typeof reason === 'string') {
      return {
        blocked:
          tool.command === null
            ? `Tool call blocked by PreToolUse hook: ${reason}. Tool: ${tool.name}`
            : `Command blocked by PreToolUse hook: ${reason}. Command: ${tool.command}`,
      };
    }
    if (tool.command === null) return { call };
    const updated = results.findLast((result) => result.verdict.updatedInput !== null)?.verdict.updatedInput;
    return { call: updated === undefined || updated === null ? call : rewrittenCall(call, updated) };
  }

  /** permissionRequest, when a command needs the user's approval: a hook may allow or deny it first. */
  async permissionRequest(request: PermissionHookRequest): Promise<PermissionHookDecision | null> {
    const results = await this.#dispatch({
      event: 'permissionRequest',
      input: {
        ...this.#input('permissionRequest'),
        tool_name: 'Bash',
        tool_input: {
          command: request.command,
          ...(request.justification === null ? {} : { description: request.justification }),
        },
      },
      matcherInputs: ['Bash'],
      toolUseId: request.callId,
    });
    // A denial wins over an approval.
    const denied = results.find((result) => result.verdict.blockReason !== null)?.verdict.blockReason;
    if (typeof denied === 'string') {
      this.#denied.add(request.callId);
      return { allow: false, reason: denied };
    }
    return results.some((result) => result.verdict.allowed) ? { allow: true } : null;
  }

  /**
   * postToolUse, once the tool answered: `response` is what the tool reported for hooks, if not its output. Returns
   * what the model reads instead of the tool's output: the `stopReason` of a hook that answered `continue: false`
   * [observed; the turn goes on], else the output itself.
   */
  async postToolUse(call: ToolCall, output: ToolOutput, hookName: string | null = null, response?: unknown): Promise<ToolOutput> {
    const tool = hookedTool(call, hookName);
    if (tool === null || this.#denied.has(call.callId)) return output;
    const results = await this.#dispatch({
      event: 'postToolUse',
      input: {
        ...this.#input('postToolUse'),
        tool_name: tool.name,
        tool_input: tool.input,
        tool_response: response === undefined ? toolResponse(output) : response,
        tool_use_id: call.callId,
      },
      matcherInputs: tool.matcherInputs,
      toolUseId: call.callId,
    });
    this.recordContexts(contextsOf(results));
    const stop = results
      .filter((result) => result.verdict.stopped)
      .flatMap((result) => result.verdict.entries.filter((entry) => entry.kind === 'stop'))[0];
    return stop === undefined ? output : stop.text;
  }

  /**
   * stop, when the model has answered without calling a tool. True when a hook blocked the stop: its reason is
   * now in the conversation as the user's next message, and the turn must sample the model again.
   */
  async stop(lastAssistantMessage: string | null): Promise<boolean> {
    const results = await this.#dispatch({
      event: 'stop',
      input: {
        ...this.#input('stop'),
        stop_hook_active: this.#stopHookActive,
        last_assistant_message: lastAssistantMessage,
      },
      matcherInputs: [],
    });
    // A hook that stops the turn outright wins over one that asks it to go on.
    if (results.some((result) => result.verdict.stopped)) return false;
    const fragments = results.flatMap((result) =>
      result.verdict.blockReason === null ? [] : [{ text: result.verdict.blockReason, hookRunId: result.runId }],
    );
    if (fragments.length === 0) return false;
    this.#stopHookActive = true;
    const id = `msg_${uuidv7()}`;
    this.#context.recordHistory({
      type: 'message',
      id,
      role: 'user',
      content: fragments.map((fragment) => ({
        type: 'input_text',
        text: `<hook_prompt hook_run_id="${escapeXml(fragment.hookRunId, true)}">${escapeXml(fragment.text)}</hook_prompt>`,
      })),
    });
    const now = Date.now();
    const item: ThreadItem = { type: 'hookPrompt', id, fragments, startedAtMs: now, completedAtMs: null };
    const { thread, turnId } = this.#context;
    thread.emit(ServerNotifications.itemStarted, { item, threadId: thread.id, turnId, startedAtMs: now });
    const completed: ThreadItem = { ...item, completedAtMs: now };
    thread.emit(ServerNotifications.itemCompleted, {
      item: completed,
      threadId: thread.id,
      turnId,
      contentTokenCount: null,
      completedAtMs: now,
    });
    this.#context.keepItem(completed);
    return true;
  }

  /** preCompact and postCompact around a compaction of this turn. */
  async aroundCompaction(trigger: 'manual' | 'auto', compact: () => Promise<void>): Promise<void> {
    const input = (event: HookEventName) => {
      const { permission_mode: _mode, ...common } = this.#input(event);
      return { ...common, trigger };
    };
    await this.#dispatch({ event: 'preCompact', input: input('preCompact'), matcherInputs: [trigger] });
    await compact();
    await this.#dispatch({ event: 'postCompact', input: input('postCompact'), matcherInputs: [trigger] });
  }

  async #dispatch(invocation: HookInvocation): Promise<HookRunResult[]> {
    if (!this.#hooks.some((hook) => hook.eventName === invocation.event)) return [];
    const { thread, turnId, signal, env } = this.#context;
    const notify = { threadId: thread.id, turnId };
    return dispatchHooks(
      {
        hooks: this.#hooks,
        environments: this.#environments,
        cwd: thread.settings.cwd,
        env,
        jail: this.#jail,
        signal,
        started: (run) => thread.emit(ServerNotifications.hookStarted, { ...notify, run }),
        completed: (run) => thread.emit(ServerNotifications.hookCompleted, { ...notify, run }),
        startInBackground: (event, options) => backgroundHooksOf(thread).start(event, options),
      },
      invocation,
    );
  }

  /** The fields every hook input starts with, in the reference's order. */
  #input(event: HookEventName): Record<string, unknown> {
    const { thread, turnId } = this.#context;
    return {
      session_id: thread.id,
      turn_id: turnId,
      transcript_path: thread.rolloutPath,
      cwd: thread.settings.cwd,
      hook_event_name: hookEventLabel(event),
      model: thread.settings.model,
      // Claude Code's names for the approval policy: `never` asks nothing, anything else asks as configured.
      permission_mode: thread.settings.approvalPolicy === 'never' ? 'bypassPermissions' : 'default',
    };
  }
}

/**
 * The tools hooks see, by the names the reference gives them: Claude Code's `Bash` for the shell, `apply_patch`, and
 * the tools whose handler names them for hooks (`hookName`: MCP tools, a client's tools). `command` is the shell
 * command or patch a hook may rewrite, null for the other tools, whose input hooks see as the call's arguments.
 */
function hookedTool(
  call: ToolCall,
  hookName: string | null,
): { name: string; matcherInputs: string[]; input: unknown; command: string | null } | null {
  if (hookName !== null) return { name: hookName, matcherInputs: [hookName], input: argumentsOf(call.payload), command: null };
  if (call.namespace !== null) return null;
  if (call.name === 'exec_command' && call.kind === 'function') {
    const command = stringArgument(call.payload, 'cmd');
    return command === null ? null : { name: 'Bash', matcherInputs: ['Bash'], input: { command }, command };
  }
  if (call.name === 'apply_patch') {
    const patch = call.kind === 'custom' ? call.payload : stringArgument(call.payload, 'input');
    if (patch === null) return null;
    return { name: 'apply_patch', matcherInputs: ['apply_patch', 'Write', 'Edit'], input: { command: patch }, command: patch };
  }
  return null;
}

/** A call's JSON arguments as hooks see them (`{}` when they do not parse). */
function argumentsOf(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return {};
  }
}

/** `call` with the command (or patch) a preToolUse hook gave in `updatedInput.command`. */
function rewrittenCall(call: ToolCall, updated: Record<string, unknown>): ToolCall {
  const command = updated['command'];
  if (typeof command !== 'string') return call;
  if (call.kind === 'custom') return { ...call, payload: command };
  let args: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(call.payload);
    if (typeof parsed === 'object' && parsed !== null) args = parsed as Record<string, unknown>;
  } catch {
    return call;
  }
  return { ...call, payload: JSON.stringify({ ...args, [call.name === 'apply_patch' ? 'input' : 'cmd']: command }) };
}

/** A string field of a function call's JSON arguments, or null. */
function stringArgument(payload: string, key: string): string | null {
  const args = argumentsOf(payload);
  const value = typeof args === 'object' && args !== null ? (args as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : null;
}

/** What a hook sees of a tool's answer: a command's own output, without the header the model reads. */
function toolResponse(output: ToolOutput): string {
  if (typeof output !== 'string') return JSON.stringify(output);
  const marker = '\nOutput:\n';
  const at = output.indexOf(marker);
  return at === -1 ? output : output.slice(at + marker.length);
}

function contextsOf(results: readonly HookRunResult[]): string[] {
  return results.flatMap((result) => result.verdict.contexts);
}

/** XML escaping as the reference escapes the hook prompt [observed: `"` is left alone in the text]. */
function escapeXml(text: string, attribute = false): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attribute ? escaped.replace(/"/g, '&quot;') : escaped;
}
