import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startReferenceServer } from './reference-server.js';
import { RpcTestClient } from './rpc-client.js';
import type { ServerMessage } from './rpc-client.js';
import { startTestServer } from './server.js';
import { leftBehind } from './temp-home.js';

/** Our server and the pinned reference side by side, each with a client and its own CODEX_HOME. */
export interface Pair {
  readonly ours: RpcTestClient;
  readonly reference: RpcTestClient;
  readonly oursHome: string;
  readonly referenceHome: string;
}

/**
 * Our server and the pinned reference, each on its own CODEX_HOME holding `configToml`; `prepare` runs on each
 * home before the reference starts (files the servers should find).
 */
export async function startPair(
  t: TestContext,
  configToml: string,
  prepare: (home: string) => Promise<void> = async () => {},
): Promise<Pair> {
  const server = await startTestServer(t, {}, configToml);
  const ours = await RpcTestClient.connect(server.url);
  t.after(() => ours.close());
  await ours.initialize({ experimentalApi: true });
  const referenceHome = await realpath(await mkdtemp(join(tmpdir(), 'reference-home-')));
  // Retried: the reference may still be writing its state files while it stops.
  t.after(() => rm(referenceHome, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  await writeFile(join(referenceHome, 'config.toml'), configToml);
  const oursHome = await realpath(server.codexHome);
  await prepare(oursHome);
  await prepare(referenceHome);
  const reference = await startReferenceServer(t, referenceHome, referenceHome);
  t.after(() => reference.close());
  return { ours, reference, oursHome, referenceHome };
}

/** A response without its id, with each server's CODEX_HOME written as `<home>`. */
export function answer(response: ServerMessage, home: string): unknown {
  const { id: _id, ...rest } = response;
  return JSON.parse(JSON.stringify(rest).replaceAll(home, '<home>'));
}

/** Sends `params` (a function of the server's home) to both and asserts the same answer. */
export async function sameAnswer(pair: Pair, method: string, params: (home: string) => unknown): Promise<unknown> {
  const ours = answer(await pair.ours.request(method, params(pair.oursHome)), pair.oursHome);
  const reference = answer(await pair.reference.request(method, params(pair.referenceHome)), pair.referenceHome);
  assert.deepEqual(ours, reference, `${method} ${JSON.stringify(params('<home>'))}`);
  return ours;
}
