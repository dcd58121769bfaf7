import { benchPrompt } from '../fake-model.js';
import { treeCpuSeconds } from '../server-process.js';
import type { ServerKind } from '../server-process.js';
import { median, RpcSocket, serverOnFreshHome } from './session.js';
import type { BenchContext, Samples } from './session.js';

/** Starts a turn on `threadId` and resolves once `turn/completed` for it arrived; returns the elapsed ms. */
export async function runTurn(client: RpcSocket, threadId: string, text: string): Promise<number> {
  const completed = client.waitFor(
    (notification) => notification.method === 'turn/completed' && notification.params.threadId === threadId,
    'turn/completed',
  );
  const started = performance.now();
  await client.request('turn/start', { threadId, input: [{ type: 'text', text, text_elements: [] }] });
  await completed;
  return performance.now() - started;
}

export async function startThread(client: RpcSocket): Promise<string> {
  const result = await client.request<{ thread: { id: string } }>('thread/start', {});
  return result.thread.id;
}

/** Streamed turns after the first on one server; the table shows their median, as it does for later short turns. */
const LATER_STREAMS = 3;

/**
 * Turn latency (turn/start → turn/completed on a short answer), then long streamed answers on fresh threads: the
 * first after start-up, where our server's JavaScript still runs mostly unoptimised (V8 optimises the delta path
 * over its first thousands of deltas), has its own rows; the rest are the steady state.
 */
export async function measureTurns(kind: ServerKind, context: BenchContext): Promise<Samples> {
  const host = await serverOnFreshHome(kind, context);
  const client = await RpcSocket.open(host.server.url);
  try {
    const threadId = await startThread(client);
    const first = await runTurn(client, threadId, benchPrompt(5));
    const later: number[] = [];
    for (let index = 0; index < context.sizes.turnReps; index++) later.push(await runTurn(client, threadId, benchPrompt(5)));

    const firstStream = await streamedTurn(client, host.server.pid, context.sizes.streamDeltas);
    const laterStreams: StreamFigures[] = [];
    for (let index = 0; index < LATER_STREAMS; index++) laterStreams.push(await streamedTurn(client, host.server.pid, context.sizes.streamDeltas));
    return {
      'turn.first': first,
      'turn.later': median(later),
      'stream.first.deltasPerSecond': firstStream.deltasPerSecond,
      'stream.first.cpuSeconds': firstStream.cpuSeconds,
      'stream.deltasPerSecond': median(laterStreams.map((figures) => figures.deltasPerSecond)),
      'stream.cpuSeconds': median(laterStreams.map((figures) => figures.cpuSeconds)),
    };
  } finally {
    await client.close();
    await host.dispose();
  }
}

interface StreamFigures {
  readonly deltasPerSecond: number;
  readonly cpuSeconds: number;
}

/** One answer of `deltas` deltas on a new thread: deltas per second as the client saw them, and the server's CPU. */
async function streamedTurn(client: RpcSocket, serverPid: number, deltas: number): Promise<StreamFigures> {
  const threadId = await startThread(client);
  let seen = 0;
  let firstDeltaAt = 0;
  let lastDeltaAt = 0;
  const stop = client.listen((notification) => {
    if (notification.method !== 'item/agentMessage/delta') return;
    lastDeltaAt = performance.now();
    if (seen++ === 0) firstDeltaAt = lastDeltaAt;
  });
  try {
    const cpuBefore = treeCpuSeconds(serverPid);
    await runTurn(client, threadId, benchPrompt(deltas));
    const cpuSeconds = treeCpuSeconds(serverPid) - cpuBefore;
    return { deltasPerSecond: (seen - 1) / ((lastDeltaAt - firstDeltaAt) / 1000), cpuSeconds };
  } finally {
    stop();
  }
}
