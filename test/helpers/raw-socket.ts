import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { MAX_INBOUND_MESSAGE_BYTES } from '../../src/protocol/message-limits.js';
import { WAIT_MS } from './rpc-client.js';

/**
 * A bare `ws` client for tests that misbehave on purpose (oversized or malformed frames, a reader that stops):
 * no schema validation, every received message kept in order for `next`.
 */
export class RawSocket {
  readonly socket: WebSocket;
  readonly #queue: Record<string, unknown>[] = [];
  #wake: (() => void) | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.#queue.push(
        isBinary ? { binary: data.length } : (JSON.parse(data.toString('utf8')) as Record<string, unknown>),
      );
      this.#wake?.();
    });
  }

  static async connect(url: string): Promise<RawSocket> {
    // It must be able to receive what it may send here; ws's client default is 100 MiB.
    const socket = new WebSocket(url, { maxPayload: 2 * MAX_INBOUND_MESSAGE_BYTES });
    socket.on('error', () => {});
    const raw = new RawSocket(socket);
    await once(socket, 'open');
    return raw;
  }

  /** The TCP socket under the websocket: pausing it makes a client that does not read. */
  get tcp(): Duplex {
    return (this.socket as unknown as { _socket: Duplex })._socket;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Messages received and not yet taken by `next`. */
  get pending(): number {
    return this.#queue.length;
  }

  /** The next received message, in order; fails after `timeoutMs`. */
  async next(timeoutMs = WAIT_MS): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.readyState === WebSocket.CLOSED) throw new Error('no message');
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, Math.min(left, 100)).unref();
      });
    }
    return this.#queue.shift() as Record<string, unknown>;
  }

  /** `initialize`, skipping its answer and the notification that follows it. */
  async initialize(): Promise<void> {
    this.send({ id: '__init', method: 'initialize', params: { clientInfo: { name: 'raw', title: null, version: '1' } } });
    assert.equal((await this.next()).id, '__init');
    assert.equal((await this.next()).method, 'remoteControl/status/changed');
  }

  /** The close code and reason; fails after WAIT_MS (a hang is a failure). */
  async closed(): Promise<{ code: number; reason: string }> {
    if (this.socket.readyState === WebSocket.CLOSED) throw new Error('already closed');
    const [code, reason] = (await Promise.race([
      once(this.socket, 'close'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('socket was not closed')), WAIT_MS).unref()),
    ])) as [number, Buffer];
    return { code, reason: reason.toString('utf8') };
  }

  close(): void {
    this.socket.terminate();
  }
}
