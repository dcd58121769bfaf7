import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
const STOP_GRACE_MS = 10_000;
const READY_TIMEOUT_MS = 30_000;

/** One of the two servers under comparison: how to start it on a port. */
export interface ServerKind {
  readonly label: 'ours' | 'reference';
  argv(port: number): readonly string[];
}

export const OURS: ServerKind = {
  label: 'ours',
  argv: (port) => [process.execPath, join(PROJECT_ROOT, 'dist', 'src', 'launch.cjs'), '--listen', `ws://127.0.0.1:${port}`],
};

/**
 * Not a contender: a bare Node HTTP server answering `/readyz`, started as ours is. Its start-up is Node's own,
 * which no server written for Node can go below; the start-up measure reports it beside the reference for scale.
 */
export const BARE_NODE: ServerKind = {
  label: 'ours',
  argv: (port) => [process.execPath, join(PROJECT_ROOT, 'bench', 'bare-node-server.cjs'), String(port)],
};

export const REFERENCE: ServerKind = {
  label: 'reference',
  argv: (port) => [referenceBinary(), 'app-server', '--listen', `ws://127.0.0.1:${port}`],
};

/**
 * The reference's native binary inside its platform package, as IDE hosts run it; the npm `codex` script in
 * node_modules/.bin would add a Node process (its start-up and ~40 MiB) to every reference figure. That script is
 * the fallback where the platform package has another layout.
 */
function referenceBinary(): string {
  const platformPackage = join(PROJECT_ROOT, 'node_modules', '@openai', `codex-${process.platform}-${process.arch}`, 'vendor');
  try {
    for (const triple of readdirSync(platformPackage)) {
      const candidate = join(platformPackage, triple, 'bin', 'codex');
      if (existsSync(candidate)) return candidate;
    }
  } catch {
    // No platform package: use the launcher script.
  }
  return join(PROJECT_ROOT, 'node_modules', '.bin', 'codex');
}

/** A private CODEX_HOME whose config points at the benchmark's fake model. */
export function makeBenchHome(modelBaseUrl: string): string {
  const home = mkdtempSync(join(tmpdir(), 'app-server-bench-home-'));
  const config = [
    'model = "mock-model"',
    'model_provider = "mock"',
    'approval_policy = "never"',
    'sandbox_mode = "read-only"',
    '[model_providers.mock]',
    'name = "mock"',
    `base_url = "${modelBaseUrl}"`,
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n');
  writeFileSync(join(home, 'config.toml'), config);
  return home;
}

export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true, maxRetries: 5 });
}

export interface RunningBenchServer {
  readonly kind: ServerKind;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** performance.now() when the process was spawned. */
  readonly spawnedAt: number;
  /** Resolves once GET /readyz answered 200 (polled every 2 ms); the value is performance.now() at that moment. */
  readonly ready: Promise<number>;
  /** Sends SIGTERM and waits for the whole process group to end (killed after a grace period). */
  stop(): Promise<number>;
}

/**
 * The servers' TMPDIR for the whole run. Our launcher keeps V8's code cache for the bundle there and evicts the
 * caches of other builds; with the shared /tmp, any other checkout of this project started on the machine (tests,
 * other worktrees) would evict ours between two starts, and the figures would mix cold and warm starts.
 */
let serverTmpdir: string | undefined;

export function benchTmpdir(): string {
  serverTmpdir ??= mkdtempSync(join(tmpdir(), 'app-server-bench-tmp-'));
  return serverTmpdir;
}

export function removeBenchTmpdir(): void {
  if (serverTmpdir !== undefined) rmSync(serverTmpdir, { recursive: true, force: true, maxRetries: 5 });
  serverTmpdir = undefined;
}

/** What a server may see of the benchmark's own environment: what a login shell would give any program. */
const INHERITED_VARIABLES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'TZ'] as const;

/**
 * The environment both servers start with: the few variables every program gets, the home, the TMPDIR and quiet
 * logs, and nothing else of the machine's. Inherited variables meant for other programs change what a server does
 * before it runs a line of its own: here NODE_EXTRA_CA_CERTS names the system bundle, and Node parses it (with its
 * own built-in roots) before any JavaScript runs, ~45 ms of every Node start on this machine, which the reference
 * never reads; NODE_OPTIONS could even add preloads to ours alone. `extra` adds variables on purpose (the start-up
 * measure's NODE_EXTRA_CA_CERTS row).
 */
export function serverEnvironment(home: string, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) environment[name] = value;
  }
  return { ...environment, CODEX_HOME: home, TMPDIR: benchTmpdir(), RUST_LOG: 'error', LOG_LEVEL: 'error', ...extra };
}

export async function startBenchServer(
  kind: ServerKind,
  home: string,
  cwd: string,
  extraEnvironment: Readonly<Record<string, string>> = {},
): Promise<RunningBenchServer> {
  const port = await freePort();
  const [file = '', ...args] = kind.argv(port);
  const spawnedAt = performance.now();
  const child = spawn(file, args, {
    cwd,
    env: serverEnvironment(home, extraEnvironment),
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: the reference's npm launcher and its native binary are stopped together.
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  const exited = once(child, 'exit');
  const pid = child.pid ?? 0;
  const ready = pollReady(port, child, () => stderr);
  ready.catch(() => undefined);
  return {
    kind,
    url: `ws://127.0.0.1:${port}`,
    port,
    pid,
    spawnedAt,
    ready,
    stop: () => stopGroup(child, exited),
  };
}

async function stopGroup(child: ChildProcess, exited: Promise<unknown>): Promise<number> {
  if (child.exitCode !== null || child.signalCode !== null) return 0;
  const started = performance.now();
  child.kill('SIGTERM');
  const timer = setTimeout(() => killGroup(child), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
  const elapsed = performance.now() - started;
  // The native child of the reference's launcher may outlive it for a moment.
  killGroup(child);
  return elapsed;
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function pollReady(port: number, child: ChildProcess, stderr: () => string): Promise<number> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited before it was ready: ${stderr()}`);
    if (await readyzAnswers(port)) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`server not ready in ${READY_TIMEOUT_MS} ms: ${stderr()}`);
}

function readyzAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.end();
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The process and every descendant, from /proc (Linux). */
function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift() ?? 0;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident memory of the process tree in bytes. */
export function treeRss(rootPid: number): number {
  let total = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(match?.[1] ?? 0) * 1024;
    } catch {
      // Gone.
    }
  }
  return total;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process tree has used so far. */
export function treeCpuSeconds(rootPid: number): number {
  let ticks = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone.
    }
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}
