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

/** Turn latency (turn/start → turn/completed on a short answer), then one long streamed answer. */
export async function measureTurns(kind: ServerKind, context: BenchContext): Promise<Samples> {
  const host = await serverOnFreshHome(kind, context);
  const client = await RpcSocket.open(host.server.url);
  try {
    const threadId = await startThread(client);
    const first = await runTurn(client, threadId, benchPrompt(5));
    const later: number[] = [];
    for (let index = 0; index < context.sizes.turnReps; index++) later.push(await runTurn(client, threadId, benchPrompt(5)));

    const streamThread = await startThread(client);
    let deltas = 0;
    let firstDeltaAt = 0;
    let lastDeltaAt = 0;
    const stop = client.listen((notification) => {
      if (notification.method !== 'item/agentMessage/delta') return;
      lastDeltaAt = performance.now();
      if (deltas++ === 0) firstDeltaAt = lastDeltaAt;
    });
    const cpuBefore = treeCpuSeconds(host.server.pid);
    await runTurn(client, streamThread, benchPrompt(context.sizes.streamDeltas));
    const cpu = treeCpuSeconds(host.server.pid) - cpuBefore;
    stop();
    return {
      'turn.first': first,
      'turn.later': median(later),
      'stream.deltasPerSecond': (deltas - 1) / ((lastDeltaAt - firstDeltaAt) / 1000),
      'stream.cpuSeconds': cpu,
    };
  } finally {
    await client.close();
    await host.dispose();
  }
}
