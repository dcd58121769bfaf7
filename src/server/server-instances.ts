import type { ConnectionStats } from '../rpc/connection.js';
import type { MessageTransport } from '../rpc/message-transport.js';
import type { ServerInstance } from './server-instance.js';

/**
 * Every world of threads this server runs: one, or one per tenant created on the tenant's first connection. Each
 * transport is attached to its tenant's instance; the shutdown, the probes and the metrics see all of them.
 */
export class ServerInstances {
  readonly #create: (tenant: string) => ServerInstance;
  readonly #untenanted: ServerInstance | null;
  readonly #byTenant = new Map<string, ServerInstance>();
  #draining = false;

  /**
   * @param single the one instance of a server without tenants; null when every connection names a tenant and
   *   `create` builds its instance.
   */
  constructor(single: ServerInstance | null, create: (tenant: string) => ServerInstance = noTenants) {
    this.#untenanted = single;
    this.#create = create;
  }

  /** Every instance, the untenanted one first, then tenants in order of first connection. */
  all(): ServerInstance[] {
    return [...(this.#untenanted ? [this.#untenanted] : []), ...this.#byTenant.values()];
  }

  /**
   * Speaks JSON-RPC on `transport` in the instance of `tenant` (null: the server has no tenants; the transport
   * authenticated the tenant before the upgrade).
   */
  attach(transport: MessageTransport, tenant: string | null): void {
    this.instanceFor(tenant).host.attach(transport);
  }

  /** The instance of `tenant`, created on first use (draining already if the server is). */
  instanceFor(tenant: string | null): ServerInstance {
    if (tenant === null) {
      if (!this.#untenanted) throw new Error('this server needs a tenant for every connection');
      return this.#untenanted;
    }
    let instance = this.#byTenant.get(tenant);
    if (!instance) {
      instance = this.#create(tenant);
      if (this.#draining) instance.host.beginDrain();
      this.#byTenant.set(tenant, instance);
    }
    return instance;
  }

  /** From now on every instance refuses requests with the draining error; `/readyz` reports 503. */
  beginDrain(): void {
    this.#draining = true;
    for (const instance of this.all()) instance.host.beginDrain();
  }

  get isDraining(): boolean {
    return this.#draining;
  }

  get connectionCount(): number {
    return this.#sum((instance) => instance.host.connectionCount);
  }

  get initializedConnectionCount(): number {
    return this.#sum((instance) => instance.host.initializedConnectionCount);
  }

  get queuedRequestCount(): number {
    return this.#sum((instance) => instance.host.queuedRequestCount);
  }

  connectionStats(): ConnectionStats[] {
    return this.all().flatMap((instance) => instance.host.connectionStats());
  }

  runningTurnCount(): number {
    return this.#sum((instance) => instance.threads.runningTurnThreadIds().length);
  }

  loadedThreadCount(): number {
    return this.#sum((instance) => instance.threads.loadedThreadIds().length);
  }

  /** Lets every running turn end until `deadline`, then interrupts the rest (see ThreadManager.finishTurns). */
  async finishTurns(deadline: Promise<void>): Promise<{ interrupted: number }> {
    const results = await Promise.all(this.all().map((instance) => instance.threads.finishTurns(deadline)));
    return { interrupted: results.reduce((total, result) => total + result.interrupted, 0) };
  }

  closeConnections(reason: string): void {
    for (const instance of this.all()) instance.host.closeAll(reason);
  }

  /** Closes every loaded thread (flushing its rollout). */
  async closeThreads(): Promise<void> {
    await Promise.all(this.all().map((instance) => instance.threads.closeAll()));
  }

  #sum(count: (instance: ServerInstance) => number): number {
    return this.all().reduce((total, instance) => total + count(instance), 0);
  }
}

function noTenants(): never {
  throw new Error('this server has no tenants');
}
