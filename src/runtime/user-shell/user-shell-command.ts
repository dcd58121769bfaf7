import { randomUUID } from 'node:crypto';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { Turn } from '../../protocol/v2/turn.js';
import type { ResponseItem } from '../../model/events.js';
import type { RolloutItem } from '../../persistence/rollout-schema.js';
import { shlexJoin } from '../../tools/policy/shlex.js';
import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import type { SandboxSupport } from '../../tools/sandbox/detect-bubblewrap.js';
import { sandboxCommand } from '../../tools/sandbox/sandbox-command.js';
import { uuidv7 } from '../../util/ids.js';
import { coreCommandExecution } from '../rollout/core-dialect/core-command-items.js';
import { newActiveTurn } from '../threads/loaded-thread.js';
import type { ActiveTurn, LoadedThread } from '../threads/loaded-thread.js';
import { appendToRollout, flushRollout } from '../rollout/rollout-append.js';
import * as records from '../rollout/rollout-records.js';
import type { TurnDependencies } from '../turns/turn-dependencies.js';
import { startedTurnView } from '../turns/turn-views.js';
import { recordUserMessage } from '../turns/user-message-record.js';
import { runShellCommand, userShellArgv } from './shell-process.js';
import type { ShellOutcome } from './shell-process.js';
import { userShellRecord } from './shell-record.js';

type CommandItem = Extract<ThreadItem, { type: 'commandExecution' }>;

export interface UserShellRequest {
  readonly command: string;
  readonly timeoutMs: number;
  /**
   * A tenant's jail (tools/sandbox/command-jail.ts). The user's command skips the thread's sandbox, never the
   * jail: a tenant's `!` command sees only the tenant's world, as the model's commands do.
   */
  readonly jail?: CommandJail | undefined;
  readonly sandboxSupport: Promise<SandboxSupport>;
}

/**
 * thread/shellCommand after its `{}` answer. Observed from the reference 0.169.0:
 * - on an idle thread the command is a turn of its own: `thread/status/changed active` → `turn/started` →
 *   `item/started` (a `commandExecution` of source `userShell`, no process id, the command as the shell runs it,
 *   one `unknown` action with the user's text) → `item/commandExecution/outputDelta`* → `item/completed`
 *   (`completed` for exit code 0, else `failed`) → `thread/status/changed idle` → `turn/completed` (no items, no
 *   token usage: the model is not asked);
 * - input sent meanwhile (turn/steer, turn/start) joins the command's turn as user messages, without a model request;
 * - while a turn runs the item belongs to that turn, and the result joins the conversation at the turn's next
 *   sampling point, which it triggers (the model hears what the user ran before it finishes);
 * - either way the model sees the command and its output in its next request (shell-record.ts).
 */
export function runUserShellCommand(
  thread: LoadedThread,
  request: UserShellRequest,
  deps: TurnDependencies,
  afterResponse: (task: () => void) => void,
): void {
  afterResponse(() => {
    const running = thread.activeTurn;
    const task =
      running === null ? shellTurn(thread, request, deps) : inRunningTurn(thread, running, request, deps);
    task.catch((error: unknown) => deps.log.error({ err: error, threadId: thread.id }, 'shell command failed'));
  });
}

/** The command inside a running turn: its item in that turn, its record handed to the runner. */
async function inRunningTurn(
  thread: LoadedThread,
  active: ActiveTurn,
  request: UserShellRequest,
  deps: TurnDependencies,
): Promise<void> {
  const turn = thread.turns.find((candidate) => candidate.id === active.turnId);
  const { record } = await runAsItem(thread, active.turnId, request, deps, active.abort.signal, turn);
  active.pendingHistory.push(record);
  await active.done;
  // The turn ended before it could take the record: it goes straight into the history.
  const left = active.pendingHistory.indexOf(record);
  if (left >= 0) {
    active.pendingHistory.splice(left, 1);
    thread.history.push(record);
    persist(thread, deps, recordLine(record, active.turnId));
  }
}

/** The command as a turn of its own, on an idle thread. */
async function shellTurn(thread: LoadedThread, request: UserShellRequest, deps: TurnDependencies): Promise<void> {
  const turnId = uuidv7();
  const { active, finished } = newActiveTurn(turnId);
  thread.activeTurn = active;
  const startedAtMs = Date.now();
  const turn: Turn = {
    ...startedTurnView(turnId),
    itemsView: 'full',
    startedAt: Math.floor(startedAtMs / 1000),
  };
  try {
    thread.turns.push(turn);
    thread.setStatus({ type: 'active', activeFlags: [] });
    const announced = () => ({ ...turn, items: [], itemsView: 'notLoaded' as const });
    thread.emit(ServerNotifications.turnStarted, { threadId: thread.id, turn: announced() });
    persist(thread, deps, records.taskStarted(turnId, startedAtMs, deps.modelContextWindow));
    const { record } = await runAsItem(thread, turnId, request, deps, active.abort.signal, turn);
    thread.history.push(record);
    persist(thread, deps, recordLine(record, turnId));
    // Input sent with turn/steer or turn/start meanwhile joined this turn: it is recorded, and the model is not
    // asked; it reads the input with the next turn [observed on the reference 0.169.0].
    for (const steer of active.pendingSteers.splice(0)) {
      const clientId = steer.clientUserMessageId;
      await recordUserMessage(thread, turn, steer.input, clientId, (line) => persist(thread, deps, line));
    }
    const completedAtMs = Date.now();
    persist(thread, deps, records.taskComplete(turnId, startedAtMs, completedAtMs, null));
    Object.assign(turn, {
      status: 'completed',
      completedAt: Math.floor(completedAtMs / 1000),
      durationMs: completedAtMs - startedAtMs,
    });
    thread.updatedAtMs = completedAtMs;
    await flush(thread, deps);
    thread.setStatus({ type: 'idle' });
    thread.emit(ServerNotifications.turnCompleted, { threadId: thread.id, turn: announced() });
  } finally {
    if (thread.activeTurn === active) thread.activeTurn = null;
    finished();
  }
  deps.onTurnFinished(thread);
}

/** Runs the command reported as a `commandExecution` item of `turnId`; returns the record for the model. */
async function runAsItem(
  thread: LoadedThread,
  turnId: string,
  request: UserShellRequest,
  deps: TurnDependencies,
  signal: AbortSignal,
  turn: Turn | undefined,
): Promise<{ outcome: ShellOutcome; record: ResponseItem }> {
  const { command, timeoutMs } = request;
  const cwd = thread.settings.cwd;
  const argv = userShellArgv(command, deps.env);
  const startedAtMs = Date.now();
  const base = startedItem(randomUUID(), argv, cwd, command, startedAtMs);
  thread.emit(ServerNotifications.itemStarted, { item: base, threadId: thread.id, turnId, startedAtMs });
  const outcome = await runShellCommand(argv, {
    command,
    cwd,
    env: deps.env,
    timeoutMs,
    signal,
    ...(request.jail === undefined ? {} : { prepare: jailed(request.jail, request.sandboxSupport) }),
    onOutput: (delta) =>
      thread.emit(ServerNotifications.commandExecutionOutputDelta, {
        threadId: thread.id,
        turnId,
        itemId: base.id,
        delta,
      }),
  });
  const completedAtMs = Date.now();
  const item: CommandItem = {
    ...base,
    status: outcome.exitCode === 0 ? 'completed' : 'failed',
    aggregatedOutput: outcome.aggregatedOutput === '' ? null : outcome.aggregatedOutput,
    exitCode: outcome.exitCode,
    durationMs: outcome.durationMs,
    completedAtMs,
  };
  thread.emit(ServerNotifications.itemCompleted, {
    item,
    threadId: thread.id,
    turnId,
    contentTokenCount: null,
    completedAtMs,
  });
  turn?.items.push(item);
  persist(thread, deps, {
    type: 'event_msg',
    payload: {
      type: 'item_completed',
      thread_id: thread.id,
      turn_id: turnId,
      item: coreCommandExecution(item, argv),
      started_at_ms: startedAtMs,
      completed_at_ms: completedAtMs,
    },
  });
  return { outcome, record: userShellRecord(command, outcome.exitCode, outcome.durationMs, outcome.aggregatedOutput) };
}

/** Runs the command inside the tenant's jail, with full access within it. */
function jailed(jail: CommandJail, support: Promise<SandboxSupport>) {
  return async (argv: readonly string[], cwd: string) =>
    sandboxCommand(argv, { policy: { type: 'dangerFullAccess' }, cwd, policyCwd: cwd, support: await support, jail });
}

function startedItem(id: string, argv: readonly string[], cwd: string, command: string, startedAtMs: number): CommandItem {
  return {
    type: 'commandExecution',
    id,
    pluginId: null,
    scriptPath: null,
    command: shlexJoin(argv),
    cwd,
    processId: null,
    source: 'userShell',
    status: 'inProgress',
    // The reference does not parse the user's command: one `unknown` action with the text as typed.
    commandActions: [{ type: 'unknown', command }],
    aggregatedOutput: null,
    exitCode: null,
    durationMs: null,
    startedAtMs,
    completedAtMs: null,
  };
}

/** The rollout copy of the record carries its turn and kind, as the reference's does. */
function recordLine(record: ResponseItem, turnId: string): RolloutItem {
  return records.responseItem({
    ...record,
    internal_chat_message_metadata_passthrough: { turn_id: turnId, content_item_kinds: ['shell.user_command'] },
  });
}

function persist(thread: LoadedThread, deps: TurnDependencies, line: RolloutItem): void {
  appendToRollout(thread, deps.log, line);
}

function flush(thread: LoadedThread, deps: TurnDependencies): Promise<void> {
  return flushRollout(thread, deps.log, deps.onPersisted);
}
