import type { Turn } from '../../protocol/v2/turn.js';
import type { ThreadSettingsUpdateParams } from '../../protocol/v2/thread-settings-update.js';
import type { UserInput } from '../../protocol/v2/user-input.js';
import type { Logger } from '../../util/logger.js';
import type { ClientChannel } from '../clients/client-channel.js';
import type { GoalStore } from '../goals/goal-store.js';
import { goalContinuationContext } from '../goals/goal-continuation.js';
import type { TurnDependencies } from '../turns/turn-dependencies.js';
import { TurnRequestError } from '../turns/turn-request-error.js';
import { startTurn } from '../turns/turn-runner.js';
import { startedTurnView } from '../turns/turn-views.js';
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
  /** Whether `thread` is still the loaded thread of its id (not unloaded since). */
  readonly isLoaded: (thread: LoadedThread) => boolean;
  readonly goals: GoalStore;
  readonly log: Logger;
}

/** turn/start's request: the user's input and the overrides that stay with the thread. */
export interface TurnStartRequest extends TurnOverrides {
  readonly input: readonly UserInput[];
  readonly clientUserMessageId?: string | null | undefined;
}

/**
 * What clients do to a loaded thread's turns and settings: start, steer and interrupt a turn, compact the
 * conversation, change the settings, and the goal's own turns. The turn's state (`activeTurn`, its pending input,
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
