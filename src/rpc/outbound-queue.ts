import type { OutboundMessage } from '../protocol/envelope.js';
import type { Logger } from '../util/logger.js';
import { coalescingRuleFor } from './coalescible-notifications.js';
import type { CoalescingRule } from './coalescible-notifications.js';
import type { MessageTransport } from './message-transport.js';
import { rawStringsAttachedTo, serializeWithRawStrings } from '../util/raw-json-strings.js';
import type { RawJsonStrings } from '../util/raw-json-strings.js';
import { pieceByteLength } from '../util/message-pieces.js';
import type { MessagePieces } from '../util/message-pieces.js';

/** How far a client may fall behind before it is slowed down, then cut off. docs/reliability.md#limits lists them. */
export interface OutboundLimits {
  /**
   * Once the transport holds this many unsent bytes, further messages wait in this queue (where output chunks are
   * merged) and the connection stops reading requests until the transport has drained.
   */
  readonly softBytes: number;
  /** Bytes waiting in this queue that a disconnectable client may exceed only for `hardGraceMs`. */
  readonly hardBytes: number;
  readonly hardGraceMs: number;
}

export const DEFAULT_OUTBOUND_LIMITS: OutboundLimits = {
  softBytes: 1024 * 1024,
  hardBytes: 16 * 1024 * 1024,
  hardGraceMs: 10_000,
};

/** Learns what back-pressure did (the server's metrics count it). */
export interface OutboundObserver {
  /** An output chunk was merged into one already queued. */
  readonly coalesced?: () => void;
  /** The peer was cut off for staying over the byte budget. */
  readonly slowClientDisconnected?: () => void;
}

/** A message waiting for the transport: serialized already, or a run of output chunks merged when it leaves. */
type Entry =
  | { readonly kind: 'text'; readonly text: string; readonly bytes: number }
  | { readonly kind: 'pieces'; readonly pieces: MessagePieces; readonly bytes: number }
  | {
      readonly kind: 'chunks';
      readonly method: string;
      readonly rule: CoalescingRule;
      readonly key: string;
      readonly owner: string | undefined;
      readonly emittedAtMs: number;
      readonly chunks: unknown[];
      bytes: number;
    };

/** How many queued entries a new output chunk looks back over for its stream's last run. */
const COALESCE_LOOKBACK = 32;

/**
 * The bounded outbound side of one connection. Messages go straight to the transport while the peer keeps up;
 * once the transport holds `softBytes`, they wait here in order, the transport's input is paused (a client that
 * does not read gets no more of its requests read either, so a flood cannot grow memory), and chunks of one
 * output stream are merged. The queue flushes on every drain. A disconnectable peer whose queue stays over
 * `hardBytes` for `hardGraceMs` is cut off; nothing is ever dropped from a connection that stays.
 */
export class OutboundQueue {
  readonly #transport: MessageTransport;
  readonly #limits: OutboundLimits;
  readonly #log: Logger;
  /** A deque: entries before `#head` were sent (compacted now and then, so shifting stays O(1)). */
  #entries: (Entry | undefined)[] = [];
  #head = 0;
  #queuedBytes = 0;
  #inputPaused = false;
  #overBudgetTimer: NodeJS.Timeout | undefined;
  #writableWaiters: (() => void)[] = [];
  #closed = false;
  readonly #observer: OutboundObserver;

  constructor(transport: MessageTransport, limits: OutboundLimits, log: Logger, observer: OutboundObserver = {}) {
    this.#transport = transport;
    this.#limits = limits;
    this.#log = log;
    this.#observer = observer;
    transport.onDrain(() => this.#flush());
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get queuedMessages(): number {
    return this.#entries.length - this.#head;
  }

  get inputPaused(): boolean {
    return this.#inputPaused;
  }

  /** Whether the peer is behind: messages wait here or the transport holds `softBytes`. */
  get backlogged(): boolean {
    return this.queuedMessages > 0 || this.#transport.bufferedBytes >= this.#limits.softBytes;
  }

  /**
   * Runs `callback` once the backlog has cleared (never, if the queue closes first). The connection holds back
   * dispatching requests until then, so answers are only produced as fast as the client reads them.
   */
  whenWritable(callback: () => void): void {
    if (this.#closed) return;
    this.#writableWaiters.push(callback);
  }

  push(message: OutboundMessage): void {
    if (this.#closed) return;
    const raw = 'result' in message ? rawStringsAttachedTo(message.result) : undefined;
    if (raw !== undefined) {
      this.#pushPieces(serializeWithRaw(message, raw, this.#log));
      this.#updatePressure();
      return;
    }
    if (this.queuedMessages === 0 && this.#transport.bufferedBytes < this.#limits.softBytes) {
      this.#transport.send(JSON.stringify(message));
      // The common case is a client that keeps up: nothing paused or timed, no waiters, still under the soft limit,
      // where #updatePressure would change nothing.
      const pressureMayChange =
        this.#inputPaused ||
        this.#overBudgetTimer !== undefined ||
        this.#writableWaiters.length > 0 ||
        this.#transport.bufferedBytes >= this.#limits.softBytes;
      if (pressureMayChange) this.#updatePressure();
      return;
    }
    if (!this.#coalesce(message)) this.#enqueue(message);
    this.#updatePressure();
  }

  /** A message serialized in pieces (a big answer): sent like any other, never joined into one string. */
  #pushPieces(pieces: MessagePieces): void {
    if (this.queuedMessages === 0 && this.#transport.bufferedBytes < this.#limits.softBytes) {
      this.#transport.sendPieces(pieces);
      return;
    }
    const bytes = pieces.reduce((total, piece) => total + pieceByteLength(piece), 0);
    this.#entries.push({ kind: 'pieces', pieces, bytes });
    this.#queuedBytes += bytes;
  }

  /** Forgets everything queued; later pushes are ignored. */
  close(): void {
    this.#closed = true;
    this.#entries = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    this.#writableWaiters = [];
    clearTimeout(this.#overBudgetTimer);
    this.#overBudgetTimer = undefined;
  }

  #enqueue(message: OutboundMessage): void {
    if ('emittedAtMs' in message) {
      const rule = coalescingRuleFor(message.method);
      const key = rule?.key(message.params);
      if (rule !== undefined && key !== undefined) {
        const bytes = JSON.stringify(message).length;
        this.#entries.push({
          kind: 'chunks',
          method: message.method,
          rule,
          key,
          owner: rule.owner(message.params),
          emittedAtMs: message.emittedAtMs,
          chunks: [message.params],
          bytes,
        });
        this.#queuedBytes += bytes;
        return;
      }
    }
    const text = JSON.stringify(message);
    this.#entries.push({ kind: 'text', text, bytes: text.length });
    this.#queuedBytes += text.length;
  }

  /**
   * Appends an output chunk to the latest queued run of its stream, when only other streams' chunks were queued
   * since (anything else, or a sibling stream of the same owner, keeps its place between them).
   */
  #coalesce(message: OutboundMessage): boolean {
    if (!('emittedAtMs' in message)) return false;
    const rule = coalescingRuleFor(message.method);
    const key = rule?.key(message.params);
    if (rule === undefined || key === undefined) return false;
    const owner = rule.owner(message.params);
    const stop = Math.max(this.#head, this.#entries.length - COALESCE_LOOKBACK);
    for (let index = this.#entries.length - 1; index >= stop; index--) {
      const entry = this.#entries[index];
      if (entry === undefined || entry.kind !== 'chunks') return false;
      if (entry.method === message.method && entry.key === key) {
        const bytes = JSON.stringify(message.params).length;
        entry.chunks.push(message.params);
        entry.bytes += bytes;
        this.#queuedBytes += bytes;
        this.#observer.coalesced?.();
        return true;
      }
      if (owner !== undefined && entry.owner === owner) return false;
    }
    return false;
  }

  #flush(): void {
    if (this.#closed) return;
    while (this.#head < this.#entries.length && this.#transport.bufferedBytes < this.#limits.softBytes) {
      const entry = this.#entries[this.#head] as Entry;
      this.#entries[this.#head] = undefined;
      this.#head += 1;
      this.#queuedBytes -= entry.bytes;
      if (entry.kind === 'pieces') this.#transport.sendPieces(entry.pieces);
      else this.#transport.send(entry.kind === 'text' ? entry.text : serializeChunks(entry));
    }
    if (this.#head === this.#entries.length) {
      this.#entries = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    this.#updatePressure();
  }

  #updatePressure(): void {
    if (this.#closed) return;
    const backlogged = this.backlogged;
    if (backlogged !== this.#inputPaused) {
      this.#inputPaused = backlogged;
      if (backlogged) this.#transport.pauseInput();
      else this.#transport.resumeInput();
    }

    const overBudget = this.#queuedBytes > this.#limits.hardBytes;
    if (overBudget && this.#overBudgetTimer === undefined && this.#transport.disconnectSlowPeer !== undefined) {
      this.#overBudgetTimer = setTimeout(() => this.#onGraceExpired(), this.#limits.hardGraceMs);
      this.#overBudgetTimer.unref();
    } else if (!overBudget && this.#overBudgetTimer !== undefined) {
      clearTimeout(this.#overBudgetTimer);
      this.#overBudgetTimer = undefined;
    }
    // Last: a waiter dispatches requests, whose answers come back through `push`.
    if (!backlogged && this.#writableWaiters.length > 0) {
      for (const waiter of this.#writableWaiters.splice(0)) waiter();
    }
  }

  #onGraceExpired(): void {
    this.#overBudgetTimer = undefined;
    if (this.#closed || this.#queuedBytes <= this.#limits.hardBytes) return;
    this.#log.error(
      {
        transport: this.#transport.description,
        queuedBytes: this.#queuedBytes,
        queuedMessages: this.queuedMessages,
        hardBytes: this.#limits.hardBytes,
        graceMs: this.#limits.hardGraceMs,
      },
      'disconnecting slow connection after outbound queue stayed over its budget',
    );
    const queuedBytes = this.#queuedBytes;
    this.close();
    this.#observer.slowClientDisconnected?.();
    this.#transport.disconnectSlowPeer?.(`slow client: ${queuedBytes} bytes waiting`);
  }
}

/**
 * A message whose result holds raw string placeholders, in pieces. Should a placeholder have been altered (a bug:
 * serializeWithRawStrings refuses it), the message is sent with every long string decoded instead.
 */
function serializeWithRaw(message: OutboundMessage, raw: RawJsonStrings, log: Logger): MessagePieces {
  try {
    return serializeWithRawStrings(message, raw);
  } catch (error) {
    log.error({ err: error }, 'sending a big answer without raw strings');
    raw.materialize(message);
    return [JSON.stringify(message)];
  }
}

function serializeChunks(entry: Extract<Entry, { kind: 'chunks' }>): string {
  const params = entry.chunks.length === 1 ? entry.chunks[0] : entry.rule.merge(entry.chunks);
  return JSON.stringify({ method: entry.method, params, emittedAtMs: entry.emittedAtMs });
}
