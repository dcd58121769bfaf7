import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { startFakeModelServer } from './fake-model-server.js';
import type { FakeModelServer, FakeModelServerOptions, ScriptedReply } from './fake-model-server.js';
import type { NotificationParamsOf, ParamsOf } from './protocol-types.js';
import { RpcTestClient } from './rpc-client.js';
import { startTestServer } from './server.js';
import type { TestServer } from './server.js';

export interface RetryBudget {
  readonly request?: number;
  readonly stream?: number;
}

/**
 * config.toml for a `mock` provider at the fake model, without retries unless asked. `extra` goes at the top
 * level, `providerExtra` into the provider's table.
 */
export function mockProviderConfig(baseUrl: string, extra = '', retries: RetryBudget = {}, providerExtra = ''): string {
  return [
    'model = "mock-model"',
    'model_provider = "mock"',
    'approval_policy = "never"',
    extra,
    '[model_providers.mock]',
    'name = "mock"',
    `base_url = "${baseUrl}"`,
    'wire_api = "responses"',
    `request_max_retries = ${retries.request ?? 0}`,
    `stream_max_retries = ${retries.stream ?? 0}`,
    providerExtra,
    '',
  ].join('\n');
}

export interface ThreadTestRig {
  readonly server: TestServer;
  readonly fake: FakeModelServer;
  /** A client connected and initialized (experimentalApi on). */
  readonly client: RpcTestClient;
  /** Another initialized client on the same server. */
  connect(name?: string): Promise<RpcTestClient>;
}

/** A server whose model is a scripted fake, and one initialized client; everything stopped in `t.after`. */
export async function startThreadRig(
  t: TestContext,
  options: {
    replies?: readonly ScriptedReply[];
    configExtra?: string;
    retries?: RetryBudget;
    /** Lines for the `mock` provider's table. */
    providerExtra?: string;
    /** The fake's top-level config.toml lines, once its address is known (e.g. a `chatgpt_base_url`). */
    configExtraFor?: (fake: FakeModelServer) => string;
    fake?: FakeModelServerOptions;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<ThreadTestRig> {
  const fake = await startFakeModelServer(t, options.replies ?? [], options.fake ?? {});
  const extra = [options.configExtra ?? '', options.configExtraFor?.(fake) ?? ''].join('\n');
  const config = mockProviderConfig(fake.baseUrl, extra, options.retries, options.providerExtra);
  const server = await startTestServer(t, {}, config, {}, options.env);
  const connect = async (name = 'test-client') => {
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true }, name);
    return client;
  };
  return { server, fake, client: await connect(), connect };
}

// Older tests import these from here; the one definition lives in rpc-results.ts.
export { errorOf, resultOf } from './rpc-results.js';

/** Starts a thread and returns its id. */
export async function startThread(client: RpcTestClient, params: ParamsOf<'thread/start'> = {}): Promise<string> {
  return (await client.call('thread/start', params)).thread.id;
}

/** Starts a turn with one text input and returns the turn id. */
export async function startTextTurn(client: RpcTestClient, threadId: string, text: string): Promise<string> {
  return (await client.call('turn/start', { threadId, input: [{ type: 'text', text }] })).turn.id;
}

/** The rollout file of a stored thread, read from `thread/read`. */
export async function storedPath(client: RpcTestClient, threadId: string): Promise<string> {
  const { path } = (await client.call('thread/read', { threadId })).thread;
  assert.ok(path, `thread ${threadId} has a rollout file`);
  return path;
}

/** Waits for turn/completed of `turnId` and returns its params. */
export async function turnCompleted(
  client: RpcTestClient,
  turnId: string,
  timeoutMs?: number,
): Promise<NotificationParamsOf<'turn/completed'>> {
  const message = await client.notification('turn/completed', (params) => params.turn.id === turnId, timeoutMs);
  return message.params;
}

/** Notifications received after (and excluding) the response with `id`, as `method` names. */
export function methodsAfterResponse(client: RpcTestClient, id: number | string): string[] {
  const index = client.received.findIndex((m) => m.id === id && !('method' in m));
  return client.received
    .slice(index + 1)
    .flatMap((m) => (typeof m.method === 'string' && !('id' in m) ? [m.method] : []));
}
