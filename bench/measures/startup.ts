import { BARE_NODE, makeBenchHome, OURS, removeHome, startBenchServer, treeCpuSeconds, treeRss } from '../server-process.js';
import type { ServerKind } from '../server-process.js';
import { RpcSocket, sleep } from './session.js';
import type { BenchContext, Samples } from './session.js';

/**
 * Spawn → /readyz 200 and spawn → first `initialize` answered, on a fresh home and again on the home that first
 * start left behind; SIGTERM → exit of the idle server. In ours' turn, a bare Node HTTP server is started too: its
 * spawn → /readyz goes in the "ours" column of the floor row, the reference's reused-home start beside it. When
 * the benchmark itself runs with NODE_EXTRA_CA_CERTS, a third start on the reused home passes it on, for the row
 * that shows what it costs a user who has it set (servers otherwise start without it: see serverEnvironment).
 */
export async function measureStartup(kind: ServerKind, context: BenchContext): Promise<Samples> {
  const home = makeBenchHome(context.model.baseUrl);
  try {
    const fresh = await startOnce(kind, home, context);
    const reused = await startOnce(kind, home, context);
    const floor = kind === OURS ? await bareNodeReady(home, context) : reused.ready;
    const extraCertificates = process.env.NODE_EXTRA_CA_CERTS;
    const withExtraCertificates =
      extraCertificates === undefined
        ? {}
        : { 'startup.readyReusedExtraCa': (await startOnce(kind, home, context, { NODE_EXTRA_CA_CERTS: extraCertificates })).ready };
    return {
      ...withExtraCertificates,
      'startup.nodeFloor': floor,
      'startup.readyFresh': fresh.ready,
      'startup.initializeFresh': fresh.initialize,
      'startup.readyReused': reused.ready,
      'startup.initializeReused': reused.initialize,
      'startup.cpuFresh': fresh.cpu,
      'startup.cpuReused': reused.cpu,
      'startup.stop': reused.stop,
    };
  } finally {
    removeHome(home);
  }
}

async function startOnce(kind: ServerKind, home: string, context: BenchContext, extraEnvironment: Record<string, string> = {}) {
  const server = await startBenchServer(kind, home, context.cwd, extraEnvironment);
  const readyAt = await server.ready;
  // CPU time is what a loaded machine stretches least: the fairer figure when other work shares the cores.
  const cpu = treeCpuSeconds(server.pid) * 1000;
  const client = await RpcSocket.open(server.url);
  const initializedAt = performance.now();
  await client.close();
  const stop = await server.stop();
  return { ready: readyAt - server.spawnedAt, initialize: initializedAt - server.spawnedAt, cpu, stop };
}

async function bareNodeReady(home: string, context: BenchContext): Promise<number> {
  const server = await startBenchServer(BARE_NODE, home, context.cwd);
  const readyAt = await server.ready;
  await server.stop();
  return readyAt - server.spawnedAt;
}

/** RSS once idle, and the RSS each idle initialized connection adds. */
export async function measureMemory(kind: ServerKind, context: BenchContext): Promise<Samples> {
  const home = makeBenchHome(context.model.baseUrl);
  const server = await startBenchServer(kind, home, context.cwd);
  const clients: RpcSocket[] = [];
  try {
    await server.ready;
    await sleep(context.sizes.settleMs);
    const idle = treeRss(server.pid);
    const count = context.sizes.memoryConnections;
    for (let index = 0; index < count; index++) clients.push(await RpcSocket.open(server.url));
    await sleep(context.sizes.settleMs);
    const connected = treeRss(server.pid);
    return { 'memory.idle': idle, 'memory.perConnection': (connected - idle) / count };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.stop();
    removeHome(home);
  }
}
