import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { within } from './fake-model-server.js';

/** What a fake server's test sees of the requests it received. */
export interface RecordedRequests<T> {
  readonly requests: T[];
  /** Resolves with the first request matching `predicate`, once it arrived. */
  waitFor(predicate: (request: T) => boolean, what: string): Promise<T>;
}

/** Requests a fake server received, in order, with a bounded wait for one that has not arrived yet. */
export class RequestLog<T> {
  readonly entries: T[] = [];
  readonly #waiters = new Set<() => void>();

  /** Records `entry` and wakes the waits it may satisfy. */
  record(entry: T): void {
    this.entries.push(entry);
    for (const wake of [...this.#waiters]) wake();
  }

  /** Resolves with the first entry matching `predicate`, once it arrived (rejects after the fake's bound). */
  waitFor(predicate: (entry: T) => boolean, what: string): Promise<T> {
    return within(
      new Promise<T>((resolve) => {
        const check = () => {
          const found = this.entries.find(predicate);
          if (found === undefined) return;
          this.#waiters.delete(check);
          resolve(found);
        };
        this.#waiters.add(check);
        check();
      }),
      what,
    );
  }
}

/** Listens on 127.0.0.1:0 and stops (dropping open connections) in `t.after`; resolves with `http://127.0.0.1:<port>`. */
export async function listenUntilTestEnds(t: TestContext, server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close').catch(() => {});
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
