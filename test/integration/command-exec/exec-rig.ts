import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { RpcTestClient, WAIT_MS } from '../../helpers/rpc-client.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';

/** Shared set-up of the `command/exec` tests: a server, initialized clients, and readers for what they received. */

/** No sandbox: most tests are about process handling, not about confinement. */
export const FULL_ACCESS = { type: 'dangerFullAccess' } as const;

export interface ExecRig {
  readonly server: TestServer;
  /** Initialized with `experimentalApi`. */
  readonly client: RpcTestClient;
  /** Another initialized client of the same server, closed in `t.after`. */
  connect(): Promise<RpcTestClient>;
}

export async function startExecRig(t: TestContext, configToml?: string): Promise<ExecRig> {
  const server = await startTestServer(t, {}, configToml);
  const connect = async () => {
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true });
    return client;
  };
  return { server, client: await connect(), connect };
}

/** A private directory (canonical path), removed after the test. */
export async function workdir(t: TestContext): Promise<string> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), 'command-exec-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Sends a `command/exec` without waiting: its response comes only when the process exits. */
export function startExec(client: RpcTestClient, id: string, params: Record<string, unknown>): void {
  client.send({ id, method: 'command/exec', params });
}

/** The response (result or error) to request `id`. */
export function responseTo(client: RpcTestClient, id: string, timeoutMs = WAIT_MS): Promise<ServerMessage> {
  return client.waitFor((message) => message.id === id && !('method' in message), `response to ${id}`, timeoutMs);
}

// Tests of this folder import these from here; the one definition lives in rpc-results.ts.
export { errorOf, resultOf } from '../../helpers/rpc-results.js';

export interface Delta {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly capReached: boolean;
  /** Index in everything the client received, to check ordering against responses. */
  readonly index: number;
}

/** The `command/exec/outputDelta` notifications received so far for `processId`, decoded. */
export function deltasOf(client: RpcTestClient, processId: string): Delta[] {
  return client.received.flatMap((message, index) => {
    if (message.method !== 'command/exec/outputDelta') return [];
    const params = message.params as { processId: string; stream: Delta['stream']; deltaBase64: string; capReached: boolean };
    if (params.processId !== processId) return [];
    return [{ stream: params.stream, text: Buffer.from(params.deltaBase64, 'base64').toString('utf8'), capReached: params.capReached, index }];
  });
}

/** Everything streamed on one stream of `processId` so far. */
export function streamedText(client: RpcTestClient, processId: string, stream: Delta['stream'] = 'stdout'): string {
  return deltasOf(client, processId)
    .filter((delta) => delta.stream === stream)
    .map((delta) => delta.text)
    .join('');
}

/** Waits until the text streamed on `stream` of `processId` matches `pattern`; returns the match. */
export async function waitForOutput(
  client: RpcTestClient,
  processId: string,
  pattern: RegExp,
  stream: Delta['stream'] = 'stdout',
): Promise<RegExpMatchArray> {
  let match: RegExpMatchArray | null = null;
  await client.waitFor(() => {
    match = streamedText(client, processId, stream).match(pattern);
    return match !== null;
  }, `output ${pattern} of ${processId}`);
  assert.ok(match);
  return match;
}

/** Sends a request and returns its response. */
export function call(client: RpcTestClient, method: string, params: Record<string, unknown>): Promise<ServerMessage> {
  return client.request(method, params);
}

/** Whether `pid` is a live process (a zombie waiting to be reaped counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name, which may itself contain spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (bounded) until none of `pids` is alive; the kernel needs a moment to tear a killed process down. */
export async function waitUntilGone(pids: readonly number[], timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) assert.fail(`processes still alive: ${pids.filter(isAlive).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Text as `command/exec/write`'s `deltaBase64`. */
export const b64 = (text: string): string => Buffer.from(text).toString('base64');
