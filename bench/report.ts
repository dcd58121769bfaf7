import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { median } from './measures/session.js';

/** How a metric is shown: its label, unit and which direction is better. */
export interface MetricInfo {
  readonly label: string;
  readonly unit: 'ms' | 'µs' | 's' | 'MiB' | 'KiB' | '/s';
  readonly better: 'lower' | 'higher';
}

export const METRICS: Readonly<Record<string, MetricInfo>> = {
  'startup.readyFresh': { label: 'spawn → `/readyz` 200, fresh home', unit: 'ms', better: 'lower' },
  'startup.readyReused': { label: 'spawn → `/readyz` 200, reused home', unit: 'ms', better: 'lower' },
  'startup.initializeFresh': { label: 'spawn → first `initialize` answered, fresh home', unit: 'ms', better: 'lower' },
  'startup.initializeReused': { label: 'spawn → first `initialize` answered, reused home', unit: 'ms', better: 'lower' },
  'startup.cpuFresh': { label: 'CPU time used until `/readyz` 200, fresh home', unit: 'ms', better: 'lower' },
  'startup.cpuReused': { label: 'CPU time used until `/readyz` 200, reused home', unit: 'ms', better: 'lower' },
  'startup.nodeFloor': {
    label: 'spawn → `/readyz` 200: a bare Node HTTP server (ours column) vs the reference, reused home',
    unit: 'ms',
    better: 'lower',
  },
  'startup.readyReusedExtraCa': {
    label: 'spawn → `/readyz` 200, reused home, started with this machine\'s `NODE_EXTRA_CA_CERTS`',
    unit: 'ms',
    better: 'lower',
  },
  'startup.stop': { label: 'SIGTERM → exit, idle', unit: 'ms', better: 'lower' },
  'memory.idle': { label: 'idle RSS', unit: 'MiB', better: 'lower' },
  'memory.perConnection': { label: 'RSS per idle initialized connection', unit: 'KiB', better: 'lower' },
  'requests.clients32Cold': {
    label: '`thread/loaded/list` requests/s, 32 clients, the first round after start',
    unit: '/s',
    better: 'higher',
  },
  'requests.clients32': { label: '`thread/loaded/list` requests/s, 32 clients (after a warm-up)', unit: '/s', better: 'higher' },
  'requests.clients32CpuMicros': {
    label: 'server CPU per `thread/loaded/list` request, 32 clients (after a warm-up)',
    unit: 'µs',
    better: 'lower',
  },
  'requests.client1': { label: '`thread/loaded/list` requests/s, 1 client (after a warm-up)', unit: '/s', better: 'higher' },
  'turn.first': { label: '`turn/start` → `turn/completed`, first turn', unit: 'ms', better: 'lower' },
  'turn.later': { label: '`turn/start` → `turn/completed`, later turns', unit: 'ms', better: 'lower' },
  'stream.first.deltasPerSecond': { label: 'streamed deltas/s (first → last delta), the first streamed turn after start', unit: '/s', better: 'higher' },
  'stream.first.cpuSeconds': { label: 'server CPU for the first streamed turn after start', unit: 's', better: 'lower' },
  'stream.deltasPerSecond': { label: 'streamed deltas/s (first → last delta), later streamed turns', unit: '/s', better: 'higher' },
  'stream.cpuSeconds': { label: 'server CPU for a later streamed turn', unit: 's', better: 'lower' },
  'history.readLoaded': { label: 'big history: `thread/read includeTurns`, loaded', unit: 'ms', better: 'lower' },
  'history.readRestarted': { label: 'big history: `thread/read includeTurns` after a restart', unit: 'ms', better: 'lower' },
  'history.rssLoaded': { label: 'big history: RSS after the read, loaded', unit: 'MiB', better: 'lower' },
  'history.rssRestarted': { label: 'big history: RSS after the read after a restart', unit: 'MiB', better: 'lower' },
  'threads.create': { label: 'many threads: create, one turn each', unit: 's', better: 'lower' },
  'threads.rss': { label: 'many threads: RSS with them loaded', unit: 'MiB', better: 'lower' },
  'threads.listAll': { label: 'many threads: every page of `thread/list` (limit 50)', unit: 'ms', better: 'lower' },
};

/** All samples of every metric, per server. */
export type Collected = Record<string, { ours: number[]; reference: number[] }>;

function shown(value: number, unit: MetricInfo['unit']): string {
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'MiB':
      return `${(value / 1024 / 1024).toFixed(1)} MiB`;
    case 'KiB':
      return `${(value / 1024).toFixed(1)} KiB`;
    case 's':
      return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(2)} s`;
    case '/s':
      return `${Math.round(value)}/s`;
    case 'ms':
      return `${value.toFixed(0)} ms`;
    case 'µs':
      return `${value.toFixed(0)} µs`;
  }
}

/** The Markdown table: medians of both servers and their ratio (ours / reference). */
export function renderTable(collected: Collected, heading: string): string {
  const lines = [heading, '', '| metric | ours | reference | ours / reference | better |', '| --- | ---: | ---: | ---: | --- |'];
  for (const [key, info] of Object.entries(METRICS)) {
    const samples = collected[key];
    if (!samples) continue;
    // Seconds metrics are collected in ms or s depending on the measure; `threads.create` is in ms.
    const scale = key === 'threads.create' ? 1 / 1000 : 1;
    const ours = median(samples.ours) * scale;
    const reference = median(samples.reference) * scale;
    const count = Math.min(samples.ours.length, samples.reference.length);
    lines.push(
      `| ${info.label} | ${shown(ours, info.unit)} | ${shown(reference, info.unit)} | ${(ours / reference).toFixed(2)} | ${info.better} (n=${count}) |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function machineDescription(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

const START_MARKER = '<!-- bench-table:start -->';
const END_MARKER = '<!-- bench-table:end -->';

/** Replaces the generated section of a Markdown file (between its markers) with `table`. */
export function writeIntoDocs(docsPath: string, table: string): void {
  const text = readFileSync(docsPath, 'utf8');
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`${docsPath} has no ${START_MARKER} … ${END_MARKER} section`);
  writeFileSync(docsPath, `${text.slice(0, start + START_MARKER.length)}\n${table}${text.slice(end)}`);
}
