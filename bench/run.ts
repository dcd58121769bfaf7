import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureLargeHistory, measureManyThreads } from './measures/histories.js';
import { startBenchModel } from './measures/session.js';
import type { BenchContext, BenchSizes, Measure } from './measures/session.js';
import { measureMemory, measureStartup } from './measures/startup.js';
import { measureThroughput } from './measures/throughput.js';
import { measureTurns } from './measures/turns.js';
import { machineDescription, renderTable, writeIntoDocs } from './report.js';
import type { Collected } from './report.js';
import { makeBenchHome, OURS, REFERENCE, removeBenchTmpdir, removeHome, startBenchServer } from './server-process.js';

/**
 * `npm run bench`: this server (the built bundle in dist/) side by side with the reference `codex app-server`
 * (the pinned devDependency), both driven over websockets against a local fake model. Every measurement runs both
 * servers, alternating which goes first, so the drift of a shared machine hits both; the table shows medians and
 * the ratio ours / reference. `--quick` shrinks every load; `--only a,b` picks measurements; `--no-docs` leaves
 * the tables in README.md and docs/performance.md alone (a partial run never writes them).
 */

const FULL: BenchSizes = {
  startupReps: 7,
  memoryConnections: 500,
  settleMs: 2000,
  throughputRounds: 5,
  coldRequestsPerClient: 100,
  requestsPerClient: 400,
  turnReps: 10,
  streamDeltas: 20_000,
  historyMiB: 20,
  historyTurns: 4,
  threads: 1000,
};

const QUICK: BenchSizes = {
  startupReps: 3,
  memoryConnections: 100,
  settleMs: 1000,
  throughputRounds: 3,
  coldRequestsPerClient: 40,
  requestsPerClient: 40,
  turnReps: 5,
  streamDeltas: 5_000,
  historyMiB: 5,
  historyTurns: 2,
  threads: 100,
};

const MEASURES: Readonly<Record<string, { measure: Measure; reps: (sizes: BenchSizes) => number }>> = {
  startup: { measure: measureStartup, reps: (sizes) => sizes.startupReps },
  memory: { measure: measureMemory, reps: () => 2 },
  throughput: { measure: measureThroughput, reps: () => 3 },
  turns: { measure: measureTurns, reps: () => 2 },
  history: { measure: measureLargeHistory, reps: () => 1 },
  threads: { measure: measureManyThreads, reps: () => 1 },
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const sizes = values.quick ? QUICK : FULL;
  const selected = values.only?.split(',') ?? Object.keys(MEASURES);
  for (const name of selected) if (!(name in MEASURES)) throw new Error(`unknown measurement ${name}; known: ${Object.keys(MEASURES).join(', ')}`);

  const model = await startBenchModel();
  const cwd = mkdtempSync(join(tmpdir(), 'app-server-bench-cwd-'));
  const context: BenchContext = { model, cwd, sizes };
  const collected: Collected = {};
  const began = new Date();
  // Wall-clock figures stretch with the machine's load, so the table says what the load was.
  const loadAtStart = loadavg()[0] ?? 0;
  try {
    // One unmeasured start of each: our launcher writes its code cache then, as any installation's first start does.
    for (const kind of [OURS, REFERENCE]) {
      const home = makeBenchHome(model.baseUrl);
      const server = await startBenchServer(kind, home, cwd);
      await server.ready;
      await server.stop();
      removeHome(home);
    }
    let turn = 0;
    for (const name of selected) {
      const { measure, reps } = MEASURES[name]!;
      for (let rep = 0; rep < reps(sizes); rep++) {
        // Alternate who goes first across every run, so neither server always meets the warmer machine.
        const order = turn++ % 2 === 0 ? [OURS, REFERENCE] : [REFERENCE, OURS];
        for (const kind of order) {
          const samples = await measure(kind, context);
          for (const [key, value] of Object.entries(samples)) {
            const slot = (collected[key] ??= { ours: [], reference: [] });
            (kind === OURS ? slot.ours : slot.reference).push(value);
          }
          process.stderr.write(`bench: ${name} ${rep + 1}/${reps(sizes)} ${kind.label} done\n`);
        }
      }
    }
  } finally {
    await model.close();
    removeBenchTmpdir();
    rmSync(cwd, { recursive: true, force: true });
  }

  const loads = `${sizes.memoryConnections} connections, ${sizes.streamDeltas} streamed deltas, a ${sizes.historyMiB} MiB history in ${sizes.historyTurns} turns, ${sizes.threads} threads`;
  const heading = `Measured ${began.toISOString().slice(0, 10)} with \`npm run bench${values.quick ? ' -- --quick' : ''}\` (${loads}) on ${machineDescription()}, load average ${loadAtStart.toFixed(1)} at the start; reference \`codex app-server\` 0.169.0. Medians; n is the number of runs of each server.`;
  const table = renderTable(collected, heading);
  process.stdout.write(`${table}`);
  if (!values['no-docs'] && values.only === undefined) {
    for (const document of ['README.md', 'docs/performance.md']) {
      writeIntoDocs(fileURLToPath(new URL(`../${document}`, import.meta.url)), table);
    }
    process.stderr.write('bench: the tables in README.md and docs/performance.md updated\n');
  }
}

await main();
