import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { MAX_INBOUND_MESSAGE_BYTES } from '../../src/protocol/message-limits.js';
import { loadReferenceSchema } from './reference-schema.js';
import { WAIT_MS } from './rpc-client.js';

/**
 * A bare `ws` client for tests that misbehave on purpose (oversized or malformed frames, a reader that stops):
 * every received message kept in order for `next`. Like RpcTestClient, it validates every message the server
 * sends against the reference schema (off the hot path: a violation fails the next `next` and `close`).
 */
export class RawSocket {
  readonly socket: WebSocket;
  readonly #queue: Record<string, unknown>[] = [];
  /** The methods of the requests sent, by id, oldest first (a misbehaving test may reuse an id). */
  readonly #methodsById = new Map<string | number, string[]>();
  readonly #schemaErrors: Error[] = [];
  #validation: Promise<void> = Promise.resolve();
  #wake: (() => void) | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const message = isBinary ? { binary: data.length } : (JSON.parse(data.toString('utf8')) as Record<string, unknown>);
      this.#queue.push(message);
      if (isBinary) this.#schemaErrors.push(new Error('the server sent a binary frame'));
      else this.#validate(message);
      this.#wake?.();
    });
  }

  #validate(message: Record<string, unknown>): void {
    // The method is taken when the response arrives, so a reused id matches its requests in order.
    const id = message['id'];
    const isResponse = !('method' in message) && (typeof id === 'string' || typeof id === 'number');
    const method = isResponse ? this.#methodsById.get(id)?.shift() : undefined;
    this.#validation = this.#validation.then(async () => {
      try {
        const schema = await loadReferenceSchema();
        schema.validateServerMessage(message, () => method);
      } catch (error) {
        this.#schemaErrors.push(error as Error);
      }
    });
  }

  /** Names the request `id` sent straight on `socket` (raw bytes), so its response can be validated. */
  expectResponse(id: string | number, method: string): void {
    this.#record({ id, method });
  }

  /** Remembers the method of a request being sent, so its response can be validated against it. */
  #record(message: unknown): void {
    const id = (message as { id?: unknown } | null)?.id;
    const method = (message as { method?: unknown } | null)?.method;
    if (typeof method !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) return;
    const methods = this.#methodsById.get(id) ?? [];
    methods.push(method);
    this.#methodsById.set(id, methods);
  }

  /** Fails with the first message the server sent that breaks the reference schema, once all are checked. */
  async assertValid(): Promise<void> {
    await this.#validation;
    if (this.#schemaErrors[0]) throw this.#schemaErrors[0];
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

  /** Sends an object as JSON, or a string as it is (raw text is parsed only to learn a request's method). */
  send(message: unknown): void {
    if (typeof message === 'string') {
      try {
        this.#record(JSON.parse(message));
      } catch {
        // Not JSON: nothing to answer.
      }
      this.socket.send(message);
      return;
    }
    this.#record(message);
    this.socket.send(JSON.stringify(message));
  }

  /** Messages received and not yet taken by `next`. */
  get pending(): number {
    return this.#queue.length;
  }

  /** The next received message, in order; fails after `timeoutMs`. */
  async next(timeoutMs = WAIT_MS): Promise<Record<string, unknown>> {
    if (this.#schemaErrors[0]) throw this.#schemaErrors[0];
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

  /** Drops the connection, then fails if any message the server sent broke the reference schema. */
  async close(): Promise<void> {
    this.socket.terminate();
    await this.assertValid();
  }
}
