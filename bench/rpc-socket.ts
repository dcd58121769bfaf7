import WebSocket from 'ws';

/** How long any single awaited answer may take before the benchmark gives up on it. */
export const ANSWER_TIMEOUT_MS = 120_000;

export interface Notification {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

interface PendingRequest {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly method: string;
  readonly sentAt: number;
}

/**
 * A minimal JSON-RPC client over one websocket (the app-server dialect: no `jsonrpc` field). It keeps no history of
 * notifications, only hands them to the current listeners, so a long benchmark does not grow in memory.
 */
export class RpcSocket {
  private nextId = 1;
  /** In the order sent: the first entry is always the oldest unanswered request. */
  private readonly pending = new Map<number, PendingRequest>();
  private readonly listeners = new Set<(notification: Notification) => void>();
  /**
   * One timer per socket enforces ANSWER_TIMEOUT_MS on every request. The throughput measure sends tens of thousands
   * of requests from one client process sharing the machine's two cores with the server, so what the client spends
   * per request (a timer armed and cleared each, two closures) is capacity taken from the server it measures.
   */
  private readonly timeoutSweep: NodeJS.Timeout;

  private constructor(private readonly socket: WebSocket) {
    // Text frames only (the server never sends binary ones), so each message arrives as one Buffer.
    socket.on('message', (data) => this.receive((data as Buffer).toString('utf8')));
    socket.on('close', () => {
      clearInterval(this.timeoutSweep);
      for (const waiter of this.pending.values()) waiter.reject(new Error('connection closed'));
      this.pending.clear();
    });
    this.timeoutSweep = setInterval(() => this.rejectOverdue(), 1000).unref();
  }

  /** Connects and performs `initialize` + `initialized`. */
  static async open(url: string): Promise<RpcSocket> {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 512 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new RpcSocket(socket);
    await client.request('initialize', {
      clientInfo: { name: 'bench', title: 'bench', version: '1.0.0' },
      capabilities: { experimentalApi: true },
    });
    socket.send(JSON.stringify({ method: 'initialized' }));
    return client;
  }

  request<T = Record<string, unknown>>(method: string, params: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, method, sentAt: performance.now() });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  private rejectOverdue(): void {
    const now = performance.now();
    for (const [id, waiter] of this.pending) {
      if (now - waiter.sentAt < ANSWER_TIMEOUT_MS) return;
      this.pending.delete(id);
      waiter.reject(new Error(`${waiter.method}: no answer in ${ANSWER_TIMEOUT_MS} ms`));
    }
  }

  /** Calls `listener` with every notification until the returned function is called. */
  listen(listener: (notification: Notification) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first notification `matches` accepts, observed from now on. */
  waitFor(matches: (notification: Notification) => boolean, what: string): Promise<Notification> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no ${what} in ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      const stop = this.listen((notification) => {
        if (!matches(notification)) return;
        clearTimeout(timer);
        stop();
        resolve(notification);
      });
    });
  }

  close(): Promise<void> {
    clearInterval(this.timeoutSweep);
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.terminate();
    });
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { message?: string } };
    if (message.method !== undefined) {
      // A server request (approval and the like) is not expected with approval_policy = "never"; it is ignored.
      if (message.id !== undefined) return;
      for (const listener of [...this.listeners]) listener({ method: message.method, params: message.params ?? {} });
      return;
    }
    if (typeof message.id !== 'number') return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message ?? JSON.stringify(message.error)));
    else waiter.resolve(message.result);
  }
}
