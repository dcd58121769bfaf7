import type { Broadcaster } from '../../src/runtime/clients/broadcast.js';
import {
  ClientRequestError,
  type ClientChannel,
  type NotificationExtras,
} from '../../src/runtime/clients/client-channel.js';
import type { NotificationDefinition, NotificationParamsOf } from '../../src/protocol/registry-types.js';
import { within } from './fake-model-server.js';
import { loadReferenceSchema } from './reference-schema.js';

/*
 * One client as the runtime sees it, in process: it records every notification (thread events and the broadcasts
 * every connection gets, in one ordered list, as a single connected client receives them) and answers the server's
 * requests with a function the test gives. What it received is checked against the reference's JSON Schema, as
 * RpcTestClient checks what comes over the wire.
 */

export interface RecordedNotification {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

export interface RecordedServerRequest {
  readonly id: number;
  readonly method: string;
  readonly params: Record<string, unknown>;
}

/** How the client answers a server request; a rejection is the client's JSON-RPC error. */
export type RequestAnswerer = (request: RecordedServerRequest) => Promise<unknown>;

const refuseEveryRequest: RequestAnswerer = (request) =>
  Promise.reject(new ClientRequestError(-32601, `the test client does not answer ${request.method}`));

export class RecordingChannel implements ClientChannel, Broadcaster {
  readonly connectionId: number;
  readonly experimentalApi = true;
  readonly requestAttestation = false;
  readonly notifications: RecordedNotification[] = [];
  readonly serverRequests: RecordedServerRequest[] = [];
  answer: RequestAnswerer;
  #nextRequestId = 0;
  #open = true;
  readonly #closeListeners: (() => void)[] = [];
  readonly #listeners = new Set<() => void>();
  /** Messages as they would go on the wire, not yet checked against the reference schema. */
  readonly #unchecked: unknown[] = [];

  constructor(options: { readonly connectionId?: number; readonly answer?: RequestAnswerer } = {}) {
    this.connectionId = options.connectionId ?? 1;
    this.answer = options.answer ?? refuseEveryRequest;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  notify<D extends NotificationDefinition>(definition: D, params: NotificationParamsOf<D>, extras: NotificationExtras = {}): void {
    const emittedAtMs = extras.emittedAtMs ?? Date.now();
    this.#unchecked.push(onTheWire({ method: definition.method, params, emittedAtMs }));
    this.notifications.push({ method: definition.method, params: params as Record<string, unknown> });
    this.#changed();
  }

  broadcast<D extends NotificationDefinition>(definition: D, params: NotificationParamsOf<D>, extras?: NotificationExtras): void {
    this.notify(definition, params, extras);
  }

  request(method: string, params: unknown, options: { signal?: AbortSignal; onSent?: (requestId: number) => void } = {}): Promise<unknown> {
    const request = { id: this.#nextRequestId++, method, params: params as Record<string, unknown> };
    this.serverRequests.push(request);
    this.#unchecked.push(onTheWire(request));
    options.onSent?.(request.id);
    this.#changed();
    const { signal } = options;
    if (signal === undefined) return this.answer(request);
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.answer(request)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  onClose(listener: () => void): void {
    if (this.#open) this.#closeListeners.push(listener);
    else listener();
  }

  /** The connection goes away: pending listeners are told, later notifications are still recorded. */
  close(): void {
    this.#open = false;
    for (const listener of this.#closeListeners.splice(0)) listener();
  }

  /**
   * Checks what was received since the last check against the reference's JSON Schema.
   * @throws AssertionError naming the first message that does not match
   */
  async assertMatchesReference(): Promise<void> {
    const schema = await loadReferenceSchema();
    for (const message of this.#unchecked.splice(0)) schema.validateServerMessage(message, () => undefined);
  }

  /** The methods of the notifications received so far, in order. */
  methods(): string[] {
    return this.notifications.map((notification) => notification.method);
  }

  /** The params of every notification of `method`, in order. */
  paramsOf(method: string): Record<string, unknown>[] {
    return this.notifications.filter((notification) => notification.method === method).map((notification) => notification.params);
  }

  /** Resolves with the first notification of `method` matching `accept`, bounded in time. */
  nextNotification(
    method: string,
    accept: (params: Record<string, unknown>) => boolean = () => true,
  ): Promise<Record<string, unknown>> {
    const find = () => this.notifications.find((notification) => notification.method === method && accept(notification.params));
    return this.#when(() => find()?.params, `a ${method} notification`);
  }

  /** Resolves with the first server request of `method`, bounded in time. */
  nextServerRequest(method: string): Promise<RecordedServerRequest> {
    return this.#when(() => this.serverRequests.find((request) => request.method === method), `a ${method} request`);
  }

  #when<T>(probe: () => T | undefined, what: string): Promise<T> {
    const found = probe();
    if (found !== undefined) return Promise.resolve(found);
    let listener: () => void = () => {};
    const arrived = new Promise<T>((resolve) => {
      listener = () => {
        const value = probe();
        if (value !== undefined) resolve(value);
      };
      this.#listeners.add(listener);
    });
    return within(arrived, what).finally(() => this.#listeners.delete(listener));
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** A message as a client parses it: what JSON cannot carry (undefined members) is gone. */
function onTheWire(message: unknown): unknown {
  return JSON.parse(JSON.stringify(message));
}
