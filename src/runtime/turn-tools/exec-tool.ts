import { ServerNotifications, ServerRequests } from '../../protocol/registry.js';
import type { CommandExecutionApprovalDecision } from '../../protocol/v2/approvals.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { SandboxPolicy } from '../../protocol/v2/policies.js';
import { parseExecCommandArguments, parseWriteStdinArguments } from '../../tools/exec/arguments.js';
import type { ExecCommandArgs } from '../../tools/exec/arguments.js';
import { commandLine } from '../../tools/exec/command-line.js';
import { UnifiedExecError } from '../../tools/exec/errors.js';
import { UnifiedExecManager } from '../../tools/exec/manager.js';
import type { ExecExited, PrepareCommand } from '../../tools/exec/manager.js';
import {
  EXEC_COMMAND_TOOL_NAME,
  WRITE_STDIN_TOOL_NAME,
  execCommandToolSpec,
  writeStdinToolSpec,
} from '../../tools/exec/tool-specs.js';
import {
  approvalRequirement,
  commandAvailableDecisions,
  sessionApprovalKey,
} from '../../tools/policy/command-approval.js';
import type { SandboxPermissions } from '../../tools/policy/command-approval.js';
import { parseCommandActions } from '../../tools/policy/parse-command.js';
import type { PrefixRule } from '../../tools/policy/prefix-rules.js';
import { shlexJoin } from '../../tools/policy/shlex.js';
import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import type { SandboxSupport } from '../../tools/sandbox/detect-bubblewrap.js';
import { SandboxUnavailableError } from '../../tools/sandbox/errors.js';
import { sandboxCommand } from '../../tools/sandbox/sandbox-command.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { askSubscribers } from '../clients/user-requests.js';
import type { ToolContext, ToolHandler } from './tool-context.js';

/**
 * `exec_command` and `write_stdin`: commands run through the user's shell in the thread's sandbox, asking the
 * client first when the approval policy says so. One per thread: it keeps the running terminal sessions and what
 * the user approved for the rest of the thread (`acceptForSession`, approved prefix rules).
 *
 * Item lifecycle [observed on the reference]: without approval, `item/started` (source `unifiedExecStartup`, with
 * the process id) → `item/commandExecution/outputDelta`* → `item/completed` (completed or failed, with output,
 * exit code and duration) once the process exits, which may be after the call returned (a session). With
 * approval: `thread/status/changed active["waitingOnApproval"]` → `item/started` (source `agent`, no process) →
 * the request → `serverRequest/resolved` → accepted: `active[]`, then the run; declined: `item/completed`
 * `declined`, then `active[]`.
 */
export class ExecTools {
  readonly #thread: LoadedThread;
  /** Whether commands can be sandboxed here: asked when the first command runs (the probe spawns bwrap). */
  readonly #sandbox: () => Promise<SandboxSupport>;
  /** A tenant's jail: every command runs in bubblewrap, seeing only the tenant's world. */
  readonly #jail: CommandJail | undefined;
  readonly #manager: UnifiedExecManager;
  readonly #sessionApprovals = new Set<string>();
  readonly #allowedPrefixes: PrefixRule[] = [];
  /** Which turn and item a running session's output belongs to, by process id. */
  readonly #sessions = new Map<number, { turnId: string; itemId: string }>();
  /** Sessions whose `exec_command` call returned while they kept running, by process id. */
  readonly #background = new Map<number, BackgroundSession>();
  /** Background sessions a client terminated: their items report exit code -1, as the reference's do. */
  readonly #terminated = new Set<number>();

  constructor(thread: LoadedThread, sandbox: () => Promise<SandboxSupport>, jail?: CommandJail) {
    this.#thread = thread;
    this.#sandbox = sandbox;
    this.#jail = jail;
    this.#manager = new UnifiedExecManager({ threadId: thread.id });
    thread.onUnload(() => this.#manager.terminateAll());
  }

  /** The sessions left running after their `exec_command` call returned, by ascending process id. */
  backgroundSessions(): BackgroundSession[] {
    return [...this.#background.values()].sort((a, b) => a.processId - b.processId);
  }

  /**
   * Kills one background session; its item then completes `failed` with exit code -1, as the reference's does.
   * False when no background session has this process id.
   */
  terminateBackgroundSession(processId: number): boolean {
    if (!this.#background.has(processId) || !this.#manager.terminate(processId)) return false;
    this.#terminated.add(processId);
    return true;
  }

  get handlers(): ToolHandler[] {
    return [
      { name: EXEC_COMMAND_TOOL_NAME, spec: () => execCommandToolSpec(), handle: (call, context) => this.#exec(call, context) },
      { name: WRITE_STDIN_TOOL_NAME, spec: writeStdinToolSpec, handle: (call, context) => this.#writeStdin(call, context) },
    ];
  }

  async #exec(call: { callId: string; payload: string }, context: ToolContext): Promise<string> {
    const parsed = parseExecCommandArguments(call.payload);
    if (!parsed.ok) return parsed.message;
    const args = parsed.value;
    const permissions = sandboxPermissionsOf(args);
    if (args.justification != null && args.sandbox_permissions == null) {
      // The reference's answer (0.169): a justification only makes sense with an escalation request.
      return (
        '`justification` requires an explicit `sandbox_permissions`; use `sandbox_permissions: "require_escalated"` ' +
        'for unsandboxed execution, or omit `justification`.'
      );
    }
    const settings = this.#thread.settings;
    const line = commandLine(args, { threadCwd: settings.cwd });
    if (!line.ok) return line.message;
    const { argv, cwd } = line;
    const requirement = approvalRequirement({
      argv,
      approvalPolicy: settings.approvalPolicy,
      sandboxPolicy: settings.sandboxPolicy,
      sandboxPermissions: permissions,
      prefixRule: args.prefix_rule ?? undefined,
      allowedPrefixes: this.#allowedPrefixes,
      sessionApprovals: this.#sessionApprovals,
      cwd,
    });
    if (requirement.type === 'forbidden') return rejection(requirement.reason);

    const item = commandItem(call.callId, argv, cwd);
    let bypassSandbox = requirement.bypassSandbox;
    let announced = false;
    // permissionRequest hooks answer before the user is asked, and may spare the question [observed on 0.169.0].
    const hooked =
      requirement.type === 'ask'
        ? await context.permissionHooks?.({ callId: call.callId, command: args.cmd, justification: args.justification ?? null })
        : undefined;
    if (hooked?.allow === false) return rejection(hooked.reason);
    if (requirement.type === 'ask' && hooked?.allow !== true) {
      const thread = this.#thread;
      thread.holdFlag('waitingOnApproval');
      let released = false;
      const release = () => {
        if (!released) thread.releaseFlag('waitingOnApproval');
        released = true;
      };
      try {
        const startedAtMs = Date.now();
        this.#emitStarted(context, { ...item, startedAtMs });
        announced = true;
        const outcome = await askSubscribers(
          thread,
          ServerRequests.commandExecutionRequestApproval,
          {
            kind: 'command',
            threadId: thread.id,
            turnId: context.turnId,
            itemId: call.callId,
            startedAtMs,
            environmentId: 'local',
            reason: args.justification ?? null,
            command: item.command,
            cwd,
            commandActions: item.commandActions,
            proposedExecpolicyAmendment:
              requirement.proposedExecpolicyAmendment === null ? null : [...requirement.proposedExecpolicyAmendment],
            ...(experimentalSubscribers(thread)
              ? { availableDecisions: commandAvailableDecisions(requirement.proposedExecpolicyAmendment) }
              : {}),
          },
          context.signal,
        );
        const decision: CommandExecutionApprovalDecision =
          outcome.kind === 'answered' ? outcome.result.decision : outcome.kind === 'aborted' ? 'cancel' : 'decline';
        if (!isAcceptance(decision)) {
          this.#emitCompleted(context, { ...item, status: 'declined', startedAtMs, completedAtMs: Date.now() });
          release();
          if (decision === 'cancel' && outcome.kind !== 'aborted') context.interruptTurn();
          context.signal.throwIfAborted();
          return rejection('rejected by user');
        }
        if (decision === 'acceptForSession') this.#sessionApprovals.add(sessionApprovalKey(argv, cwd, permissions));
        if (typeof decision === 'object' && 'acceptWithExecpolicyAmendment' in decision) {
          this.#allowedPrefixes.push(decision.acceptWithExecpolicyAmendment.execpolicy_amendment);
        }
        bypassSandbox = requirement.bypassSandbox;
      } finally {
        release();
      }
    }
    return this.#run(call.callId, args, argv, cwd, bypassSandbox, announced, context);
  }

  async #run(
    callId: string,
    args: ExecCommandArgs,
    argv: readonly string[],
    cwd: string,
    bypassSandbox: boolean,
    announced: boolean,
    context: ToolContext,
  ): Promise<string> {
    const thread = this.#thread;
    const support = await this.#sandbox();
    const policy: SandboxPolicy = bypassSandbox ? { type: 'dangerFullAccess' } : thread.settings.sandboxPolicy;
    let releaseSandbox: () => void = () => {};
    const prepare: PrepareCommand = (command, commandCwd) => {
      const sandboxed = sandboxCommand(command, {
        policy,
        cwd: commandCwd,
        policyCwd: thread.settings.cwd,
        support,
        jail: this.#jail,
      });
      releaseSandbox = () => sandboxed.release();
      return { file: sandboxed.file, args: sandboxed.args };
    };
    const base = commandItem(callId, argv, cwd);
    let startedAtMs = Date.now();
    try {
      const result = await this.#manager.execCommand({
        argv,
        cwd,
        tty: args.tty ?? false,
        ...(args.yield_time_ms === undefined ? {} : { yieldTimeMs: args.yield_time_ms }),
        maxOutputTokens: args.max_output_tokens ?? null,
        callId,
        prepare,
        signal: context.signal,
        onStarted: (started) => {
          this.#sessions.set(started.processId, { turnId: context.turnId, itemId: callId });
          if (announced) return;
          startedAtMs = Date.now();
          this.#emitStarted(context, {
            ...base,
            processId: String(started.processId),
            source: 'unifiedExecStartup',
            startedAtMs,
          });
        },
        onOutput: (chunk) => {
          thread.emit(ServerNotifications.commandExecutionOutputDelta, {
            threadId: thread.id,
            turnId: context.turnId,
            itemId: callId,
            delta: chunk,
          });
        },
        onExit: (exited) => {
          releaseSandbox();
          this.#sessions.delete(exited.processId);
          this.#background.delete(exited.processId);
          const killed = this.#terminated.delete(exited.processId);
          this.#emitCompleted(context, completedItem(base, killed ? { ...exited, exitCode: -1 } : exited, startedAtMs));
        },
      });
      // Still running, and not reported as exited meanwhile: a background terminal from now on.
      if (result.running && this.#sessions.has(result.processId)) {
        this.#background.set(result.processId, { processId: result.processId, itemId: callId, command: args.cmd, cwd });
      }
      return result.text;
    } catch (error) {
      releaseSandbox();
      if (context.signal.aborted) throw context.signal.reason;
      const message = error instanceof UnifiedExecError ? error.modelText('exec_command') : String(error);
      if (!announced) this.#emitStarted(context, { ...base, startedAtMs });
      // A refusal for want of a sandbox says why and how to fix it, to the model and, as the item's output, to the
      // user, who is the one able to install bubblewrap.
      const refusal = error instanceof SandboxUnavailableError ? error.message : null;
      this.#emitCompleted(context, {
        ...base,
        status: 'failed',
        ...(refusal === null ? {} : { aggregatedOutput: refusal }),
        startedAtMs,
        completedAtMs: Date.now(),
      });
      if (refusal !== null) return `exec_command failed: ${refusal}`;
      return error instanceof UnifiedExecError ? message : `exec_command failed: ${message}`;
    }
  }

  async #writeStdin(call: { callId: string; payload: string }, context: ToolContext): Promise<string> {
    const parsed = parseWriteStdinArguments(call.payload);
    if (!parsed.ok) return parsed.message;
    const args = parsed.value;
    const session = this.#sessions.get(args.session_id);
    if (session !== undefined && args.chars) {
      this.#thread.emit(ServerNotifications.terminalInteraction, {
        threadId: this.#thread.id,
        turnId: session.turnId,
        itemId: session.itemId,
        processId: String(args.session_id),
        stdin: args.chars,
      });
    }
    try {
      const result = await this.#manager.writeStdin({
        sessionId: args.session_id,
        chars: args.chars ?? null,
        yieldTimeMs: args.yield_time_ms ?? null,
        maxOutputTokens: args.max_output_tokens ?? null,
        signal: context.signal,
      });
      return result.text;
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason;
      if (error instanceof UnifiedExecError) return error.modelText('write_stdin');
      throw error;
    }
  }

  #emitStarted(context: ToolContext, item: CommandItem): void {
    this.#thread.emit(ServerNotifications.itemStarted, {
      item,
      threadId: this.#thread.id,
      turnId: context.turnId,
      startedAtMs: item.startedAtMs ?? Date.now(),
    });
  }

  #emitCompleted(context: ToolContext, item: CommandItem): void {
    this.#thread.emit(ServerNotifications.itemCompleted, {
      item,
      threadId: this.#thread.id,
      turnId: context.turnId,
      completedAtMs: item.completedAtMs ?? Date.now(),
    });
  }
}

/** A terminal session that outlived its `exec_command` call: the command as the model wrote it, and where. */
export interface BackgroundSession {
  readonly processId: number;
  /** The `commandExecution` item that started it. */
  readonly itemId: string;
  readonly command: string;
  readonly cwd: string;
}

type CommandItem = Extract<ThreadItem, { type: 'commandExecution' }>;

/** The item of a command that has not started running (what an approval request shows). */
function commandItem(callId: string, argv: readonly string[], cwd: string): CommandItem {
  return {
    type: 'commandExecution',
    id: callId,
    pluginId: null,
    scriptPath: null,
    command: shlexJoin(argv),
    cwd,
    processId: null,
    source: 'agent',
    status: 'inProgress',
    commandActions: parseCommandActions(argv, cwd),
    aggregatedOutput: null,
    exitCode: null,
    durationMs: null,
    startedAtMs: null,
    completedAtMs: null,
  };
}

function completedItem(base: CommandItem, exited: ExecExited, startedAtMs: number): CommandItem {
  return {
    ...base,
    processId: String(exited.processId),
    source: 'unifiedExecStartup',
    status: exited.exitCode === 0 ? 'completed' : 'failed',
    aggregatedOutput: exited.aggregatedOutput === '' ? null : exited.aggregatedOutput,
    exitCode: exited.exitCode,
    durationMs: Math.round(exited.durationMs),
    startedAtMs,
    completedAtMs: Date.now(),
  };
}

function sandboxPermissionsOf(args: ExecCommandArgs): SandboxPermissions {
  return args.sandbox_permissions === 'require_escalated' ? 'require_escalated' : 'use_default';
}

function isAcceptance(decision: CommandExecutionApprovalDecision): boolean {
  return decision === 'accept' || decision === 'acceptForSession' || typeof decision === 'object';
}

/** What the model is told when a command is not run (the reference's wording, Rust debug formatting included). */
function rejection(reason: string): string {
  return `exec_command failed: CreateProcess { message: "Rejected(\\"${reason}\\")" }`;
}

/**
 * `availableDecisions` is an experimental field: the reference sends it only to clients that opted in. With
 * several subscribers the request is the same for all, so it is sent when every subscriber opted in.
 */
function experimentalSubscribers(thread: LoadedThread): boolean {
  const channels = thread.subscriberChannels();
  return channels.length > 0 && channels.every((channel) => channel.experimentalApi);
}
