import { startBenchModel } from '../fake-model.js';
import type { BenchModel } from '../fake-model.js';
import { makeBenchHome, removeHome, startBenchServer } from '../server-process.js';
import type { RunningBenchServer, ServerKind } from '../server-process.js';
import { RpcSocket } from '../rpc-socket.js';

/** Sizes of one benchmark run; `--quick` shrinks them. */
export interface BenchSizes {
  readonly startupReps: number;
  readonly memoryConnections: number;
  readonly settleMs: number;
  readonly throughputRounds: number;
  /** Requests each client sends in the cold round, right after start. */
  readonly coldRequestsPerClient: number;
  /** Requests each client sends in a measured round after the warm-up. */
  readonly requestsPerClient: number;
  readonly turnReps: number;
  readonly streamDeltas: number;
  readonly historyMiB: number;
  readonly historyTurns: number;
  readonly threads: number;
}

/** What every measurement gets: the fake model, a working directory, and a way to start a server. */
export interface BenchContext {
  readonly model: BenchModel;
  readonly cwd: string;
  readonly sizes: BenchSizes;
}

/** One sample per metric name, from one run of one server. */
export type Samples = Record<string, number>;

export type Measure = (kind: ServerKind, context: BenchContext) => Promise<Samples>;

/** A server started on its own fresh home, ready, with a way to stop it and remove the home. */
export interface ServerOnHome {
  readonly home: string;
  server: RunningBenchServer;
  /** Stops the server and starts it again on the same home (ready when it resolves). */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export async function serverOnFreshHome(kind: ServerKind, context: BenchContext): Promise<ServerOnHome> {
  const home = makeBenchHome(context.model.baseUrl);
  const started = await startBenchServer(kind, home, context.cwd);
  await started.ready;
  const handle: ServerOnHome = {
    home,
    server: started,
    async restart() {
      await handle.server.stop();
      handle.server = await startBenchServer(kind, home, context.cwd);
      await handle.server.ready;
    },
    async dispose() {
      await handle.server.stop();
      removeHome(home);
    },
  };
  return handle;
}

export { RpcSocket, startBenchModel };

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
