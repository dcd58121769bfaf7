import { benchPrompt } from '../fake-model.js';
import { treeRss } from '../server-process.js';
import type { ServerKind } from '../server-process.js';
import { median, RpcSocket, serverOnFreshHome } from './session.js';
import type { BenchContext, Samples } from './session.js';
import { runTurn, startThread } from './turns.js';

const DELTA_BYTES = 4096;

/**
 * Restarts, each followed by one read: a restart is cheap next to writing the history, and a single read of
 * 20 MiB swings by ±20 % with what else the machine does.
 */
const READS_AFTER_RESTART = 3;

/**
 * One thread whose answers add up to the configured size: `thread/read includeTurns` while it is loaded and again
 * after a restart (a fresh connection each time; the median over READS_AFTER_RESTART restarts), and the server's
 * RSS after each read.
 */
export async function measureLargeHistory(kind: ServerKind, context: BenchContext): Promise<Samples> {
  const host = await serverOnFreshHome(kind, context);
  try {
    const writer = await RpcSocket.open(host.server.url);
    const threadId = await startThread(writer);
    const bytesPerTurn = (context.sizes.historyMiB * 1024 * 1024) / context.sizes.historyTurns;
    const deltasPerTurn = Math.ceil(bytesPerTurn / DELTA_BYTES);
    for (let turn = 0; turn < context.sizes.historyTurns; turn++) {
      await runTurn(writer, threadId, benchPrompt(deltasPerTurn, DELTA_BYTES));
    }
    await writer.close();
    const loaded = await timedRead(host.server.url, threadId);
    const rssLoaded = treeRss(host.server.pid);
    const restarted: number[] = [];
    const rssRestarted: number[] = [];
    for (let read = 0; read < READS_AFTER_RESTART; read++) {
      await host.restart();
      restarted.push(await timedRead(host.server.url, threadId));
      rssRestarted.push(treeRss(host.server.pid));
    }
    return {
      'history.readLoaded': loaded,
      'history.readRestarted': median(restarted),
      'history.rssLoaded': rssLoaded,
      'history.rssRestarted': median(rssRestarted),
    };
  } finally {
    await host.dispose();
  }
}

async function timedRead(url: string, threadId: string): Promise<number> {
  const reader = await RpcSocket.open(url);
  try {
    const started = performance.now();
    await reader.request('thread/read', { threadId, includeTurns: true });
    return performance.now() - started;
  } finally {
    await reader.close();
  }
}

const WRITERS = 2;
const PAGE_LIMIT = 50;

/** Many threads with one short turn each (two clients): time to create them, RSS, and paging `thread/list`. */
export async function measureManyThreads(kind: ServerKind, context: BenchContext): Promise<Samples> {
  const host = await serverOnFreshHome(kind, context);
  const clients: RpcSocket[] = [];
  try {
    for (let index = 0; index < WRITERS; index++) clients.push(await RpcSocket.open(host.server.url));
    let next = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        while (next < context.sizes.threads) {
          next++;
          const threadId = await startThread(client);
          await runTurn(client, threadId, benchPrompt(5));
        }
      }),
    );
    const created = performance.now() - started;
    const rss = treeRss(host.server.pid);
    const listStarted = performance.now();
    let cursor: string | null = null;
    let listed = 0;
    do {
      const page: { data: unknown[]; nextCursor: string | null } = await clients[0]!.request('thread/list', {
        limit: PAGE_LIMIT,
        ...(cursor === null ? {} : { cursor }),
      });
      listed += page.data.length;
      cursor = page.nextCursor;
    } while (cursor !== null);
    const listing = performance.now() - listStarted;
    if (listed < context.sizes.threads) process.stderr.write(`bench: ${kind.label} listed ${listed} of ${context.sizes.threads} threads\n`);
    return { 'threads.create': created, 'threads.rss': rss, 'threads.listAll': listing };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await host.dispose();
  }
}
