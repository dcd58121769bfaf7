import type { RolloutWriter } from '../../persistence/rollout-writer.js';
import type { NotificationDefinition, NotificationParamsOf } from '../../protocol/registry-types.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { Thread, ThreadActiveFlag, ThreadStatus } from '../../protocol/v2/thread.js';
import type { ThreadTokenUsage } from '../../protocol/v2/thread-notifications.js';
import type { NonSteerableTurnKind, Turn } from '../../protocol/v2/turn.js';
import type { UserInput } from '../../protocol/v2/user-input.js';
import type { ResponseItem } from '../../model/events.js';
import type { DynamicToolSpec } from '../../protocol/v2/items-tools.js';
import type { Broadcaster } from '../clients/broadcast.js';
import type { ClientChannel } from '../clients/client-channel.js';
import { ThreadEventLog } from './thread-event-log.js';
import type { ReplayLookup } from './thread-event-log.js';
import type { ThreadSettings } from './thread-settings.js';
import type { SubAgentLink } from '../agents/sub-agent-link.js';
import type { McpServerSet } from '../mcp/mcp-server-set.js';

/** A turn that is running: what turn/interrupt and turn/steer act on. */
export interface ActiveTurn {
  readonly turnId: string;
  /** Aborting ends the turn `interrupted` and cancels the in-flight model stream. */
  readonly abort: AbortController;
  /** Resolves when the turn has fully ended (turn/completed sent, rollout flushed). */
  readonly done: Promise<void>;
  /**
   * Input sent with turn/steer. The runner records it as a user message and sends it with its next model
   * request, after the response in flight has finished (so the conversation keeps its order).
   */
  readonly pendingSteers: SteerInput[];
  /**
   * Conversation items recorded while the turn runs that are not user input (a `!` shell command's result): the
   * runner adds them to the history at its next sampling point and samples again, as it does for steers.
   */
  readonly pendingHistory: ResponseItem[];
  /** A turn input cannot join (a review); absent for a regular turn. */
  readonly notSteerable?: NonSteerableTurnKind;
}

/** A new active turn, and the function that resolves its `done` once the turn has fully ended. */
export function newActiveTurn(
  turnId: string,
  notSteerable?: NonSteerableTurnKind,
): { active: ActiveTurn; finished: () => void } {
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const active: ActiveTurn = {
    turnId,
    abort: new AbortController(),
    done,
    pendingSteers: [],
    pendingHistory: [],
    ...(notSteerable === undefined ? {} : { notSteerable }),
  };
  return { active, finished };
}

export interface SteerInput {
  readonly input: readonly UserInput[];
  readonly clientUserMessageId: string | null;
}

/** What a loaded thread was created from, fixed for its lifetime. */
export interface LoadedThreadInit {
  readonly id: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly ephemeral: boolean;
  readonly originator: string;
  readonly cliVersion: string;
  readonly forkedFromId: string | null;
  readonly baseInstructions: string;
  readonly settings: ThreadSettings;
  /** Rollout path (where it will be created for a new thread); null for an ephemeral thread. */
  readonly rolloutPath: string | null;
  readonly writer: RolloutWriter | null;
  readonly name: string | null;
  readonly preview: string;
  readonly history: ResponseItem[];
  readonly turns: Turn[];
  readonly tokenUsage: ThreadTokenUsage | null;
  /** Every initialized connection: status changes go to all of them, subscribed or not [observed]. */
  readonly everyone: Broadcaster;
  /**
   * The client's classification of the thread (thread/start `threadSource`), shown back on the thread. The
   * terminal UI marks its helper threads (title generation) this way; null when the client gave none.
   */
  readonly threadSource?: string | null;
  /** Set when the thread is a sub-agent another thread spawned. */
  readonly subAgent?: SubAgentLink | null;
  /** The tools the client offered at thread/start (`dynamicTools`, experimental), run by the client. */
  readonly dynamicTools?: readonly DynamicToolSpec[] | null;
}

/**
 * A thread held in memory: its settings, its conversation (the Responses-API items sent to the model), its
 * turns as the protocol shows them, the connections subscribed to its events, and the turn running now.
 * Every notification about the thread goes through `emit`, so every subscriber sees the same stream in the
 * same order.
 */
export class LoadedThread {
  readonly id: string;
  readonly createdAtMs: number;
  readonly ephemeral: boolean;
  readonly originator: string;
  readonly cliVersion: string;
  readonly forkedFromId: string | null;
  readonly baseInstructions: string;
  readonly threadSource: string | null;
  readonly subAgent: SubAgentLink | null;
  /** The client's own tools (see turn-tools/dynamic-tool.ts); empty when it offered none. */
  readonly dynamicTools: readonly DynamicToolSpec[];
  rolloutPath: string | null;
  writer: RolloutWriter | null;
  settings: ThreadSettings;
  name: string | null;
  preview: string;
  updatedAtMs: number;
  /** The model input of the next request (base instructions are prepended at request time). */
  readonly history: ResponseItem[];
  /** Every turn with its items (live ones included), for thread/read and thread/resume. */
  readonly turns: Turn[];
  tokenUsage: ThreadTokenUsage | null;
  status: ThreadStatus = { type: 'idle' };
  activeTurn: ActiveTurn | null = null;
  /**
   * The thread's MCP servers, given by the MCP hub when the thread is loaded and replaced on
   * `config/mcpServer/reload` (mcp/mcp-hub.ts owns their lifetime); undefined only before the hub attaches them.
   */
  mcpServers: McpServerSet | undefined = undefined;
  /** Whether the context that opens a conversation (environment) has been recorded yet. */
  contextRecorded: boolean;
  /** The numbers (`threadSeq`) and replay buffer of this thread's notifications, for this load. */
  readonly events = ThreadEventLog.startingNow();
  readonly #subscribers = new Map<number, ClientChannel>();
  readonly #everyone: Broadcaster;
  readonly #flags = new Map<ThreadActiveFlag, number>();
  readonly #unloadTasks: (() => Promise<void>)[] = [];
  /** Set when the last subscriber leaves; cleared when one comes back. */
  lastUnsubscribedAtMs: number | null = null;

  constructor(init: LoadedThreadInit) {
    this.id = init.id;
    this.createdAtMs = init.createdAtMs;
    this.updatedAtMs = init.updatedAtMs;
    this.ephemeral = init.ephemeral;
    this.originator = init.originator;
    this.cliVersion = init.cliVersion;
    this.forkedFromId = init.forkedFromId;
    this.baseInstructions = init.baseInstructions;
    this.threadSource = init.threadSource ?? null;
    this.subAgent = init.subAgent ?? null;
    this.dynamicTools = init.dynamicTools ?? [];
    this.settings = init.settings;
    this.rolloutPath = init.rolloutPath;
    this.writer = init.writer;
    this.name = init.name;
    this.preview = init.preview;
    this.history = init.history;
    this.turns = init.turns;
    this.tokenUsage = init.tokenUsage;
    this.contextRecorded = init.history.length > 0;
    this.#everyone = init.everyone;
  }

  /** Adds a subscriber; false when it already was one. */
  subscribe(channel: ClientChannel): boolean {
    if (this.#subscribers.has(channel.connectionId)) return false;
    this.#subscribers.set(channel.connectionId, channel);
    this.lastUnsubscribedAtMs = null;
    return true;
  }

  /** Removes a subscriber; false when it was not one. */
  unsubscribe(connectionId: number, now: number = Date.now()): boolean {
    const removed = this.#subscribers.delete(connectionId);
    if (removed && this.#subscribers.size === 0) this.lastUnsubscribedAtMs = now;
    return removed;
  }

  isSubscribed(connectionId: number): boolean {
    return this.#subscribers.has(connectionId);
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** The subscribed connections, in subscription order (server requests of a turn go to them). */
  subscriberChannels(): ClientChannel[] {
    return [...this.#subscribers.values()];
  }

  /**
   * Marks the running turn as waiting on the user (`active["waitingOnApproval"]` / `["waitingOnUserInput"]`);
   * nested holds of one flag count, so the flag stays until the last is released.
   */
  holdFlag(flag: ThreadActiveFlag): void {
    this.#flags.set(flag, (this.#flags.get(flag) ?? 0) + 1);
    if (this.#flags.get(flag) === 1) this.#announceFlags();
  }

  releaseFlag(flag: ThreadActiveFlag): void {
    const count = this.#flags.get(flag) ?? 0;
    if (count <= 1) this.#flags.delete(flag);
    else this.#flags.set(flag, count - 1);
    if (count === 1) this.#announceFlags();
  }

  #announceFlags(): void {
    if (this.status.type !== 'active') return;
    const order: ThreadActiveFlag[] = ['waitingOnApproval', 'waitingOnUserInput'];
    this.setStatus({ type: 'active', activeFlags: order.filter((flag) => this.#flags.has(flag)) });
  }

  /** Registers cleanup for when the thread is unloaded (running commands killed, …). */
  onUnload(task: () => Promise<void>): void {
    this.#unloadTasks.push(task);
  }

  /** Runs the cleanup registered with `onUnload`; failures are the tasks' own business. */
  async runUnloadTasks(): Promise<void> {
    const tasks = this.#unloadTasks.splice(0);
    await Promise.allSettled(tasks.map((task) => task()));
  }

  /** Sends a notification to every subscriber, numbered and kept for replay. */
  emit<D extends NotificationDefinition>(definition: D, params: NotificationParamsOf<D>): void {
    const extras = this.events.record(definition, params);
    for (const channel of this.#subscribers.values()) channel.notify(definition, params, extras);
  }

  /**
   * Sends a notification to the subscribers that opted into the experimental API, and to no one else: the
   * reference sends `thread/readState/changed` only to them [observed on 0.169.0: a plain subscriber and an
   * experimental connection that is not subscribed get none]. Not numbered nor kept for replay: a replay may go to
   * a client that never opted in, and a reconnecting client reads the current receipt with `thread/read`.
   */
  emitToExperimental<D extends NotificationDefinition>(definition: D, params: NotificationParamsOf<D>): void {
    for (const channel of this.#subscribers.values()) {
      if (channel.experimentalApi) channel.notify(definition, params);
    }
  }

  /**
   * Subscribes `channel` and sends it, in order and with their original numbers, the notifications numbered above
   * `afterSeq` (thread/resume `afterSeq`), when the buffer still holds them all. `subscribe` is the thread
   * manager's (it also drops the subscription on disconnect). Synchronous, so no live notification can come between
   * the replayed ones and the ones that follow.
   */
  subscribeAfter(channel: ClientChannel, afterSeq: number, subscribe: () => void): ReplayLookup {
    const lookup = this.events.since(afterSeq);
    subscribe();
    if (!lookup.available) return lookup;
    for (const { definition, params, extras } of lookup.notifications) {
      // Logged params were checked against their definition when first sent.
      channel.notify(definition, params as never, extras);
    }
    return lookup;
  }

  /**
   * Changes the status and tells every initialized connection (`thread/status/changed`): the reference sends
   * it beyond the subscribers, so thread lists elsewhere can show the thread as busy [observed].
   */
  setStatus(status: ThreadStatus): void {
    this.status = status;
    const definition = ServerNotifications.threadStatusChanged;
    const params = { threadId: this.id, status };
    this.#everyone.broadcast(definition, params, this.events.record(definition, params));
  }

  /** `thread/started`, which also goes to every initialized connection [observed]. */
  announceStarted(thread: Thread): void {
    this.#everyone.broadcast(ServerNotifications.threadStarted, { thread });
  }
}
