import type { RetryInfo } from '../model/client.js';
import { ModelError } from '../model/errors.js';
import type { ModelEvent, ResponseItem, TokenUsage } from '../model/events.js';
import type { ModelRequest } from '../model/request.js';
import type { RolloutItem } from '../persistence/rollout-schema.js';
import { ServerNotifications } from '../protocol/registry.js';
import type { ThreadItem } from '../protocol/v2/items.js';
import { UNREPORTED_RATE_LIMITS } from '../protocol/v2/rate-limits.js';
import type { Turn, TurnError } from '../protocol/v2/turn.js';
import type { UserInput } from '../protocol/v2/user-input.js';
import { uuidv7 } from '../util/ids.js';
import { environmentContext, localEnvironmentFacts } from './instructions.js';
import { LiveItems } from './live-items.js';
import type { ActiveTurn, LoadedThread } from './loaded-thread.js';
import * as records from './rollout-records.js';
import { addUsage, breakdown } from './token-usage.js';
import { toolCallOf, toolOutputItem } from './tools/tool-call.js';
import type { ToolCall, ToolOutput } from './tools/tool-call.js';
import type { ToolContext } from './tools/tool-context.js';
import { modelContent, previewOf } from './user-input-content.js';
import type { StartTurnInput, TurnDependencies } from './turn-dependencies.js';

/**
 * A model that keeps asking for tools it was not offered would loop forever; the reference has no such cap
 * because its tools always answer. Beyond this many requests in one turn, the turn fails.
 */
const MAX_SAMPLING_REQUESTS_PER_TURN = 64;

/** A running turn as turn/start answers it: `inProgress`, no items, `startedAt: null`. */
export function startedTurnView(turnId: string): Turn {
  return {
    id: turnId,
    rootTurnId: turnId,
    items: [],
    itemsView: 'notLoaded',
    status: 'inProgress',
    error: null,
    startedAt: null,
    completedAt: null,
    durationMs: null,
  };
}

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
  const abort = new AbortController();
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const active: ActiveTurn = { turnId, abort, done, pendingSteers: [] };
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

  constructor(thread: LoadedThread, active: ActiveTurn, input: StartTurnInput, deps: TurnDependencies) {
    this.#thread = thread;
    this.#active = active;
    this.#input = input;
    this.#deps = deps;
    this.#record = {
      id: active.turnId,
      rootTurnId: active.turnId,
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

  async run(): Promise<void> {
    const thread = this.#thread;
    thread.turns.push(this.#record);
    thread.setStatus({ type: 'active', activeFlags: [] });
    thread.emit(ServerNotifications.turnStarted, { threadId: thread.id, turn: this.#wireTurn('notLoaded', []) });
    this.#persist(records.taskStarted(this.#turnId, this.#startedAtMs, this.#deps.modelContextWindow));
    if (!thread.contextRecorded) this.#recordOpeningContext();
    this.#persist(records.turnContext(this.#turnId, thread.settings));
    await this.#recordUserInput(this.#input.input, this.#input.clientUserMessageId);
    // thread/list shows a thread from its first user message on, while that turn still runs [observed].
    void this.#flush();

    let outcome: { status: 'completed' } | { status: 'interrupted' } | { status: 'failed'; error: TurnError };
    try {
      await this.#agentLoop();
      outcome = { status: 'completed' };
    } catch (error) {
      if (this.#active.abort.signal.aborted) {
        outcome = { status: 'interrupted' };
      } else {
        const turnError = toTurnError(error);
        if (!(error instanceof ModelError)) this.#deps.log.error({ err: error, threadId: thread.id }, 'turn failed');
        outcome = { status: 'failed', error: turnError };
      }
    }
    await this.#finish(outcome);
  }

  /** Samples the model until it answers without asking for a tool. */
  async #agentLoop(): Promise<void> {
    // Tools that start before the first request (MCP servers, bounded by their start-up timeouts); an interrupt
    // does not wait for them.
    const signal = this.#active.abort.signal;
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
      const needsFollowUp = await this.#sample();
      if (!needsFollowUp && this.#active.pendingSteers.length === 0) return;
    }
  }

  /** One model request; true when the model called tools and must be asked again with their outputs. */
  async #sample(): Promise<boolean> {
    const thread = this.#thread;
    const settings = thread.settings;
    const request: ModelRequest = {
      model: settings.model,
      input: [developerMessage(thread.baseInstructions), ...thread.history],
      tools: this.#deps.tools.flatMap((tool) => tool.spec() ?? []),
      ...(settings.reasoningEffort === null && settings.reasoningSummary === null
        ? {}
        : {
            reasoning: {
              ...(settings.reasoningEffort === null ? {} : { effort: settings.reasoningEffort }),
              ...(settings.reasoningSummary === null || settings.reasoningSummary === 'none'
                ? {}
                : { summary: settings.reasoningSummary }),
            },
          }),
      promptCacheKey: thread.id,
      clientMetadata: { thread_id: thread.id, session_id: thread.id, turn_id: this.#turnId },
      identity: { ...this.#deps.identity, threadId: thread.id },
    };
    const live = new LiveItems(thread, this.#turnId);
    const calls: ToolCall[] = [];
    const stream = this.#deps.modelClient.stream(request, {
      signal: this.#active.abort.signal,
      ...(this.#deps.requestHeaders === undefined ? {} : { requestHeaders: this.#deps.requestHeaders }),
      onRetry: (info) => this.#reportRetry(info, live),
    });
    for await (const event of stream) {
      const done = this.#onEvent(event, live);
      const call = done === null ? null : toolCallOf(done);
      if (call !== null) calls.push(call);
    }
    // One at a time, in the order the model asked: approvals are asked and answered in that order too.
    for (const call of calls) {
      const output = toolOutputItem(call, await this.#runTool(call));
      thread.history.push(output);
      this.#persist(records.responseItem(output));
      this.#active.abort.signal.throwIfAborted();
    }
    // A response's usage is reported once its tool calls have run, as the reference orders it [observed on 0.169.0:
    // item/completed commandExecution, then thread/tokenUsage/updated and account/rateLimits/updated].
    if (this.#responseUsage !== undefined) this.#recordUsage(this.#responseUsage);
    this.#responseUsage = undefined;
    return calls.length > 0;
  }

  /** The text a tool call answers the model with. Tool failures are answers too; only aborts end the turn. */
  async #runTool(call: ToolCall): Promise<ToolOutput> {
    // A namespaced call goes to the namespace's handler, which knows its tools.
    const handler = this.#deps.tools.find((tool) => tool.name === (call.namespace ?? call.name));
    // The reference's answer to a call of a tool it does not have.
    if (handler === undefined) return `unsupported call: ${call.namespace ?? ''}${call.name}`;
    const context: ToolContext = {
      thread: this.#thread,
      turnId: this.#turnId,
      signal: this.#active.abort.signal,
      persist: (item) => this.#persist(item),
      recordItem: (item) => this.#record.items.push(item),
      interruptTurn: () => this.#active.abort.abort(new Error('cancelled by the user')),
      log: this.#deps.log,
    };
    try {
      return await handler.handle(call, context);
    } catch (error) {
      if (this.#active.abort.signal.aborted) throw this.#active.abort.signal.reason;
      this.#deps.log.error({ err: error, tool: call.name }, 'tool failed');
      return `${call.name} failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** Applies one model event; returns an output item once it is complete. */
  #onEvent(event: ModelEvent, live: LiveItems): ResponseItem | null {
    const thread = this.#thread;
    switch (event.type) {
      case 'created':
        return null;
      case 'outputItemAdded':
        live.started(event.item);
        return null;
      case 'outputTextDelta':
        live.textDelta(event.itemId, event.delta);
        return null;
      case 'reasoningSummaryPartAdded':
        live.summaryPartAdded(event.itemId, event.summaryIndex);
        return null;
      case 'reasoningSummaryDelta':
        live.summaryDelta(event.itemId, event.summaryIndex, event.delta);
        return null;
      case 'reasoningContentDelta':
        live.contentDelta(event.itemId, event.contentIndex, event.delta);
        return null;
      case 'outputItemDone': {
        const item = live.completed(event.item);
        thread.history.push(event.item);
        if (item !== null) {
          this.#record.items.push(item);
          // turn/completed shows the last answer; commentary (progress narration) never counts [observed].
          if (item.type === 'agentMessage' && item.phase !== 'commentary') this.#lastAgentMessages = [item];
          const completed = records.itemCompleted(thread.id, this.#turnId, item);
          if (completed !== null) this.#persist(completed);
        }
        this.#persist(records.responseItem(withTurnMetadata(event.item, this.#turnId)));
        return event.item;
      }
      case 'completed':
        this.#responseUsage = event.usage;
        return null;
    }
  }

  #recordUsage(usage: TokenUsage | null): void {
    const thread = this.#thread;
    const last = breakdown(usage);
    const total = addUsage(thread.tokenUsage?.total ?? null, last);
    thread.tokenUsage = { total, last, modelContextWindow: this.#deps.modelContextWindow };
    thread.emit(ServerNotifications.threadTokenUsageUpdated, {
      threadId: thread.id,
      turnId: this.#turnId,
      tokenUsage: thread.tokenUsage,
    });
    thread.emit(ServerNotifications.accountRateLimitsUpdated, { rateLimits: UNREPORTED_RATE_LIMITS });
    this.#persist(records.tokenCount(total, last, this.#deps.modelContextWindow));
  }

  /** A retry is coming: tell subscribers (`error` with `willRetry: true`) and drop the abandoned attempt. */
  #reportRetry(info: RetryInfo, live: LiveItems): void {
    if (info.phase === 'stream') live.reset();
    this.#thread.emit(ServerNotifications.error, {
      error: {
        message: `Reconnecting... ${info.attempt}/${info.maxRetries}`,
        codexErrorInfo: info.error.toCodexErrorInfo(),
        additionalDetails: info.error.message,
        misalignment: null,
      },
      willRetry: true,
      threadId: this.#thread.id,
      turnId: this.#turnId,
    });
  }

  /** The developer instructions and environment context that open a conversation, recorded once. */
  #recordOpeningContext(): void {
    const thread = this.#thread;
    const settings = thread.settings;
    const opening: ResponseItem[] = [];
    if (settings.developerInstructions !== null) {
      opening.push(developerMessage(settings.developerInstructions));
    }
    opening.push({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: environmentContext(localEnvironmentFacts(settings, this.#deps.env)) }],
    });
    for (const item of opening) {
      thread.history.push(item);
      this.#persist(records.responseItem(item));
    }
    thread.contextRecorded = true;
  }

  /** The user's message: into history and the rollout, and reported as a userMessage item. */
  async #recordUserInput(input: readonly UserInput[], clientId: string | null): Promise<void> {
    const thread = this.#thread;
    const message: ResponseItem = { type: 'message', role: 'user', content: await modelContent(input) };
    thread.history.push(message);
    this.#persist(
      records.responseItem({
        ...message,
        internal_chat_message_metadata_passthrough: {
          turn_id: this.#turnId,
          content_item_kinds: input.map((part) => `user.${part.type}`),
        },
      }),
    );
    const now = Date.now();
    const item: ThreadItem = {
      type: 'userMessage',
      id: uuidv7(now),
      clientId,
      content: [...input],
      startedAtMs: now,
      completedAtMs: null,
    };
    thread.emit(ServerNotifications.itemStarted, { item, threadId: thread.id, turnId: this.#turnId, startedAtMs: now });
    const completed: ThreadItem = { ...item, completedAtMs: now };
    thread.emit(ServerNotifications.itemCompleted, {
      item: completed,
      threadId: thread.id,
      turnId: this.#turnId,
      contentTokenCount: null,
      completedAtMs: now,
    });
    this.#record.items.push(completed);
    const line = records.itemCompleted(thread.id, this.#turnId, completed);
    if (line !== null) this.#persist(line);
    if (thread.preview === '') thread.preview = previewOf(input);
  }

  async #finish(
    outcome: { status: 'completed' } | { status: 'interrupted' } | { status: 'failed'; error: TurnError },
  ): Promise<void> {
    const thread = this.#thread;
    const completedAtMs = Date.now();
    const error = outcome.status === 'failed' ? outcome.error : null;
    if (outcome.status === 'interrupted') {
      const marker: ResponseItem = {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: records.TURN_ABORTED_MESSAGE }],
      };
      thread.history.push(marker);
      this.#persist(records.responseItem(marker));
      this.#persist(records.turnAborted(this.#turnId, this.#startedAtMs, completedAtMs));
    } else {
      this.#persist(records.taskComplete(this.#turnId, this.#startedAtMs, completedAtMs, error));
    }
    Object.assign(this.#record, {
      status: outcome.status,
      error,
      completedAt: Math.floor(completedAtMs / 1000),
      durationMs: completedAtMs - this.#startedAtMs,
    });
    thread.updatedAtMs = completedAtMs;
    // The turn is durable before anyone is told it ended.
    await this.#flush();
    // The reference's endings [observed]: a failed turn leaves the thread in `systemError` (until the next turn)
    // and reports the error first; interrupted and failed turns complete without items (`notLoaded`).
    switch (outcome.status) {
      case 'completed':
        await this.#deps.onTurnEnded(thread, this.#turnId);
        thread.setStatus({ type: 'idle' });
        thread.emit(ServerNotifications.turnCompleted, {
          threadId: thread.id,
          turn: this.#wireTurn('summary', this.#lastAgentMessages),
        });
        return;
      case 'interrupted':
        thread.emit(ServerNotifications.accountRateLimitsUpdated, { rateLimits: UNREPORTED_RATE_LIMITS });
        thread.setStatus({ type: 'idle' });
        thread.emit(ServerNotifications.turnCompleted, { threadId: thread.id, turn: this.#wireTurn('notLoaded', []) });
        return;
      case 'failed':
        thread.setStatus({ type: 'systemError' });
        thread.emit(ServerNotifications.error, {
          error: outcome.error,
          willRetry: false,
          threadId: thread.id,
          turnId: this.#turnId,
        });
        thread.emit(ServerNotifications.turnCompleted, { threadId: thread.id, turn: this.#wireTurn('notLoaded', []) });
        return;
    }
  }

  #wireTurn(itemsView: Turn['itemsView'], items: ThreadItem[]): Turn {
    return { ...this.#record, items, itemsView };
  }

  /** Appends to the rollout without waiting: the writer keeps order and group-commits; #flush waits. */
  #persist(item: RolloutItem): void {
    const writer = this.#thread.writer;
    if (writer === null) return;
    writer.append(item).catch((error: unknown) => {
      this.#deps.log.error({ err: error, threadId: this.#thread.id }, 'rollout append failed');
    });
  }

  async #flush(): Promise<void> {
    const writer = this.#thread.writer;
    if (writer === null) return;
    try {
      await writer.flush();
      this.#deps.onPersisted(this.#thread);
    } catch (error) {
      this.#deps.log.error({ err: error, threadId: this.#thread.id }, 'rollout flush failed');
    }
  }
}

function developerMessage(text: string): ResponseItem {
  return { type: 'message', role: 'developer', content: [{ type: 'input_text', text }] };
}

/** The rollout copy of a model output message carries its turn, as the reference's does. */
function withTurnMetadata(item: ResponseItem, turnId: string): ResponseItem {
  if (item.type !== 'message') return item;
  return { ...item, internal_chat_message_metadata_passthrough: { turn_id: turnId } };
}

/** A turn failure as the protocol reports it. */
export function toTurnError(error: unknown): TurnError {
  if (error instanceof ModelError) {
    return { message: error.message, codexErrorInfo: error.toCodexErrorInfo(), additionalDetails: null, misalignment: null };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, codexErrorInfo: 'other', additionalDetails: null, misalignment: null };
}
