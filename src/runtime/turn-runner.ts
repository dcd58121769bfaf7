import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { ModelClient, RetryInfo } from '../model/client.js';
import { ModelError } from '../model/errors.js';
import type { ModelEvent, ResponseItem, TokenUsage } from '../model/events.js';
import type { ModelRequest, RequestIdentity } from '../model/request.js';
import type { RolloutItem } from '../persistence/rollout-schema.js';
import { ServerNotifications } from '../protocol/registry.js';
import type { ThreadItem } from '../protocol/v2/items.js';
import { UNREPORTED_RATE_LIMITS } from '../protocol/v2/rate-limits.js';
import type { TokenUsageBreakdown } from '../protocol/v2/thread-notifications.js';
import type { Turn, TurnError } from '../protocol/v2/turn.js';
import type { UserInput } from '../protocol/v2/user-input.js';
import { uuidv7 } from '../util/ids.js';
import type { Logger } from '../util/logger.js';
import { environmentContext, localEnvironmentFacts } from './instructions.js';
import type { ActiveTurn, LoadedThread } from './loaded-thread.js';
import * as records from './rollout-records.js';
import { toolCallOf, toolOutputItem } from './tools/tool-call.js';
import type { ToolCall } from './tools/tool-call.js';
import type { ToolContext, ToolHandler } from './tools/tool-context.js';

/** What a turn needs from the server around it. */
export interface TurnDependencies {
  /** The model client for the thread's current settings (provider, retries). */
  readonly modelClient: ModelClient;
  /** Identity headers of the model requests: the client that started the turn. */
  readonly identity: Omit<RequestIdentity, 'threadId'>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Logger;
  /** Told when a persisted thread's rollout changed (the thread index keeps its summary current). */
  readonly onPersisted: (thread: LoadedThread) => void;
  /** Context window reported in token usage (config `model_context_window`, else the catalogue default). */
  readonly modelContextWindow: number | null;
  /**
   * Told when a turn has completed and is durable, before the thread goes idle (the read receipt changes there:
   * the reference sends `thread/readState/changed` before `thread/status/changed`; failed turns change nothing).
   */
  readonly onTurnEnded: (thread: LoadedThread, turnId: string) => Promise<void>;
  /** The tools offered to the model, and their implementations. */
  readonly tools: readonly ToolHandler[];
}

export interface StartTurnInput {
  readonly input: readonly UserInput[];
  readonly clientUserMessageId: string | null;
}

/**
 * A model that keeps asking for tools it was not offered would loop forever; the reference has no such cap
 * because its tools always answer. Beyond this many requests in one turn, the turn fails.
 */
const MAX_SAMPLING_REQUESTS_PER_TURN = 64;

/**
 * Starts a turn on an idle thread and returns it as turn/start answers it (`inProgress`, no items,
 * `startedAt: null`). The turn itself runs after `afterResponse` lets the response go out first, in the
 * reference's order: thread/status/changed active → turn/started → the user message item → model output
 * items → token usage → thread/status/changed idle → turn/completed.
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
  const turn: Turn = {
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
  afterResponse(() => {
    void new TurnRun(thread, active, input, deps)
      .run()
      .catch((error: unknown) => deps.log.error({ err: error, threadId: thread.id }, 'turn crashed'))
      .finally(() => {
        if (thread.activeTurn === active) thread.activeTurn = null;
        finished();
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
      tools: this.#deps.tools.map((tool) => tool.spec()),
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
      onRetry: (info) => this.#reportRetry(info, live),
    });
    for await (const event of stream) {
      const done = this.#onEvent(event, live);
      const call = done === null ? null : toolCallOf(done);
      if (call !== null) calls.push(call);
    }
    if (calls.length === 0) return false;
    // One at a time, in the order the model asked: approvals are asked and answered in that order too.
    for (const call of calls) {
      const output = toolOutputItem(call, await this.#runTool(call));
      thread.history.push(output);
      this.#persist(records.responseItem(output));
      this.#active.abort.signal.throwIfAborted();
    }
    return true;
  }

  /** The text a tool call answers the model with. Tool failures are answers too; only aborts end the turn. */
  async #runTool(call: ToolCall): Promise<string> {
    const handler = this.#deps.tools.find((tool) => tool.name === call.name);
    // The reference's answer to a call of a tool it does not have.
    if (handler === undefined) return `unsupported call: ${call.name}`;
    const context: ToolContext = {
      thread: this.#thread,
      turnId: this.#turnId,
      signal: this.#active.abort.signal,
      persist: (item) => this.#persist(item),
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
        this.#recordUsage(event.usage);
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

/**
 * The items of one model response being streamed: started on `output_item.added`, fed by deltas, completed
 * on `output_item.done`. Messages become agentMessage items, reasoning becomes reasoning items; other kinds
 * (tool calls) have no live item yet.
 */
class LiveItems {
  readonly #thread: LoadedThread;
  readonly #turnId: string;
  readonly #items = new Map<string, { startedAtMs: number; summary: string[]; content: string[]; text: string }>();

  constructor(thread: LoadedThread, turnId: string) {
    this.#thread = thread;
    this.#turnId = turnId;
  }

  started(raw: ResponseItem): void {
    const id = itemIdOf(raw);
    if (id === null || (raw.type !== 'message' && raw.type !== 'reasoning') || this.#items.has(id)) return;
    const startedAtMs = Date.now();
    this.#items.set(id, { startedAtMs, summary: [], content: [], text: '' });
    const item: ThreadItem =
      raw.type === 'message'
        ? agentMessageItem(id, '', raw, startedAtMs, null)
        : { type: 'reasoning', id, summary: [], content: [], startedAtMs, completedAtMs: null };
    this.#thread.emit(ServerNotifications.itemStarted, {
      item,
      threadId: this.#thread.id,
      turnId: this.#turnId,
      startedAtMs,
    });
  }

  textDelta(itemId: string | null, delta: string): void {
    const live = itemId === null ? undefined : this.#items.get(itemId);
    if (live === undefined || itemId === null) return;
    live.text += delta;
    this.#thread.emit(ServerNotifications.agentMessageDelta, {
      threadId: this.#thread.id,
      turnId: this.#turnId,
      itemId,
      delta,
    });
  }

  summaryPartAdded(itemId: string | null, summaryIndex: number): void {
    const live = itemId === null ? undefined : this.#items.get(itemId);
    if (live === undefined || itemId === null) return;
    this.#thread.emit(ServerNotifications.reasoningSummaryPartAdded, {
      threadId: this.#thread.id,
      turnId: this.#turnId,
      itemId,
      summaryIndex,
    });
  }

  summaryDelta(itemId: string | null, summaryIndex: number, delta: string): void {
    const live = itemId === null ? undefined : this.#items.get(itemId);
    if (live === undefined || itemId === null) return;
    this.#thread.emit(ServerNotifications.reasoningSummaryTextDelta, {
      threadId: this.#thread.id,
      turnId: this.#turnId,
      itemId,
      delta,
      summaryIndex,
    });
  }

  contentDelta(itemId: string | null, contentIndex: number, delta: string): void {
    const live = itemId === null ? undefined : this.#items.get(itemId);
    if (live === undefined || itemId === null) return;
    this.#thread.emit(ServerNotifications.reasoningTextDelta, {
      threadId: this.#thread.id,
      turnId: this.#turnId,
      itemId,
      delta,
      contentIndex,
    });
  }

  /** The finished protocol item of a done output item (started now if it never was), or null for tool calls. */
  completed(raw: ResponseItem): ThreadItem | null {
    const id = itemIdOf(raw);
    if (id === null || (raw.type !== 'message' && raw.type !== 'reasoning')) return null;
    if (raw.type === 'message' && raw['role'] !== 'assistant') return null;
    if (!this.#items.has(id)) this.started(raw);
    const live = this.#items.get(id);
    this.#items.delete(id);
    const startedAtMs = live?.startedAtMs ?? Date.now();
    const completedAtMs = Date.now();
    const item: ThreadItem =
      raw.type === 'message'
        ? agentMessageItem(id, outputText(raw), raw, startedAtMs, completedAtMs)
        : {
            type: 'reasoning',
            id,
            summary: textsOf(raw['summary'], 'summary_text'),
            content: textsOf(raw['content'], 'reasoning_text'),
            startedAtMs,
            completedAtMs,
          };
    this.#thread.emit(ServerNotifications.itemCompleted, {
      item,
      threadId: this.#thread.id,
      turnId: this.#turnId,
      ...(item.type === 'agentMessage' ? { contentTokenCount: null } : {}),
      completedAtMs,
    });
    return item;
  }

  /** A stream retry abandons whatever was in progress; the next attempt starts its items again. */
  reset(): void {
    this.#items.clear();
  }
}

function agentMessageItem(
  id: string,
  text: string,
  raw: ResponseItem,
  startedAtMs: number,
  completedAtMs: number | null,
): ThreadItem {
  const phase = raw['phase'];
  return {
    type: 'agentMessage',
    id,
    text,
    phase: phase === 'commentary' || phase === 'final_answer' ? phase : null,
    moderation: null,
    memoryCitation: null,
    delivery: null,
    questions: null,
    startedAtMs,
    completedAtMs,
  };
}

function itemIdOf(raw: ResponseItem): string | null {
  const id = raw['id'];
  return typeof id === 'string' && id !== '' ? id : null;
}

/** The message's text; a one-part message yields the very string history holds, so the two share memory. */
function outputText(raw: ResponseItem): string {
  const texts = textsOf(raw['content'], 'output_text');
  return texts.length === 1 ? (texts[0] as string) : texts.join('');
}

function textsOf(parts: unknown, type: string): string[] {
  if (!Array.isArray(parts)) return [];
  const texts: string[] = [];
  for (const part of parts as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const { type: partType, text } = part as { type?: unknown; text?: unknown };
    if (partType === type && typeof text === 'string') texts.push(text);
  }
  return texts;
}

function developerMessage(text: string): ResponseItem {
  return { type: 'message', role: 'developer', content: [{ type: 'input_text', text }] };
}

/** The rollout copy of a model output message carries its turn, as the reference's does. */
function withTurnMetadata(item: ResponseItem, turnId: string): ResponseItem {
  if (item.type !== 'message') return item;
  return { ...item, internal_chat_message_metadata_passthrough: { turn_id: turnId } };
}

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/** User input as Responses-API message content. Local images are inlined as data URLs. */
async function modelContent(input: readonly UserInput[]): Promise<Record<string, unknown>[]> {
  const content: Record<string, unknown>[] = [];
  for (const part of input) {
    switch (part.type) {
      case 'text':
        content.push({ type: 'input_text', text: part.text });
        break;
      case 'image':
        content.push(
          part.url === undefined
            ? { type: 'input_image', file_id: part.fileId }
            : { type: 'input_image', image_url: part.url, ...(part.detail ? { detail: part.detail } : {}) },
        );
        break;
      case 'localImage': {
        const mime = IMAGE_TYPES[extname(part.path).toLowerCase()];
        try {
          if (mime === undefined) throw new Error('unsupported image type');
          const data = await readFile(part.path);
          content.push({ type: 'input_image', image_url: `data:${mime};base64,${data.toString('base64')}` });
        } catch (error) {
          content.push({ type: 'input_text', text: `[image ${part.path} could not be read: ${String(error)}]` });
        }
        break;
      }
      case 'skill':
      case 'mention':
        content.push({ type: 'input_text', text: `[${part.type} ${part.name}: ${part.path}]` });
        break;
      case 'audio':
      case 'localAudio':
        content.push({ type: 'input_text', text: '[audio input is not supported by this server]' });
        break;
    }
  }
  return content;
}

/** A thread's preview: its first user message's text. */
export function previewOf(input: readonly UserInput[]): string {
  return input
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n');
}

function breakdown(usage: TokenUsage | null): TokenUsageBreakdown {
  return {
    totalTokens: usage?.totalTokens ?? 0,
    inputTokens: usage?.inputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteInputTokens: 0,
    outputTokens: usage?.outputTokens ?? 0,
    reasoningOutputTokens: usage?.reasoningOutputTokens ?? 0,
  };
}

function addUsage(total: TokenUsageBreakdown | null, last: TokenUsageBreakdown): TokenUsageBreakdown {
  if (total === null) return last;
  return {
    totalTokens: total.totalTokens + last.totalTokens,
    inputTokens: total.inputTokens + last.inputTokens,
    cachedInputTokens: total.cachedInputTokens + last.cachedInputTokens,
    cacheWriteInputTokens: total.cacheWriteInputTokens + last.cacheWriteInputTokens,
    outputTokens: total.outputTokens + last.outputTokens,
    reasoningOutputTokens: total.reasoningOutputTokens + last.reasoningOutputTokens,
  };
}

/** A turn failure as the protocol reports it. */
export function toTurnError(error: unknown): TurnError {
  if (error instanceof ModelError) {
    return { message: error.message, codexErrorInfo: error.toCodexErrorInfo(), additionalDetails: null, misalignment: null };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, codexErrorInfo: 'other', additionalDetails: null, misalignment: null };
}
