import { ModelError } from '../../model/errors.js';
import type { ModelEvent, ResponseItem, TokenUsage } from '../../model/events.js';
import type { ModelRequest } from '../../model/request.js';
import type { RolloutItem } from '../../persistence/rollout-schema.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import { UNREPORTED_RATE_LIMITS } from '../../protocol/v2/rate-limits.js';
import type { Turn } from '../../protocol/v2/turn.js';
import type { UserInput } from '../../protocol/v2/user-input.js';
import { uuidv7 } from '../../util/ids.js';
import { contextIsFull } from '../compaction/auto-compact-limit.js';
import { compactConversation } from '../compaction/compaction-run.js';
import type { CompactionPhase, CompactionTrigger } from '../compaction/compaction-run.js';
import { withOutputId } from '../context/item-ids.js';
import { sessionIdOf } from '../agents/sub-agent-link.js';
import { identifyTurn, recordTurnContext, type TurnIdentification } from '../context/turn-context.js';
import { TurnHooks } from '../hooks/turn-hooks.js';
import { LiveItems } from './live-items.js';
import { newActiveTurn } from '../threads/loaded-thread.js';
import type { ActiveTurn, LoadedThread } from '../threads/loaded-thread.js';
import { modelFacts } from '../models/model-facts.js';
import { samplingControls } from '../models/sampling-controls.js';
import { appendToRollout, flushRollout } from '../rollout/rollout-append.js';
import { recordUserMessage } from './user-message-record.js';
import * as records from '../rollout/rollout-records.js';
import { recordTokenUsage } from './token-usage.js';
import { toolCallOf, toolOutputItem } from '../turn-tools/tool-call.js';
import type { ToolCall } from '../turn-tools/tool-call.js';
import { announceRetry, applyModelEvent, type ModelOutputSink } from './model-output.js';
import { ToolDispatch } from './tool-dispatch.js';
import type { StartTurnInput, TurnDependencies } from './turn-dependencies.js';
import { announceTurnEnd, recordTurnEnd, type TurnOutcome } from './turn-ending.js';
import { baseInstructionsMessage, promptText, startedTurnView, toTurnError } from './turn-views.js';

/*
 * The agent loop of one turn: record the turn's context and the user's message, sample the model, run the tools it
 * calls and sample again until it answers, compacting when the conversation is full, then end the turn. The parts it
 * leans on live beside it: model-output.ts turns streamed events into items, tool-dispatch.ts runs a tool call
 * between its hooks, turn-ending.ts records and announces the end, turn-views.ts holds the shapes a turn is seen
 * through. Starting, steering and interrupting a turn on a client's behalf is threads/thread-control.ts's.
 */

/**
 * A model that keeps asking for tools it was not offered would loop forever; the reference has no such cap
 * because its tools always answer. Beyond this many requests in one turn, the turn fails.
 */
const MAX_SAMPLING_REQUESTS_PER_TURN = 64;

/**
 * Starts a turn on an idle thread and returns it as turn/start answers it (`inProgress`, no items,
 * `startedAt: null`). The turn itself runs after `afterResponse` lets the response go out first, in the
 * reference's order: thread/status/changed active → turn/started → the user message item → model output
 * items and their tool calls → token usage → thread/status/changed idle → turn/completed.
 */
export function startTurn(
  thread: LoadedThread,
  input: StartTurnInput,
  deps: TurnDependencies,
  afterResponse: (task: () => void) => void,
): Turn {
  const turnId = uuidv7();
  const { active, finished } = newActiveTurn(turnId, input.compaction === true ? 'compact' : undefined);
  thread.activeTurn = active;
  const turn = startedTurnView(turnId);
  afterResponse(() => {
    void new TurnRun(thread, active, input, deps)
      .run()
      .catch((error: unknown) => deps.log.error({ err: error, threadId: thread.id }, 'turn crashed'))
      .finally(() => {
        if (thread.activeTurn === active) thread.activeTurn = null;
        finished();
        deps.onTurnFinished(thread);
      });
  });
  return turn;
}

/** One turn's execution: the agent loop and everything it reports. */
class TurnRun {
  readonly #thread: LoadedThread;
  readonly #active: ActiveTurn;
  readonly #input: StartTurnInput;
  readonly #deps: TurnDependencies;
  readonly #startedAtMs = Date.now();
  /** The turn as thread/read shows it; items are added as they complete. */
  readonly #record: Turn;
  /** Final agent messages of the turn: what turn/completed carries. */
  #lastAgentMessages: ThreadItem[] = [];
  /** The usage of the response being handled, held until its tool calls have run; undefined before it completes. */
  #responseUsage: TokenUsage | null | undefined;
  /** The turn's identification headers and `client_metadata`, worked out once when the turn starts. */
  #turnIdentification: TurnIdentification | null = null;
  /** The configured hooks, run at the turn's events (hooks/turn-hooks.ts). */
  #hooks: TurnHooks | null = null;
  /** A turn that ended before its work (a hook blocked the prompt): it completes without items or a read receipt. */
  #quiet = false;
  /** Set once the turn has started ending: a failure from then on must not end it a second time. */
  #ending = false;

  constructor(thread: LoadedThread, active: ActiveTurn, input: StartTurnInput, deps: TurnDependencies) {
    this.#thread = thread;
    this.#active = active;
    this.#input = input;
    this.#deps = deps;
    this.#record = {
      id: active.turnId,
      rootTurnId: input.rootTurnId ?? active.turnId,
      items: [],
      itemsView: 'full',
      status: 'inProgress',
      error: null,
      startedAt: Math.floor(this.#startedAtMs / 1000),
      completedAt: null,
      durationMs: null,
    };
  }

  get #turnId(): string {
    return this.#active.turnId;
  }

  /**
   * Runs the turn. Whatever goes wrong before or between the guarded steps (reading hooks, recording the user's
   * message, …) still ends the turn, failed, so subscribers get turn/completed and the thread goes idle instead of
   * staying active forever; only a failure while ending the turn is left to the caller to log.
   */
  async run(): Promise<void> {
    try {
      await this.#steps();
    } catch (error) {
      if (this.#ending) throw error;
      if (!this.#active.abort.signal.aborted) this.#deps.log.error({ err: error, threadId: this.#thread.id }, 'turn failed');
      await this.#finish(this.#active.abort.signal.aborted ? { status: 'interrupted' } : { status: 'failed', error: toTurnError(error) });
    }
  }

  async #steps(): Promise<void> {
    const thread = this.#thread;
    thread.turns.push(this.#record);
    thread.setStatus({ type: 'active', activeFlags: [] });
    thread.emit(ServerNotifications.turnStarted, { threadId: thread.id, turn: this.#wireTurn('notLoaded', []) });
    this.#persist(
      records.taskStarted(this.#turnId, this.#startedAtMs, this.#deps.modelContextWindow, this.#record.rootTurnId ?? this.#turnId),
    );
    this.#turnIdentification = await identifyTurn(
      thread,
      { id: this.#turnId, rootTurnId: this.#record.rootTurnId ?? this.#turnId, parentTurnId: this.#input.parentTurnId },
      this.#startedAtMs,
      this.#deps.codexHome,
    );
    this.#hooks = await TurnHooks.load(
      {
        thread,
        turnId: this.#turnId,
        signal: this.#active.abort.signal,
        env: this.#deps.env,
        log: this.#deps.log,
        recordHistory: (item) => {
          thread.history.push(item);
          this.#persist(records.responseItem(item));
        },
        keepItem: (item) => this.#keepItem(item),
      },
      this.#deps.hooks,
    );
    // Compaction: a turn of its own (thread/compact/start), or first thing in a turn whose conversation the
    // previous response left full [observed: before the turn's settings and user message].
    if (this.#input.compaction === true) {
      await this.#finish(await this.#attempt(() => this.#compact('manual', 'standalone_turn')));
      return;
    }
    if (thread.contextRecorded && this.#contextFull()) {
      const outcome = await this.#attempt(() => this.#compact('auto', 'pre_turn'));
      if (outcome.status !== 'completed') {
        await this.#finish(outcome);
        return;
      }
    }
    await recordTurnContext(thread, this.#deps, (item) => this.#persist(item));
    this.#persist(records.turnContext(this.#turnId, thread.settings));
    for (const item of this.#input.context ?? []) {
      thread.history.push(item);
      this.#persist(records.responseItem(item));
    }
    // What background hooks gave while the thread was idle comes first, before the prompt [observed].
    this.#hooks.deliverBackgroundOutput();
    // Hooks run before the user's message is reported; what they add follows it in the history [observed].
    const sessionStopped = await this.#hooks.sessionStart();
    const prompt = sessionStopped ? { blocked: true, contexts: [] } : await this.#hooks.userPromptSubmit(promptText(this.#input.input));
    if (prompt.blocked) {
      // The context a blocking hook gave stays for later turns, as the reference keeps it.
      this.#hooks.recordContexts(prompt.contexts);
      this.#quiet = true;
      await this.#finish({ status: 'completed' });
      return;
    }
    // A turn the server starts by itself (a goal's continuation) has no user message.
    if (this.#input.input.length > 0) await this.#recordUserInput(this.#input.input, this.#input.clientUserMessageId);
    this.#hooks.recordContexts(prompt.contexts);
    // thread/list shows a thread from its first user message on, while that turn still runs [observed].
    void this.#flush();

    await this.#finish(await this.#attempt(() => this.#agentLoop()));
  }

  /** Runs `work` and says how the turn ends if it ends there: completed, interrupted, or failed with the error. */
  async #attempt(work: () => Promise<void>): Promise<TurnOutcome> {
    try {
      await work();
      return { status: 'completed' };
    } catch (error) {
      if (this.#active.abort.signal.aborted) return { status: 'interrupted' };
      if (!(error instanceof ModelError)) this.#deps.log.error({ err: error, threadId: this.#thread.id }, 'turn failed');
      return { status: 'failed', error: toTurnError(error) };
    }
  }

  /** Whether the conversation, as the last response measured it, is too full to go on without compacting. */
  #contextFull(): boolean {
    return contextIsFull(this.#thread.tokenUsage?.last.totalTokens, this.#deps.autoCompactTokenLimit);
  }

  /** Compacts the conversation within this turn (see compaction/compaction-run.ts). */
  async #compact(trigger: CompactionTrigger, phase: CompactionPhase): Promise<void> {
    const hooks = this.#hooks;
    if (hooks === null) return this.#compactNow(trigger, phase);
    await hooks.aroundCompaction(trigger, () => this.#compactNow(trigger, phase));
  }

  async #compactNow(trigger: CompactionTrigger, phase: CompactionPhase): Promise<void> {
    await compactConversation(
      {
        thread: this.#thread,
        turnId: this.#turnId,
        modelContextWindow: this.#deps.modelContextWindow,
        remote: this.#deps.remoteCompaction,
        modelRequest: () => this.#modelRequest(),
        turnMetadata: () => this.#turnIdentification?.headers['x-codex-turn-metadata'] ?? null,
        stream: (request, headers) => this.#stream(request, null, headers),
        recordUsage: (usage) => this.#recordUsage(usage),
        persist: (item) => this.#persist(item),
        addItem: (item) => this.#record.items.push(item),
      },
      trigger,
      phase,
    );
  }

  /** Samples the model until it answers without asking for a tool. */
  async #agentLoop(): Promise<void> {
    // Tools that start before the first request (MCP servers, bounded by their start-up timeouts); an interrupt
    // does not wait for them.
    const signal = this.#active.abort.signal;
    // An interrupt may have come before this point: an abort listener added after the abort never fires.
    signal.throwIfAborted();
    await Promise.race([
      Promise.all(this.#deps.tools.map((tool) => tool.ready?.() ?? Promise.resolve())),
      new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
    ]);
    signal.throwIfAborted();
    for (let request = 0; ; request++) {
      if (request >= MAX_SAMPLING_REQUESTS_PER_TURN) {
        throw new Error(`the model kept calling tools after ${MAX_SAMPLING_REQUESTS_PER_TURN} requests`);
      }
      for (const steer of this.#active.pendingSteers.splice(0)) {
        await this.#recordUserInput(steer.input, steer.clientUserMessageId);
      }
      for (const item of this.#active.pendingHistory.splice(0)) {
        this.#thread.history.push(item);
        this.#persist(records.responseItem(item));
      }
      // Background hooks that finished meanwhile (a tool call's hooks, while the tool ran) join the next request.
      this.#hooks?.deliverBackgroundOutput();
      const needsFollowUp = await this.#sample();
      const pending = this.#active.pendingSteers.length + this.#active.pendingHistory.length;
      // When the model has answered, context a background hook gave meanwhile sends it back to work, without the
      // stop hooks [observed]; else a stop hook may send it back with its reason as the next user message.
      const goesOn =
        needsFollowUp ||
        pending > 0 ||
        this.#hooks?.deliverBackgroundOutput() === true ||
        (await this.#hooks?.stop(this.#lastAgentText())) === true;
      if (!goesOn) return;
      // A tool loop that fills the context compacts before its next request [as the reference does mid-turn].
      if (this.#contextFull()) await this.#compact('auto', 'mid_turn');
    }
  }

  /** One model request; true when the model called tools and must be asked again with their outputs. */
  async #sample(): Promise<boolean> {
    const thread = this.#thread;
    const request = this.#modelRequest();
    const live = new LiveItems(thread, this.#turnId);
    const calls: ToolCall[] = [];
    const chargeUsage = await this.#deps.startResponse?.(thread, this.#turnId);
    const stream = this.#stream(request, live);
    const sink: ModelOutputSink = {
      thread,
      record: this.#record,
      persist: (item) => this.#persist(item),
      onAnswer: (item) => (this.#lastAgentMessages = [item]),
      onUsage: (completed) => (this.#responseUsage = completed),
    };
    let usage: TokenUsage | null = null;
    for await (const event of stream) {
      if (event.type === 'completed') usage = event.usage;
      const done = applyModelEvent(event, live, sink);
      const call = done === null ? null : toolCallOf(done);
      if (call !== null) calls.push(call);
    }
    const dispatch = new ToolDispatch({
      thread,
      active: this.#active,
      tools: this.#deps.tools,
      hooks: this.#hooks,
      log: this.#deps.log,
      persist: (item) => this.#persist(item),
      keepItem: (item) => this.#keepItem(item),
    });
    // One at a time, in the order the model asked: approvals are asked and answered in that order too.
    for (const call of calls) {
      const output = withOutputId(toolOutputItem(call, await dispatch.run(call)));
      thread.history.push(output);
      this.#persist(records.responseItem(output));
      this.#active.abort.signal.throwIfAborted();
    }
    // A response's usage is reported once its tool calls have run, as the reference orders it [observed on 0.169.0:
    // item/completed commandExecution, then thread/tokenUsage/updated and account/rateLimits/updated].
    if (this.#responseUsage !== undefined) this.#recordUsage(this.#responseUsage);
    this.#responseUsage = undefined;
    // The response's usage counts toward an active goal once its tool calls are answered.
    await chargeUsage?.(usage);
    return calls.length > 0;
  }

  /** A sampling request of this turn, from the thread as it stands. */
  #modelRequest(): ModelRequest {
    const thread = this.#thread;
    const settings = thread.settings;
    const controls = samplingControls(modelFacts(settings.model), settings);
    return {
      model: settings.model,
      ...(settings.serviceTier === null ? {} : { serviceTier: settings.serviceTier }),
      input: [baseInstructionsMessage(thread.baseInstructions), ...thread.history],
      tools: this.#deps.tools.flatMap((tool) => tool.spec() ?? []),
      ...(controls.reasoning === null ? {} : { reasoning: controls.reasoning }),
      ...(controls.text === null ? {} : { text: controls.text }),
      promptCacheKey: sessionIdOf(thread),
      ...(this.#turnIdentification === null ? {} : { clientMetadata: this.#turnIdentification.clientMetadata }),
      identity: { ...this.#deps.identity, threadId: thread.id, sessionId: sessionIdOf(thread) },
    };
  }

  /** Streams `request` with the turn's signal and headers; retries are announced (and drop `live`'s attempt). */
  #stream(request: ModelRequest, live: LiveItems | null, headers?: Readonly<Record<string, string>>): AsyncIterable<ModelEvent> {
    const identification = this.#turnIdentification?.headers ?? {};
    const attestation = this.#deps.requestHeaders;
    const requestHeaders = async (signal: AbortSignal) => ({
      ...identification,
      ...(attestation === undefined ? {} : await attestation(signal)),
    });
    return this.#deps.modelClient.stream(request, {
      signal: this.#active.abort.signal,
      requestHeaders,
      ...(headers === undefined ? {} : { headers }),
      onRetry: (info) => announceRetry(this.#thread, this.#turnId, info, live),
    });
  }

  /** The text of the turn's last answer, as a stop hook reads it. */
  #lastAgentText(): string | null {
    const last = this.#lastAgentMessages.at(-1);
    return last?.type === 'agentMessage' ? last.text : null;
  }

  /** A completed item of the turn (already reported): kept for thread/read and persisted. */
  #keepItem(item: ThreadItem): void {
    this.#record.items.push(item);
    const line = records.itemCompleted(this.#thread.id, this.#turnId, item);
    if (line !== null) this.#persist(line);
  }

  #recordUsage(usage: TokenUsage | null): void {
    recordTokenUsage(this.#thread, this.#turnId, usage, this.#deps.modelContextWindow, (item) => this.#persist(item));
  }

  /** The user's message: into history and the rollout, and reported as a userMessage item. */
  async #recordUserInput(input: readonly UserInput[], clientId: string | null): Promise<void> {
    await recordUserMessage(this.#thread, this.#record, input, clientId, (line) => this.#persist(line));
  }

  async #finish(outcome: TurnOutcome): Promise<void> {
    this.#ending = true;
    const thread = this.#thread;
    if (outcome.status === 'interrupted') {
      const marker: ResponseItem = {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: records.TURN_ABORTED_MESSAGE }],
      };
      thread.history.push(marker);
      this.#persist(records.responseItem(marker));
    }
    await recordTurnEnd(thread, this.#record, this.#startedAtMs, outcome, {
      persist: (item) => this.#persist(item),
      flush: () => this.#flush(),
    });
    // A compaction turn moves no read receipt and completes without items [observed on 0.169.0]; interrupted and
    // failed turns complete without items (`notLoaded`) too.
    const summary = outcome.status === 'completed' && this.#input.compaction !== true && !this.#quiet;
    if (summary) await this.#deps.onTurnEnded(thread, this.#turnId);
    if (outcome.status === 'interrupted') {
      thread.emit(ServerNotifications.accountRateLimitsUpdated, { rateLimits: UNREPORTED_RATE_LIMITS });
    }
    announceTurnEnd(thread, outcome, summary ? this.#wireTurn('summary', this.#lastAgentMessages) : this.#wireTurn('notLoaded', []));
  }

  #wireTurn(itemsView: Turn['itemsView'], items: ThreadItem[]): Turn {
    return { ...this.#record, items, itemsView };
  }

  /** Appends to the rollout without waiting: the writer keeps order and group-commits; #flush waits. */
  #persist(item: RolloutItem): void {
    appendToRollout(this.#thread, this.#deps.log, item);
  }

  #flush(): Promise<void> {
    return flushRollout(this.#thread, this.#deps.log, this.#deps.onPersisted);
  }
}
