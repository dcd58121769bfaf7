import { treeCpuSeconds } from '../server-process.js';
import type { ServerKind } from '../server-process.js';
import { median, RpcSocket, serverOnFreshHome } from './session.js';
import type { BenchContext, Samples } from './session.js';

const CLIENTS = 32;

/**
 * Requests each of the 32 clients sends, after the cold round, before anything more is measured. Our server is
 * JavaScript: V8 optimises its request path over its first ~6,000 requests (server CPU per request falls by
 * about half), and rounds measured inside that window measured the JIT, not the server's capacity. The cold
 * round keeps its own row so the warm-up cost stays visible.
 */
const WARMUP_PER_CLIENT = 400;

/**
 * `thread/loaded/list` requests per second, each client sending its requests one by one: 32 clients on a
 * just-started server (the cold round), then, after a warm-up, 32 clients and one client in alternate rounds.
 * Beside the rates, the server's CPU time per request over the 32-client rounds: the client is a Node process on
 * the same two cores, so the rate also stretches with the client's cost and the machine's load, the CPU time far less.
 */
export async function measureThroughput(kind: ServerKind, context: BenchContext): Promise<Samples> {
  const host = await serverOnFreshHome(kind, context);
  const clients: RpcSocket[] = [];
  try {
    for (let index = 0; index < CLIENTS; index++) clients.push(await RpcSocket.open(host.server.url));
    const perClient = context.sizes.requestsPerClient;
    const cold = await round(clients, context.sizes.coldRequestsPerClient);
    await round(clients, WARMUP_PER_CLIENT);
    const many: number[] = [];
    const single: number[] = [];
    let manyCpuSeconds = 0;
    for (let index = 0; index < context.sizes.throughputRounds; index++) {
      const cpuBefore = treeCpuSeconds(host.server.pid);
      many.push(await round(clients, perClient));
      manyCpuSeconds += treeCpuSeconds(host.server.pid) - cpuBefore;
      single.push(await round(clients.slice(0, 1), perClient));
    }
    const manyRequests = context.sizes.throughputRounds * CLIENTS * perClient;
    return {
      'requests.clients32Cold': cold,
      'requests.clients32': median(many),
      'requests.clients32CpuMicros': (manyCpuSeconds * 1e6) / manyRequests,
      'requests.client1': median(single),
    };
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
