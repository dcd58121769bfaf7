import type { NotificationDefinition, NotificationParamsOf } from '../../protocol/registry-types.js';
import type { NotificationExtras } from './client-channel.js';

/**
 * Reaches every initialized connection, subscribed to a thread or not. The reference sends thread-list
 * notifications this way (probed on 0.169.0: a connection that never touched the thread still receives
 * `thread/name/updated`, `thread/archived`, `thread/unarchived`, and the `thread/status/changed` +
 * `thread/closed` of an unload). Each connection's notification opt-outs still apply.
 */
export interface Broadcaster {
  broadcast<D extends NotificationDefinition>(
    definition: D,
    params: NotificationParamsOf<D>,
    extras?: NotificationExtras,
  ): void;
}

/**
 * A Broadcaster whose audience is attached after construction: the rpc host that knows the connections is built
 * from the handler table, which needs the services that broadcast. Until `attach`, broadcasts reach nobody,
 * which is also true: no connection can exist before the host does.
 */
export class BroadcastRelay implements Broadcaster {
  #audience: Broadcaster | null = null;

  /** Sets the real audience (the rpc host). May be called once. */
  attach(audience: Broadcaster): void {
    if (this.#audience !== null) throw new Error('broadcast audience already attached');
    this.#audience = audience;
  }

  broadcast<D extends NotificationDefinition>(
    definition: D,
    params: NotificationParamsOf<D>,
    extras?: NotificationExtras,
  ): void {
    this.#audience?.broadcast(definition, params, extras);
  }
}
