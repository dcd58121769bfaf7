import type { ServerKind } from '../server-process.js';
import { median, RpcSocket, serverOnFreshHome } from './session.js';
import type { BenchContext, Samples } from './session.js';

const CLIENTS = 32;

/** `thread/loaded/list` requests per second: one client, then 32 at once, each sending its requests one by one. */
export async function measureThroughput(kind: ServerKind, context: BenchContext): Promise<Samples> {
  const host = await serverOnFreshHome(kind, context);
  const clients: RpcSocket[] = [];
  try {
    for (let index = 0; index < CLIENTS; index++) clients.push(await RpcSocket.open(host.server.url));
    const perClient = context.sizes.requestsPerClient;
    // One round unmeasured: both servers answer their first requests slower (V8 warm-up for ours).
    await round(clients, perClient);
    const many: number[] = [];
    const single: number[] = [];
    for (let index = 0; index < context.sizes.throughputRounds; index++) {
      many.push(await round(clients, perClient));
      single.push(await round(clients.slice(0, 1), perClient));
    }
    return { 'requests.clients32': median(many), 'requests.client1': median(single) };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await host.dispose();
  }
}

/** Requests per second over one round in which every client sends `perClient` requests in sequence. */
async function round(clients: readonly RpcSocket[], perClient: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (let index = 0; index < perClient; index++) await client.request('thread/loaded/list', {});
    }),
  );
  return (clients.length * perClient) / ((performance.now() - started) / 1000);
}
