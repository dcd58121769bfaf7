import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startFakeModelServer } from './fake-model-server.js';
import type { DynamicReply, FakeModelServer, HttpReply } from './fake-model-server.js';
import { startReferenceServer } from './reference-server.js';
import { RpcTestClient } from './rpc-client.js';
import { startTestServer } from './server.js';
import { leftBehind } from './temp-home.js';

/** Our server and the pinned reference, each on its own CODEX_HOME with the same login, sharing one fake backend. */
export interface BackendPair {
  readonly ours: RpcTestClient;
  readonly reference: RpcTestClient;
  readonly oursHome: string;
  readonly referenceHome: string;
  readonly backend: FakeModelServer;
}

/**
 * Starts both servers with `chatgpt_base_url` at the fake backend's `/backend-api/` and `auth` written as auth.json
 * (none when null). `routes` are the backend's answers (by path, or path and query); a test may change them between
 * calls. `extraConfig` is appended to both config.toml files; `extraEnv` adds to each server's environment.
 * Everything is stopped in `t.after`.
 */
export async function startBackendPair(
  t: TestContext,
  auth: Record<string, unknown> | null,
  routes: Record<string, HttpReply | DynamicReply>,
  extraConfig = '',
  extraEnv: (server: 'ours' | 'reference') => NodeJS.ProcessEnv = () => ({}),
): Promise<BackendPair> {
  const backend = await startFakeModelServer(t, [], { routes });
  t.after(() => backend.close());
  const config = `model = "m"\nchatgpt_base_url = "${backend.origin}/backend-api/"\n${extraConfig}`;
  const server = await startTestServer(t, {}, config, {}, { OPENAI_API_KEY: undefined, CODEX_API_KEY: undefined, ...extraEnv('ours') });
  if (auth !== null) await writeFile(join(server.codexHome, 'auth.json'), JSON.stringify(auth));
  const ours = await RpcTestClient.connect(server.url);
  t.after(() => ours.close());
  await ours.initialize({ experimentalApi: true }, 'pair-client');
  const referenceHome = await realpath(await mkdtemp(join(tmpdir(), 'reference-home-')));
  // Retried: the reference may still be writing its state files while it stops.
  t.after(() => rm(referenceHome, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  await writeFile(join(referenceHome, 'config.toml'), config);
  if (auth !== null) await writeFile(join(referenceHome, 'auth.json'), JSON.stringify(auth));
  const reference = await startReferenceServer(t, referenceHome, referenceHome, {
    OPENAI_API_KEY: undefined,
    CODEX_API_KEY: undefined,
    ...extraEnv('reference'),
  });
  t.after(() => reference.close());
  return { ours, reference, oursHome: await realpath(server.codexHome), referenceHome, backend };
}

/** Sends `params` to both servers and asserts the same answer (its id left out, the backend's origin named); returns it. */
export async function sameBackendAnswer(pair: BackendPair, method: string, params: unknown): Promise<unknown> {
  const answerOf = async (client: RpcTestClient) => {
    const { id: _id, ...answer } = await client.request(method, params);
    return JSON.parse(JSON.stringify(answer).replaceAll(pair.backend.origin, '<backend>')) as unknown;
  };
  const ours = await answerOf(pair.ours);
  const reference = await answerOf(pair.reference);
  assert.deepEqual(ours, reference, `${method} ${JSON.stringify(params)}`);
  return ours;
}
