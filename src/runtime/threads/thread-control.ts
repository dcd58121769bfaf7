import type { ResponseItem } from '../../model/events.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadGoal } from '../../protocol/v2/goals.js';
import type { ReviewTarget } from '../../protocol/v2/review.js';
import type { Turn } from '../../protocol/v2/turn.js';
import type { ThreadSettingsUpdateParams } from '../../protocol/v2/thread-settings-update.js';
import type { UserInput } from '../../protocol/v2/user-input.js';
import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import type { SandboxSupport } from '../../tools/sandbox/detect-bubblewrap.js';
import type { Logger } from '../../util/logger.js';
import type { ClientChannel } from '../clients/client-channel.js';
import type { GoalChange, GoalStore } from '../goals/goal-store.js';
import { goalContinuationContext } from '../goals/goal-continuation.js';
import { withMessageId } from '../context/item-ids.js';
import { startReview } from '../review/review-turn.js';
import { announceGoal } from '../turn-tools/goal-tools.js';
import { DEFAULT_SHELL_TIMEOUT_MS } from '../user-shell/shell-process.js';
import { runUserShellCommand } from '../user-shell/user-shell-command.js';
import type { TurnDependencies } from '../turns/turn-dependencies.js';
import { TurnRequestError } from '../turns/turn-request-error.js';
import { startTurn } from '../turns/turn-runner.js';
import { startedTurnView } from '../turns/turn-views.js';
import { approvalMessage, type GuardianEvent } from './guardian-denial.js';
import { injectItems } from './inject-items.js';
import type { LoadedThread } from './loaded-thread.js';
import { replaceSettings, trySettings, withSettingsUpdate, withTurnOverrides, type TurnOverrides } from './settings-change.js';
import type { CallerIdentity, ThreadCaller } from './thread-caller.js';
import type { ThreadSettings } from './thread-settings.js';

/** Where a request's follow-up work goes: after its response has been sent (HandlerContext.afterResponse). */
export type AfterResponse = (task: () => void) => void;

export interface ThreadControlOptions {
  /**
   * What a turn of `thread` started for `caller` runs with, from the thread's current settings.
   * @throws ThreadSettingsError or ProviderConfigError when those settings cannot make a model client.
   */
  readonly dependencies: (thread: LoadedThread, caller: CallerIdentity) => TurnDependencies;
  /** Checks that settings can make a model client (same errors as `dependencies`). */
  readonly checkProvider: (settings: ThreadSettings) => void;
  /** Makes `channel` a subscriber of `thread` for good (until it unsubscribes or disconnects). */
  readonly subscribe: (thread: LoadedThread, channel: ClientChannel) => void;
  /** The loaded thread of `threadId`, if it is loaded. */
  readonly loadedThread: (threadId: string) => LoadedThread | undefined;
  /** Whether `thread` is still the loaded thread of its id (not unloaded since). */
  readonly isLoaded: (thread: LoadedThread) => boolean;
  /** A tenant's jail: the user's shell commands skip the thread's sandbox, never this. */
  readonly commandJail?: CommandJail | undefined;
  /** What the sandbox can do on this machine (asked for when a shell command runs). */
  readonly sandboxSupport: () => Promise<SandboxSupport>;
  readonly goals: GoalStore;
  readonly log: Logger;
}

/** turn/start's request: the user's input and the overrides that stay with the thread. */
export interface TurnStartRequest extends TurnOverrides {
  readonly input: readonly UserInput[];
  readonly clientUserMessageId?: string | null | undefined;
}

/**
 * What clients do to a loaded thread's turns, conversation and settings: start, steer and interrupt a turn,
 * review code, run the user's shell command, compact the conversation, add items to it, change the settings, set
 * or clear the goal, and the goal's own turns. The turn's state (`activeTurn`, its pending input,
 * the settings a turn starts with) changes only here and in the turn runner, so handlers parse params, call one
 * method and word its refusals (TurnRequestError, ThreadSettingsError, ProviderConfigError, PermissionProfileError).
 * Whoever starts something on a thread is subscribed to it: it hears what follows.
 */
export class ThreadControl {
  readonly #options: ThreadControlOptions;

  constructor(options: ThreadControlOptions) {
    this.#options = options;
  }

  /**
   * turn/start: a new turn with the request's overrides applied to the thread's settings (kept for later turns),
   * returned as turn/start answers it; the turn runs once `afterResponse` lets it. Subscribers hear
   * `thread/settings/updated` before the response when an override changed something (observed from the reference
   * 0.169.0). On a thread whose turn is running, the input joins that turn as turn/steer's does and that turn is
   * returned (the reference gave five turn/start sent at once one turn holding all five inputs).
   * @throws TurnRequestError `notSteerableSubmission` while a turn that takes no input runs; ThreadSettingsError
   *   or ProviderConfigError for overrides the thread cannot run with (the settings stay as they were).
   */
  startTurn(thread: LoadedThread, request: TurnStartRequest, caller: ThreadCaller, afterResponse: AfterResponse): Turn {
    const clientUserMessageId = request.clientUserMessageId ?? null;
    const active = thread.activeTurn;
    if (active?.notSteerable !== undefined) {
      throw new TurnRequestError({ kind: 'notSteerableSubmission', turnKind: active.notSteerable });
    }
    if (active !== null) {
      this.#options.subscribe(thread, caller.channel);
      active.pendingSteers.push({ input: request.input, clientUserMessageId });
      return startedTurnView(active.turnId);
    }
    const { prepared: deps, announce } = trySettings(thread, withTurnOverrides(thread.settings, request), () =>
      this.#options.dependencies(thread, caller),
    );
    // Whoever starts a turn hears it, even after unsubscribing earlier.
    this.#options.subscribe(thread, caller.channel);
    announce();
    return startTurn(thread, { input: request.input, clientUserMessageId }, deps, afterResponse);
  }

  /**
   * turn/steer: adds input to the running turn; it is recorded as a user message and sent with the turn's next
   * model request (the response in flight finishes first). Returns the turn's id.
   * @throws TurnRequestError when no turn runs, another turn than `expectedTurnId` runs, or it takes no input.
   */
  steer(thread: LoadedThread, expectedTurnId: string, input: readonly UserInput[], clientUserMessageId: string | null): string {
    const active = thread.activeTurn;
    if (active === null) throw new TurnRequestError({ kind: 'noActiveTurn', action: 'steer' });
    if (active.turnId !== expectedTurnId) {
      throw new TurnRequestError({ kind: 'otherTurnActive', expected: expectedTurnId, found: active.turnId });
    }
    if (active.notSteerable !== undefined) throw new TurnRequestError({ kind: 'notSteerable', turnKind: active.notSteerable });
    active.pendingSteers.push({ input, clientUserMessageId });
    return active.turnId;
  }

  /**
   * turn/interrupt: asks the running turn to stop (its model stream is cancelled); the turn then ends
   * `interrupted` on its own.
   * @throws TurnRequestError when no turn runs or another turn than `turnId` runs.
   */
  interrupt(thread: LoadedThread, turnId: string): void {
    const active = thread.activeTurn;
    if (active === null) throw new TurnRequestError({ kind: 'noActiveTurn', action: 'interrupt' });
    if (active.turnId !== turnId) throw new TurnRequestError({ kind: 'otherTurnActive', expected: turnId, found: active.turnId });
    active.abort.abort(new Error('turn interrupted'));
  }

  /**
   * thread/compact/start: compacts the conversation in a turn of its own, which runs after the response. A
   * compaction asked for while a turn runs replaces that turn: after the response, the running turn ends
   * `interrupted` and the compaction starts (observed from the reference 0.169.0).
   * @throws ThreadSettingsError or ProviderConfigError when the thread's settings cannot make a model client.
   */
  compact(thread: LoadedThread, caller: ThreadCaller, afterResponse: AfterResponse): void {
    const deps = this.#options.dependencies(thread, caller);
    this.#options.subscribe(thread, caller.channel);
    const input = { input: [], clientUserMessageId: null, compaction: true };
    const running = thread.activeTurn;
    if (running === null) {
      startTurn(thread, input, deps, afterResponse);
      return;
    }
    afterResponse(() => {
      running.abort.abort(new Error('replaced by a compaction'));
      void running.done.then(() => {
        if (thread.activeTurn === null) startTurn(thread, input, deps, (task) => task());
      });
    });
  }

  /**
   * review/start: a code review of `target` as a turn of the thread (inline delivery), returned as review/start
   * answers it; a running turn is interrupted after the response and the review starts once it has ended (see
   * review/review-turn.ts).
   * @throws ThreadSettingsError or ProviderConfigError when the thread's settings cannot make a model client.
   */
  review(thread: LoadedThread, target: ReviewTarget, caller: ThreadCaller, afterResponse: AfterResponse): Turn {
    const deps = this.#options.dependencies(thread, caller);
    this.#options.subscribe(thread, caller.channel);
    return startReview(thread, target, deps, afterResponse);
  }

  /**
   * thread/shellCommand: runs the user's command after the response, as a turn of its own on an idle thread or
   * inside the running turn (see user-shell/user-shell-command.ts). `timeoutMs` null is the default hour.
   * @throws ThreadSettingsError or ProviderConfigError when the thread's settings cannot make a model client.
   */
  runShellCommand(
    thread: LoadedThread,
    command: string,
    timeoutMs: number | null,
    caller: ThreadCaller,
    afterResponse: AfterResponse,
  ): void {
    const deps = this.#options.dependencies(thread, caller);
    this.#options.subscribe(thread, caller.channel);
    const request = {
      command,
      timeoutMs: timeoutMs ?? DEFAULT_SHELL_TIMEOUT_MS,
      jail: this.#options.commandJail,
      sandboxSupport: this.#options.sandboxSupport(),
    };
    runUserShellCommand(thread, request, deps, afterResponse);
  }

  /**
   * thread/inject_items: adds items to the conversation (a running turn takes them at its next model request).
   * The caller is not subscribed: nothing is announced.
   * @throws ThreadSettingsError or ProviderConfigError when the thread's settings cannot make a model client.
   */
  async injectItems(thread: LoadedThread, items: readonly ResponseItem[], caller: CallerIdentity): Promise<void> {
    await injectItems(thread, items, this.#options.dependencies(thread, caller));
  }

  /**
   * thread/approveGuardianDeniedAction: for a denied action, a developer message naming it joins the conversation
   * (as injected items do), so the model may retry it; an event of another status changes nothing.
   * @throws ThreadSettingsError or ProviderConfigError when the thread's settings cannot make a model client.
   */
  async approveDeniedAction(thread: LoadedThread, event: GuardianEvent, caller: CallerIdentity): Promise<void> {
    const message = approvalMessage(event);
    if (message === null) return;
    await this.injectItems(thread, [withMessageId(message)], caller);
  }

  /**
   * thread/settings/update: the settings the thread's next turns run with, changed after the response. A running
   * turn keeps the settings it started with: the change waits for it to end, changes queueing in the order they
   * came. Subscribers hear `thread/settings/updated` when something changed.
   * @throws PermissionProfileError for an unknown permission profile; ThreadSettingsError or ProviderConfigError
   *   for settings that cannot make a model client (nothing changes then).
   */
  updateSettings(
    thread: LoadedThread,
    update: ThreadSettingsUpdateParams,
    configTable: Readonly<Record<string, unknown>>,
    afterResponse: AfterResponse,
  ): void {
    this.#options.checkProvider(withSettingsUpdate(thread.settings, update, configTable));
    const apply = () => replaceSettings(thread, withSettingsUpdate(thread.settings, update, configTable));
    const turnEnded = thread.activeTurn?.done ?? null;
    afterResponse(() => {
      if (turnEnded === null) return apply();
      void turnEnded.then(apply).catch((error: unknown) => {
        this.#options.log.warn({ err: error, threadId: thread.id }, 'a queued thread/settings/update could not be applied');
      });
    });
  }

  /**
   * thread/goal/set: changes the goal of a thread, loaded or stored. A loaded thread's subscribers hear
   * `thread/goal/updated` (turnId null) and, when the goal is now active and the thread idle, a continuation turn
   * starts after the response for `caller` (observed from the reference 0.169.0).
   * @throws GoalError for a change the goal's rules refuse (nothing changes then).
   */
  async setGoal(threadId: string, change: GoalChange, caller: CallerIdentity, afterResponse: AfterResponse): Promise<ThreadGoal> {
    const goal = await this.#options.goals.set(threadId, change);
    const thread = this.#options.loadedThread(threadId);
    if (thread !== undefined) {
      announceGoal(thread, goal, null);
      afterResponse(() => void this.continueGoal(thread, caller));
    }
    return goal;
  }

  /**
   * thread/goal/clear: forgets the goal of a thread, loaded or stored; a loaded thread's subscribers hear
   * `thread/goal/cleared`. Whether there was a goal to clear.
   */
  async clearGoal(threadId: string): Promise<boolean> {
    const cleared = await this.#options.goals.clear(threadId);
    if (cleared) this.#options.loadedThread(threadId)?.emit(ServerNotifications.threadGoalCleared, { threadId });
    return cleared;
  }

  /**
   * Starts a turn of its own on an idle loaded thread whose goal is active, as the reference does after a completed
   * turn and when a goal is set or resumed (observed): no user message, the goal's continuation context instead.
   * `caller` is whose identity its model requests carry (the client that set the goal or ran the last turn).
   */
  async continueGoal(thread: LoadedThread, caller: CallerIdentity): Promise<void> {
    const goal = await this.#options.goals.get(thread.id);
    if (goal?.status !== 'active' || thread.activeTurn !== null || !this.#options.isLoaded(thread)) return;
    let deps: TurnDependencies;
    try {
      deps = this.#options.dependencies(thread, caller);
    } catch (error) {
      this.#options.log.error({ err: error, threadId: thread.id }, 'cannot continue the goal');
      return;
    }
    const context = goalContinuationContext(thread, goal);
    startTurn(thread, { input: [], clientUserMessageId: null, context }, deps, (task) => task());
  }
}
