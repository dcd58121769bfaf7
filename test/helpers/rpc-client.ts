import { once } from 'node:events';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import WebSocket from 'ws';
import { loadReferenceSchema } from './reference-schema.js';
import type {
  ClientMethod,
  Notification,
  NotificationMethod,
  NotificationParamsOf,
  ParamsArgs,
  ResponseTo,
  ResultOf,
  ServerRequest,
  ServerRequestMethod,
  ServerRequestParamsOf,
  ServerRequestResultOf,

} from './protocol-types.js';
import { RpcError, isErrorResponse } from './rpc-results.js';

/** A parsed message the server sent. */
export type ServerMessage = Record<string, unknown>;

/** True when `message` is a notification of `method` (narrows its params to the registry's type). */
export function isNotification<M extends NotificationMethod>(message: ServerMessage, method: M): message is Notification<M> {
  return message.method === method && !('id' in message);
}

/** Default bound for every wait in tests: generous for a loaded CI machine, never a sleep. */

export const WAIT_MS = 10_000;

interface Wire {
  send(text: string): void;
  onText(listener: (text: string) => void): void;
  onEnd(listener: () => void): void;
  close(): Promise<void>;
}

/**
 * A JSON-RPC test client for the app-server dialect, over a websocket or a child's stdio. Every message the
 * server sends is validated against the reference's 0.169.0 JSON Schema; a violation fails the next wait and
 * `close()`, so no test can pass while the server sends an off-schema message.
 */
export class RpcTestClient {
  readonly received: ServerMessage[] = [];
  readonly #wire: Wire;
  readonly #methodsById = new Map<string | number, string>();
  readonly #waiters = new Set<() => void>();
  readonly #schemaErrors: Error[] = [];
  readonly #serverRequestHandlers = new Map<string, (request: ServerMessage) => void>();
  #validations: Promise<void> = Promise.resolve();
  #nextId = 1;
  #ended = false;

  private constructor(wire: Wire) {
    this.#wire = wire;
    wire.onText((text) => this.#onText(text));
    wire.onEnd(() => {
      this.#ended = true;
      this.#wake();
    });
  }

  /**
   * Opens a websocket (rejects with the HTTP status on a refused upgrade) and wraps it. `tls` adds options of a
   * `wss://` connection, e.g. the test CA to trust.
   */
  static async connect(
    url: string,
    headers: Record<string, string> = {},
    tls: { readonly ca?: string | Buffer } = {},
  ): Promise<RpcTestClient> {
    const socket = new WebSocket(url, { headers, ...tls });
    const opened = new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response) => {
        reject(new Error(`Unexpected server response: ${response.statusCode}`));
        socket.terminate();
      });
      socket.once('error', reject);
    });
    await opened;
    return RpcTestClient.overWebSocket(socket);
  }

  static overWebSocket(socket: WebSocket): RpcTestClient {
    return new RpcTestClient({
      send: (text) => socket.send(text),
      onText: (listener) =>
        socket.on('message', (data, isBinary) => {
          if (!isBinary) listener(data.toString());
        }),
      onEnd: (listener) => socket.on('close', listener),
      close: async () => {
        if (socket.readyState === WebSocket.CLOSED) return;
        const closed = once(socket, 'close');
        socket.close();
        await closed;
      },
    });
  }

  /** Speaks JSONL over a spawned server's stdin/stdout. */
  static overStdio(child: ChildProcessWithoutNullStreams): RpcTestClient {
    let buffered = '';
    return new RpcTestClient({
      send: (text) => child.stdin.write(`${text}\n`),
      onText: (listener) =>
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('utf8');
          for (let index = buffered.indexOf('\n'); index !== -1; index = buffered.indexOf('\n')) {
            const line = buffered.slice(0, index);
            buffered = buffered.slice(index + 1);
            if (line.trim()) listener(line);
          }
        }),
      onEnd: (listener) => child.stdout.on('end', listener),
      close: async () => {
        child.stdin.end();
      },
    });
  }

  /**
   * Sends raw text (for malformed or oversized input). When the text is a request, name it in `request` so its
   * response can be validated against the method's schema.
   */
  sendRaw(text: string, request?: { id: string | number; method: string }): void {
    if (request) this.#methodsById.set(request.id, request.method);
    this.#wire.send(text);
  }

  /** Sends any JSON value as one message. Records request ids so responses can be validated by method. */
  send(message: Record<string, unknown>): void {
    if (typeof message.method === 'string' && 'id' in message) {
      this.#methodsById.set(message.id as string | number, message.method);
    }
    this.#wire.send(JSON.stringify(message));
  }

  /** Sends a request and waits for the response or error with its id. */
  async request(method: string, params?: unknown, id?: string | number): Promise<ServerMessage> {
    const requestId = id ?? this.#nextId++;
    this.send(params === undefined ? { id: requestId, method } : { id: requestId, method, params });
    return this.waitFor((message) => message.id === requestId && !('method' in message), `response to ${method}`);
  }

  /**
   * A typed request: params and result are the registry's types for `method`. Resolves with the result; an error
   * response rejects with an `RpcError` carrying the server's code and message.
   */
  async call<M extends ClientMethod>(method: M, ...params: ParamsArgs<M>): Promise<ResultOf<M>> {
    const response = await this.callRaw(method, ...params);
    if (isErrorResponse(response)) throw new RpcError(method, response.error);
    return response.result;
  }

  /** A typed request whose response (result or error) the test inspects itself. */
  async callRaw<M extends ClientMethod>(method: M, ...params: ParamsArgs<M>): Promise<ResponseTo<M>> {
    // The wire is untyped; the reference schema validates every response before a wait returns it.
    return (await this.request(method, params[0])) as unknown as ResponseTo<M>;
  }

  /** A successful `initialize` with the given capabilities; returns the result. */
  async initialize(capabilities: Record<string, unknown> | null = null, name = 'test-client'): Promise<ServerMessage> {
    const response = await this.request('initialize', {
      clientInfo: { name, title: null, version: '1.0.0' },
      capabilities,
    });
    if (!('result' in response)) throw new Error(`initialize failed: ${JSON.stringify(response)}`);
    return response.result as ServerMessage;
  }

  /**
   * Answers server requests of `method` as they arrive, before any wait sees them: `handler` runs synchronously
   * when the message is received and replies with `answer` (now or later, e.g. from a timer), or not at all.
   * For requests with a deadline (attestation's 100 ms), where a reply through `waitFor` could come too late.
   */
  onServerRequest(method: string, handler: (request: ServerMessage) => void): void {
    this.#serverRequestHandlers.set(method, handler);
  }

  /** Replies to a server request: `{ result }` or `{ error }` (sent as given, so a test can send malformed ones). */
  answer(request: ServerMessage, reply: { result: unknown } | { error: { code: number; message: string } }): void {
    this.send({ id: request.id, ...reply });
  }

  /** Answers a server request with a result typed for its method. */
  reply<M extends ServerRequestMethod>(request: ServerRequest<M>, result: ServerRequestResultOf<M>): void {
    this.send({ id: request.id, result });
  }

  notify(method: string, params?: unknown): void {
    this.send(params === undefined ? { method } : { method, params });
  }

  /** Waits for the first received message (past or future) matching `predicate`. */
  async waitFor(predicate: (message: ServerMessage) => boolean, what = 'message', timeoutMs = WAIT_MS): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.#validations;
      if (this.#schemaErrors[0]) throw this.#schemaErrors[0];
      const found = this.received.find(predicate);
      if (found) return found;
      if (this.#ended) throw new Error(`connection ended while waiting for ${what}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  /**
   * Waits for the first notification of `method` (past or future), optionally the first that `match`es (given
   * its params, and the whole message, e.g. to check its place in `received`). Params are typed from the registry.
   */
  async notification<M extends NotificationMethod>(method: M, timeoutMs?: number): Promise<Notification<M>>;
  async notification<M extends NotificationMethod>(
    method: M,
    match: (params: NotificationParamsOf<M>, message: Notification<M>) => boolean,
    timeoutMs?: number,
  ): Promise<Notification<M>>;
  async notification(method: string, timeoutMs?: number): Promise<ServerMessage>;
  async notification(
    method: string,
    matchOrTimeout?: ((params: never, message: never) => boolean) | number,
    timeoutMs = WAIT_MS,
  ): Promise<ServerMessage> {
    const match = typeof matchOrTimeout === 'function' ? matchOrTimeout : () => true;
    const timeout = typeof matchOrTimeout === 'number' ? matchOrTimeout : timeoutMs;
    return this.waitFor(
      (message) => isNotification(message, method as NotificationMethod) && match(message.params as never, message as never),

      `notification ${method}`,
      timeout,
    );
  }

  /** The params of every notification of `method` received so far, in order. */
  receivedParams<M extends NotificationMethod>(method: M): NotificationParamsOf<M>[] {
    return this.received.filter((message) => isNotification(message, method)).map((message) => message.params);

  }

  /** Waits for the first request of `method` the server sent (past or future), optionally one whose params `match`. */
  async serverRequest<M extends ServerRequestMethod>(
    method: M,
    match: (params: ServerRequestParamsOf<M>) => boolean = () => true,
    timeoutMs = WAIT_MS,
  ): Promise<ServerRequest<M>> {
    const request = await this.waitFor(
      (message) => message.method === method && 'id' in message && match(message.params as ServerRequestParamsOf<M>),
      `server request ${method}`,
      timeoutMs,
    );
    return request as ServerRequest<M>;
  }

  /** True once the server closed the connection (or stdout ended). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Waits until the server ends the connection. */
  async waitForEnd(timeoutMs = WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#ended) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for the connection to end`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  /**
   * Proves the server stays silent about something: sends a request and checks that its response is the next
   * message after everything sent before it. Relies on the server answering each connection's requests in
   * order, which it guarantees.
   */
  async assertNoReplyBefore(method: string, params: unknown): Promise<ServerMessage[]> {
    const before = this.received.length;
    const response = await this.request(method, params, `probe-${this.#nextId++}`);
    const between = this.received.slice(before, this.received.indexOf(response));
    return between;
  }

  /** Closes the wire and fails if any message the server sent broke the reference schema. */
  async close(): Promise<void> {
    await this.#wire.close();
    await this.#validations;
    if (this.#schemaErrors[0]) throw this.#schemaErrors[0];
  }

  #onText(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      this.#schemaErrors.push(new Error(`server sent invalid JSON: ${text.slice(0, 200)}`));
      this.#wake();
      return;
    }
    this.#validations = this.#validations.then(async () => {
      try {
        const schema = await loadReferenceSchema();
        schema.validateServerMessage(message, (id) => this.#methodsById.get(id));
      } catch (error) {
        this.#schemaErrors.push(error as Error);
      }
    });
    this.received.push(message);
    if (typeof message.method === 'string' && 'id' in message) this.#serverRequestHandlers.get(message.method)?.(message);
    this.#wake();
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
    this.#waiters.clear();
  }
}
