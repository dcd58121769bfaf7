import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboundMessage } from '../../../src/protocol/envelope.js';
import { pieceByteLength, pieceText } from '../../../src/util/message-pieces.js';
import type { MessagePieces } from '../../../src/util/message-pieces.js';
import type { Disposer, MessageTransport } from '../../../src/rpc/message-transport.js';
import { OutboundQueue } from '../../../src/rpc/outbound-queue.js';
import { attachRawStrings, RawJsonStrings } from '../../../src/util/raw-json-strings.js';
import type { OutboundLimits } from '../../../src/rpc/outbound-queue.js';
import { createSilentLogger } from '../../../src/util/logger.js';

/** A transport whose backlog the test sets: `bufferedBytes` is what the "kernel" has not taken yet. */
class SlowTransport implements MessageTransport {
  readonly description = 'slow';
  readonly sent: Record<string, unknown>[] = [];
  /** The messages that came as pieces (they are in `sent` too). */
  readonly piecewise: MessagePieces[] = [];
  bufferedBytes = 0;
  inputPaused = false;
  disconnectedWith: string | undefined;
  readonly #drainListeners: (() => void)[] = [];
  readonly disconnectSlowPeer: ((reason: string) => void) | undefined;

  constructor(disconnectable: boolean) {
    this.disconnectSlowPeer = disconnectable
      ? (reason) => {
          this.disconnectedWith = reason;
        }
      : undefined;
  }

  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  sendPieces(pieces: MessagePieces): void {
    this.piecewise.push(pieces);
    this.send(pieces.map(pieceText).join(''));
  }
  onMessage(): Disposer {
    return () => {};
  }
  onClose(): Disposer {
    return () => {};
  }
  close(): void {}
  onDrain(listener: () => void): Disposer {
    this.#drainListeners.push(listener);
    return () => {};
  }
  pauseInput(): void {
    this.inputPaused = true;
  }
  resumeInput(): void {
    this.inputPaused = false;
  }

  /** The peer read everything. */
  drain(): void {
    this.bufferedBytes = 0;
    for (const listener of this.#drainListeners) listener();
  }
}

const LIMITS: OutboundLimits = { softBytes: 1000, hardBytes: 5000, hardGraceMs: 30 };

function setup(disconnectable = true, limits = LIMITS) {
  const transport = new SlowTransport(disconnectable);
  const queue = new OutboundQueue(transport, limits, createSilentLogger());
  return { transport, queue };
}

function notification(method: string, params: unknown): OutboundMessage {
  return { method, params, emittedAtMs: 1 };
}

function execChunk(stream: 'stdout' | 'stderr', text: string, capReached = false): OutboundMessage {
  return notification('command/exec/outputDelta', {
    processId: 'p1',
    stream,
    deltaBase64: Buffer.from(text).toString('base64'),
    capReached,
  });
}

function itemChunk(itemId: string, delta: string): OutboundMessage {
  return notification('item/commandExecution/outputDelta', { threadId: 't', turnId: 'u', itemId, delta });
}

function decoded(message: Record<string, unknown>): string {
  const params = message.params as { deltaBase64: string };
  return Buffer.from(params.deltaBase64, 'base64').toString('utf8');
}

describe('OutboundQueue', () => {
  it('writes straight through while the peer keeps up', () => {
    const { transport, queue } = setup();
    queue.push({ id: 1, result: {} });
    queue.push(execChunk('stdout', 'a'));
    queue.push(execChunk('stdout', 'b'));
    assert.equal(transport.sent.length, 3, 'nothing is merged while nothing waits');
    assert.equal(queue.queuedMessages, 0);
    assert.equal(transport.inputPaused, false);
  });

  it('holds messages in order and pauses input while the transport is backed up, then flushes on drain', () => {
    const { transport, queue } = setup();
    transport.bufferedBytes = 1000;
    queue.push({ id: 1, result: { a: 1 } });
    queue.push(notification('item/agentMessage/delta', { delta: 'x' }));
    queue.push(notification('item/agentMessage/delta', { delta: 'y' }));
    assert.equal(transport.sent.length, 0);
    assert.equal(queue.queuedMessages, 3, 'transcript deltas are never merged');
    assert.equal(transport.inputPaused, true);
    transport.drain();
    assert.deepEqual(
      transport.sent.map((message) => message.id ?? (message.params as { delta: string }).delta),
      [1, 'x', 'y'],
    );
    assert.equal(queue.queuedBytes, 0);
    assert.equal(transport.inputPaused, false);
  });

  it('merges queued chunks of one stream without losing or reordering bytes', () => {
    const { transport, queue } = setup();
    transport.bufferedBytes = 1000;
    // Odd lengths: base64 texts of 1- and 2-byte chunks cannot simply be concatenated.
    queue.push(execChunk('stdout', 'a'));
    queue.push(execChunk('stdout', 'bc'));
    queue.push(execChunk('stdout', 'déf', true));
    queue.push(execChunk('stderr', 'E1'));
    queue.push(execChunk('stdout', 'g'));
    queue.push(execChunk('stderr', 'E2'));
    transport.drain();
    assert.deepEqual(
      transport.sent.map((message) => [(message.params as { stream: string }).stream, decoded(message)]),
      [
        ['stdout', 'abcdéf'],
        ['stderr', 'E1'],
        ['stdout', 'g'],
        ['stderr', 'E2'],
      ],
      "a process's stdout and stderr keep their interleaving",
    );
    assert.equal((transport.sent[0]?.params as { capReached: boolean }).capReached, true);
  });

  it("merges a command item's chunks across other items' chunks but never across a lifecycle message", () => {
    const { transport, queue } = setup();
    transport.bufferedBytes = 1000;
    queue.push(itemChunk('A', 'a1'));
    queue.push(itemChunk('B', 'b1'));
    queue.push(itemChunk('A', 'a2'));
    queue.push(notification('item/completed', { item: { id: 'B' } }));
    queue.push(itemChunk('A', 'a3'));
    transport.drain();
    assert.deepEqual(
      transport.sent.map((message) =>
        message.method === 'item/completed' ? 'completed B' : (message.params as { delta: string }).delta,
      ),
      ['a1a2', 'b1', 'completed B', 'a3'],
    );
  });

  it('flushes only while the transport stays under the soft limit', () => {
    const { transport, queue } = setup();
    transport.bufferedBytes = 1000;
    for (let id = 0; id < 5; id++) queue.push({ id, result: {} });
    // The transport takes two messages and is full again.
    const send = transport.send.bind(transport);
    transport.send = (text) => {
      send(text);
      if (transport.sent.length === 2) transport.bufferedBytes = 1000;
    };
    transport.drain();
    assert.equal(transport.sent.length, 2);
    assert.equal(queue.queuedMessages, 3);
    assert.equal(transport.inputPaused, true);
    transport.drain();
    assert.deepEqual(
      transport.sent.map((message) => message.id),
      [0, 1, 2, 3, 4],
    );
  });

  // The grace period is a timer: these tests move a mocked clock instead of waiting for it.
  it('cuts off a disconnectable peer that stays over the hard budget for the grace period', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { transport, queue } = setup();
    transport.bufferedBytes = 1000;
    queue.push({ id: 1, result: { pad: 'x'.repeat(6000) } });
    t.mock.timers.tick(LIMITS.hardGraceMs - 1);
    assert.equal(transport.disconnectedWith, undefined, 'not before the grace period');
    t.mock.timers.tick(1);
    assert.match(String(transport.disconnectedWith), /^slow client: \d+ bytes waiting$/);
    assert.equal(queue.queuedBytes, 0, 'the backlog is released');
    queue.push({ id: 2, result: {} });
    assert.equal(queue.queuedMessages, 0, 'a cut-off queue takes nothing more');
  });

  it('keeps a peer that gets back under the budget within the grace period', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { transport, queue } = setup();
    transport.bufferedBytes = 1000;
    queue.push({ id: 1, result: { pad: 'x'.repeat(6000) } });
    t.mock.timers.tick(LIMITS.hardGraceMs - 1);
    transport.drain();
    t.mock.timers.tick(LIMITS.hardGraceMs * 10);
    assert.equal(transport.disconnectedWith, undefined);
    assert.equal(transport.sent.length, 1);
  });

  it('never cuts off a transport that cannot be replaced (stdio), however far behind', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { transport, queue } = setup(false);
    transport.bufferedBytes = 1000;
    queue.push({ id: 1, result: { pad: 'x'.repeat(6000) } });
    t.mock.timers.tick(LIMITS.hardGraceMs * 10);
    assert.equal(queue.queuedMessages, 1);
    transport.drain();
    assert.equal(transport.sent.length, 1);
  });

  it('sends an answer holding raw strings in pieces, the raw bytes as they are, in order with other messages', () => {
    const { transport, queue } = setup();
    const literal = Buffer.from(JSON.stringify(`long "answer" ${'é'.repeat(3000)}`));
    const raw = new RawJsonStrings();
    const result = attachRawStrings({ turns: [{ text: raw.placeholderFor(literal), id: 'a' }] }, raw);
    transport.bufferedBytes = 1000;
    queue.push(notification('first', {}));
    queue.push({ id: 1, result });
    queue.push(notification('last', {}));
    assert.equal(queue.queuedMessages, 3);
    transport.drain();
    assert.deepEqual(
      transport.sent.map((message) => message['method'] ?? message['id']),
      ['first', 1, 'last'],
    );
    assert.deepEqual(transport.sent[1], { id: 1, result: { turns: [{ text: JSON.parse(literal.toString()), id: 'a' }] } });
    const [pieces] = transport.piecewise;
    assert.ok(pieces?.includes(literal), 'the literal goes out as the very buffer it was read into');
    assert.ok(pieces?.every((piece) => piece === literal || pieceByteLength(piece) < 100), 'no piece copies the long string');
  });
});
