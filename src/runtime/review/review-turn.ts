import { ModelError } from '../../model/errors.js';
import type { ResponseItem } from '../../model/events.js';
import type { ModelRequest } from '../../model/request.js';
import type { RolloutItem } from '../../persistence/rollout-schema.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { ReviewTarget } from '../../protocol/v2/review.js';
import type { Turn } from '../../protocol/v2/turn.js';
import { uuidv7 } from '../../util/ids.js';
import { environmentContext, localEnvironmentFacts } from '../context/environment-context.js';
import { newActiveTurn } from '../threads/loaded-thread.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import * as records from '../rollout/rollout-records.js';
import { toolCallOf, toolOutputItem } from '../turn-tools/tool-call.js';
import type { ToolContext, ToolHandler, ToolOutput } from '../turn-tools/tool-context.js';
import type { ToolCall } from '../turn-tools/tool-call.js';
import { TurnHooks } from '../hooks/turn-hooks.js';
import type { TurnDependencies } from '../turns/turn-dependencies.js';
import { appendToRollout, flushRollout } from '../rollout/rollout-append.js';
import { developerMessage, startedTurnView, toTurnError } from '../turns/turn-views.js';
import { announceTurnEnd, recordTurnEnd, type TurnOutcome } from '../turns/turn-ending.js';
import { mergeBase } from './merge-base.js';
import { coreEnteredReviewMode, coreExitedReviewMode } from '../rollout/core-dialect/core-review-items.js';
import { EMPTY_REVIEW_TEXT, INTERRUPTED_REVIEW_TEXT, parseReviewOutput, renderReview } from './review-output.js';
import type { ReviewOutputJson } from './review-output.js';
import { REVIEW_INSTRUCTIONS, reviewLabel, reviewRequestText } from './review-prompt.js';

/** The tools a reviewer may use: it reads and runs commands, and may ask the user; it edits nothing. */
const REVIEW_TOOLS = new Set(['exec_command', 'write_stdin', 'request_user_input']);
/** A reviewer that keeps calling tools is stopped here, as a regular turn would be. */
const MAX_REVIEW_REQUESTS = 64;

type AgentMessage = Extract<ThreadItem, { type: 'agentMessage' }>;

/**
 * review/start's turn (inline delivery). Observed from the reference 0.169.0, in order: the answer (the turn
 * `inProgress` with one user message labelling the review, `rootTurnId: null`) → `enteredReviewMode` →
 * `thread/status/changed active` → `turn/started` (of the reviewer's own turn, rooted at the review turn) → the
 * review request as a user message → the start of the reviewer's message (never streamed or completed: its
 * answer is JSON) → `exitedReviewMode` with the rendered review → an agent message with the same text →
 * `thread/readState/changed` → `thread/status/changed idle` → `turn/completed`.
 *
 * The reviewer is asked in a conversation of its own (review instructions instead of the thread's, the
 * environment, the request, its tool calls); the thread's conversation only gains the outcome: a user message
 * saying a review ran with its results, and the rendered review as the assistant's answer. Failures end the
 * review too: an unusable answer is shown as it came, an empty one as an interrupted review, a model error as a
 * failed turn (after `exitedReviewMode`, so a client leaves review mode). A turn running when the review is asked
 * for is interrupted first, as the reference does.
 */
export function startReview(
  thread: LoadedThread,
  target: ReviewTarget,
  deps: TurnDependencies,
  afterResponse: (task: () => void) => void,
): Turn {
  const turnId = uuidv7();
  const { active, finished } = newActiveTurn(turnId, 'review');
  // A running turn gives way: it is interrupted (and has ended) before the review starts [observed].
  const previous = thread.activeTurn;
  thread.activeTurn = active;
  const label = reviewLabel(target);
  const answer: Turn = {
    ...startedTurnView(turnId),
    rootTurnId: null,
    items: [
      {
        type: 'userMessage',
        id: turnId,
        clientId: null,
        content: [{ type: 'text', text: label, text_elements: [] }],
        startedAtMs: null,
        completedAtMs: null,
      },
    ],
  };
  afterResponse(() => {
    previous?.abort.abort(new Error('interrupted by a review'));
    void (previous?.done ?? Promise.resolve())
      .then(() => new ReviewRun(thread, turnId, active.abort.signal, target, deps).run(label))
      .catch((error: unknown) => deps.log.error({ err: error, threadId: thread.id }, 'review crashed'))
      .finally(() => {
        if (thread.activeTurn === active) thread.activeTurn = null;
        finished();
        deps.onTurnFinished(thread);
      });
  });
  return answer;
}

class ReviewRun {
  readonly #thread: LoadedThread;
  readonly #turnId: string;
  readonly #signal: AbortSignal;
  readonly #target: ReviewTarget;
  readonly #deps: TurnDependencies;
  readonly #startedAtMs = Date.now();
  readonly #record: Turn;

  constructor(thread: LoadedThread, turnId: string, signal: AbortSignal, target: ReviewTarget, deps: TurnDependencies) {
    this.#thread = thread;
    this.#turnId = turnId;
    this.#signal = signal;
    this.#target = target;
    this.#deps = deps;
    this.#record = {
      ...startedTurnView(turnId),
      itemsView: 'full',
      startedAt: Math.floor(this.#startedAtMs / 1000),
    };
  }

  async run(label: string): Promise<void> {
    const thread = this.#thread;
    this.#persist(records.taskStarted(this.#turnId, this.#startedAtMs, this.#deps.modelContextWindow));
    const entered = this.#item({
      type: 'enteredReviewMode',
      id: uuidv7(),
      review: label,
      startedAtMs: Date.now(),
      completedAtMs: null,
    });
    this.#persistItem(entered, coreEnteredReviewMode(entered.id, this.#target, label));
    thread.setStatus({ type: 'active', activeFlags: [] });
    // The reviewer's own turn, as the reference announces it; thread/read keeps it beside the review turn.
    const reviewerTurn: Turn = { ...this.#record, id: uuidv7(), rootTurnId: this.#turnId, items: [] };
    thread.turns.push(reviewerTurn, this.#record);
    thread.emit(ServerNotifications.turnStarted, {
      threadId: thread.id,
      turn: { ...reviewerTurn, items: [], itemsView: 'notLoaded' },
    });
    const base = this.#target.type === 'baseBranch' ? await mergeBase(thread.settings.cwd, this.#target.branch) : null;
    const requestText = reviewRequestText(this.#target, base);
    const now = Date.now();
    const request: ThreadItem = {
      type: 'userMessage',
      id: uuidv7(now),
      clientId: null,
      content: [{ type: 'text', text: requestText, text_elements: [] }],
      startedAtMs: now,
      completedAtMs: null,
    };
    reviewerTurn.items.push(this.#announce(request));
    Object.assign(reviewerTurn, { status: 'interrupted' });
    if (thread.preview === '') thread.preview = requestText;

    let outcome: { status: 'completed' } | { status: 'interrupted' } | { status: 'failed'; error: unknown };
    let review = INTERRUPTED_REVIEW_TEXT;
    let exitedText = INTERRUPTED_REVIEW_TEXT;
    let json: ReviewOutputJson | null = null;
    try {
      const output = parseReviewOutput(await this.#askReviewer(requestText, reviewerTurn.id));
      review = renderReview(output);
      json = output?.json ?? null;
      exitedText = output === null ? EMPTY_REVIEW_TEXT : review;
      outcome = { status: 'completed' };
    } catch (error) {
      outcome = this.#signal.aborted ? { status: 'interrupted' } : { status: 'failed', error };
      if (!(error instanceof ModelError) && !this.#signal.aborted) {
        this.#deps.log.error({ err: error, threadId: thread.id }, 'review failed');
      }
    }
    const exited = this.#item({
      type: 'exitedReviewMode',
      id: uuidv7(),
      review: exitedText,
      startedAtMs: Date.now(),
      completedAtMs: null,
    });
    this.#persistItem(exited, coreExitedReviewMode(exited.id, json));
    await this.#finish(outcome, review);
  }

  /**
   * Runs the reviewer's conversation to its final message and returns that message's text. The userPromptSubmit,
   * preToolUse and postToolUse hooks run in it, reported under the reviewer's turn, their context going into the
   * reviewer's conversation; sessionStart and stop hooks do not run in a review [observed].
   */
  async #askReviewer(requestText: string, reviewerTurnId: string): Promise<string> {
    const thread = this.#thread;
    const settings = thread.settings;
    const tools = this.#deps.tools.filter((tool) => REVIEW_TOOLS.has(tool.name));
    const conversation: ResponseItem[] = [
      developerMessage(REVIEW_INSTRUCTIONS),
      userMessage(environmentContext(localEnvironmentFacts(settings, this.#deps.env))),
      userMessage(requestText),
    ];
    const hooks = await TurnHooks.load(
      {
        thread,
        turnId: reviewerTurnId,
        signal: this.#signal,
        env: this.#deps.env,
        log: this.#deps.log,
        recordHistory: (item) => conversation.push(item),
        keepItem: () => {},
      },
      this.#deps.hooks,
    );
    hooks.recordContexts((await hooks.userPromptSubmit(requestText)).contexts);
    let answer = '';
    let announced = false;
    for (let round = 0; round < MAX_REVIEW_REQUESTS; round++) {
      const request: ModelRequest = {
        model: settings.model,
        input: conversation,
        tools: tools.map((tool) => tool.spec()),
        ...(settings.reasoningEffort === null ? {} : { reasoning: { effort: settings.reasoningEffort } }),
        promptCacheKey: thread.id,
        clientMetadata: { thread_id: thread.id, session_id: thread.id, turn_id: this.#turnId },
        identity: { ...this.#deps.identity, threadId: thread.id },
      };
      const calls = [];
      const stream = this.#deps.modelClient.stream(request, {
        signal: this.#signal,
        ...(this.#deps.requestHeaders === undefined ? {} : { requestHeaders: this.#deps.requestHeaders }),
      });
      for await (const event of stream) {
        if (event.type === 'outputItemAdded' && event.item.type === 'message' && !announced) {
          // The reference shows the start of the reviewer's message, and nothing more of it.
          announced = true;
          this.#emitStarted(agentMessage(typeof event.item.id === 'string' ? event.item.id : uuidv7(), '', Date.now()));
        }
        if (event.type !== 'outputItemDone') continue;
        conversation.push(event.item);
        if (event.item.type === 'message' && event.item.role === 'assistant') answer = messageText(event.item);
        const call = toolCallOf(event.item);
        if (call !== null) calls.push(call);
      }
      if (calls.length === 0) return answer;
      for (const call of calls) {
        const hooked = await hooks.preToolUse(call);
        const output =
          'blocked' in hooked
            ? hooked.blocked
            : await hooks.postToolUse(hooked.call, await this.#runTool(tools, hooked.call));
        conversation.push(toolOutputItem(call, output));
        this.#signal.throwIfAborted();
      }
    }
    throw new Error(`the reviewer kept calling tools after ${MAX_REVIEW_REQUESTS} requests`);
  }

  async #runTool(tools: readonly ToolHandler[], call: ToolCall): Promise<ToolOutput> {
    const handler = tools.find((tool) => tool.name === call.name);
    return handler?.handle === undefined ? `unsupported call: ${call.name}` : handler.handle(call, this.#toolContext());
  }

  #toolContext(): ToolContext {
    return {
      thread: this.#thread,
      turnId: this.#turnId,
      signal: this.#signal,
      // The reviewer's own conversation is not the thread's: its tool traffic stays out of the rollout.
      persist: () => {},
      recordItem: () => {},
      interruptTurn: () => {},
      log: this.#deps.log,
    };
  }

  async #finish(
    outcome: { status: 'completed' } | { status: 'interrupted' } | { status: 'failed'; error: unknown },
    review: string,
  ): Promise<void> {
    const thread = this.#thread;
    const message = this.#item(agentMessage(`msg_${uuidv7()}`, review, Date.now()));
    const line = records.itemCompleted(thread.id, this.#turnId, message);
    if (line !== null) this.#persist(line);
    // The thread's conversation learns that a review ran and what it found.
    for (const item of [userMessage(reviewRecordText(review)), assistantMessage(review)]) {
      thread.history.push(item);
      this.#persist(records.responseItem(item));
    }
    const ending: TurnOutcome =
      outcome.status === 'failed' ? { status: 'failed', error: toTurnError(outcome.error) } : outcome;
    await recordTurnEnd(thread, this.#record, this.#startedAtMs, ending, {
      persist: (item) => this.#persist(item),
      flush: () => this.#flush(),
    });
    if (ending.status === 'completed') await this.#deps.onTurnEnded(thread, this.#turnId);
    const completed = ending.status === 'completed';
    announceTurnEnd(thread, ending, {
      ...this.#record,
      rootTurnId: this.#turnId,
      items: completed ? [message] : [],
      itemsView: completed ? 'summary' : 'notLoaded',
    });
  }

  /** Announces a finished item of the review turn (started, then completed) and keeps it in the turn. */
  #item(item: ThreadItem): ThreadItem {
    const completed = this.#announce(item);
    this.#record.items.push(completed);
    return completed;
  }

  #announce(item: ThreadItem): ThreadItem {
    const thread = this.#thread;
    this.#emitStarted(item);
    const completedAtMs = Date.now();
    const completed = { ...item, completedAtMs } as ThreadItem;
    thread.emit(ServerNotifications.itemCompleted, {
      item: completed,
      threadId: thread.id,
      turnId: this.#turnId,
      contentTokenCount: null,
      completedAtMs,
    });
    return completed;
  }

  #emitStarted(item: ThreadItem): void {
    this.#thread.emit(ServerNotifications.itemStarted, {
      item,
      threadId: this.#thread.id,
      turnId: this.#turnId,
      startedAtMs: item.startedAtMs ?? Date.now(),
    });
  }

  /** The `item_completed` of a review marker, in the core's shape the reference writes. */
  #persistItem(item: ThreadItem, core: Record<string, unknown>): void {
    this.#persist({
      type: 'event_msg',
      payload: {
        type: 'item_completed',
        thread_id: this.#thread.id,
        turn_id: this.#turnId,
        item: core,
        started_at_ms: item.startedAtMs ?? null,
        completed_at_ms: item.completedAtMs ?? null,
      },
    });
  }

  #persist(item: RolloutItem): void {
    appendToRollout(this.#thread, this.#deps.log, item);
  }

  #flush(): Promise<void> {
    return flushRollout(this.#thread, this.#deps.log, this.#deps.onPersisted);
  }
}

/** How the thread's conversation records a finished review for the model's later turns. */
function reviewRecordText(review: string): string {
  return [
    '<user_action>',
    '  <context>The user ran a code review of their changes; these are the reviewer\'s results. The user may ' +
      'ask you to address some of the findings.</context>',
    '  <action>review</action>',
    '  <results>',
    `  ${review}`,
    '  </results>',
    '  </user_action>',
    '',
  ].join('\n');
}

function agentMessage(id: string, text: string, startedAtMs: number): AgentMessage {
  return {
    type: 'agentMessage',
    moderation: null,
    id,
    text,
    phase: null,
    memoryCitation: null,
    delivery: null,
    questions: null,
    startedAtMs,
    completedAtMs: null,
  };
}

function messageText(item: ResponseItem): string {
  const content = Array.isArray(item.content) ? (item.content as { type?: string; text?: string }[]) : [];
  return content
    .filter((part) => part.type === 'output_text')
    .map((part) => part.text ?? '')
    .join('');
}

function userMessage(text: string): ResponseItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

function assistantMessage(text: string): ResponseItem {
  return { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] };
}
