import type { NotificationDefinition, NotificationParamsOf } from '../protocol/registry-types.js';
import type { ClientInfo, InitializeCapabilities, InitializeParams } from '../protocol/v2/initialize.js';
import type { ClientChannel, NotificationExtras } from '../runtime/clients/client-channel.js';
import type { RpcConnection } from './connection.js';

/** The capabilities of a connection after `initialize`, with defaults applied. */
export interface NegotiatedCapabilities {
  readonly experimentalApi: boolean;
  readonly requestAttestation: boolean;
  readonly requiredHumanApproval: boolean;
  readonly optOutNotificationMethods: ReadonlySet<string>;
}

const DEFAULT_CAPABILITIES: NegotiatedCapabilities = {
  experimentalApi: false,
  requestAttestation: false,
  requiredHumanApproval: false,
  optOutNotificationMethods: new Set(),
};

function negotiate(capabilities: InitializeCapabilities | null | undefined): NegotiatedCapabilities {
  if (!capabilities) return DEFAULT_CAPABILITIES;
  return {
    experimentalApi: capabilities.experimentalApi,
    requestAttestation: capabilities.requestAttestation,
    requiredHumanApproval: capabilities.requiredHumanApproval ?? false,
    optOutNotificationMethods: new Set(capabilities.optOutNotificationMethods ?? []),
  };
}

/**
 * Per-connection protocol state: the initialize gate, who the client is, what it negotiated. It is also the
 * connection's ClientChannel, applying the client's notification opt-outs.
 */
export class Session implements ClientChannel {
  readonly connectionId: number;
  readonly #connection: RpcConnection;
  #clientInfo: ClientInfo | null = null;
  #capabilities: NegotiatedCapabilities = DEFAULT_CAPABILITIES;

  constructor(connectionId: number, connection: RpcConnection) {
    this.connectionId = connectionId;
    this.#connection = connection;
  }

  get isInitialized(): boolean {
    return this.#clientInfo !== null;
  }

  get isOpen(): boolean {
    return this.#connection.isOpen;
  }

  get experimentalApi(): boolean {
    return this.#capabilities.experimentalApi;
  }

  get requestAttestation(): boolean {
    return this.#capabilities.requestAttestation;
  }

  /** The initializing client's identity; null before `initialize`. */
  get clientInfo(): ClientInfo | null {
    return this.#clientInfo;
  }

  get capabilities(): NegotiatedCapabilities {
    return this.#capabilities;
  }

  /** Records a successful `initialize`. Capabilities are fixed for the rest of the connection. */
  markInitialized(params: InitializeParams): void {
    this.#clientInfo = params.clientInfo;
    this.#capabilities = negotiate(params.capabilities);
  }

  notify<D extends NotificationDefinition>(
    definition: D,
    params: NotificationParamsOf<D>,
    extras: NotificationExtras = {},
  ): void {
    this.notifyRaw(definition.method, params, extras);
  }

  /** Sends any notification by name, subject to opt-outs. Prefer `notify` with a registry definition. */
  notifyRaw(method: string, params: unknown, extras: NotificationExtras = {}): void {
    if (this.#capabilities.optOutNotificationMethods.has(method)) return;
    // `threadSeq` is ours: only clients of the experimental API, which can use it, see it on the wire.
    const threadSeq = this.#capabilities.experimentalApi ? extras.threadSeq : undefined;
    this.#connection.sendNotification(method, params, { emittedAtMs: extras.emittedAtMs, threadSeq });
  }

  onClose(listener: () => void): void {
    this.#connection.onClose(listener);
  }

  /** Aborts when the connection is gone (see RpcConnection.closedSignal). */
  get closedSignal(): AbortSignal {
    return this.#connection.closedSignal;
  }

  request(
    method: string,
    params: unknown,
    options: { signal?: AbortSignal; onSent?: (requestId: number) => void } = {},
  ): Promise<unknown> {
    return this.#connection.sendRequest(method, params, options.signal, options.onSent);
  }
}
