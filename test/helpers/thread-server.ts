import type { TestContext } from 'node:test';
import { startFakeModelServer } from './fake-model-server.js';
import type { FakeModelServer, FakeModelServerOptions, ScriptedReply } from './fake-model-server.js';
import { RpcTestClient } from './rpc-client.js';
import type { ServerMessage } from './rpc-client.js';
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

/** The result of a request, failing the test with the error when there is one. */
export function resultOf(response: ServerMessage): Record<string, unknown> {
  if (!('result' in response)) throw new Error(`request failed: ${JSON.stringify(response)}`);
  return response.result as Record<string, unknown>;
}

/** Starts a thread and returns its id. */
export async function startThread(client: RpcTestClient, params: Record<string, unknown> = {}): Promise<string> {
  const result = resultOf(await client.request('thread/start', params));
  return (result.thread as { id: string }).id;
}

/** Starts a turn with one text input and returns the turn id. */
export async function startTextTurn(client: RpcTestClient, threadId: string, text: string): Promise<string> {
  const result = resultOf(
    await client.request('turn/start', { threadId, input: [{ type: 'text', text }] }),
  );
  return (result.turn as { id: string }).id;
}

/** Waits for turn/completed of `turnId` and returns its params. */
export async function turnCompleted(
  client: RpcTestClient,
  turnId: string,
  timeoutMs?: number,
): Promise<Record<string, unknown>> {
  const message = await client.waitFor(
    (m) => m.method === 'turn/completed' && (m.params as { turn: { id: string } }).turn.id === turnId,
    `turn/completed of ${turnId}`,
    timeoutMs,
  );
  return message.params as Record<string, unknown>;
}

/** Notifications received after (and excluding) the response with `id`, as `method` names. */
export function methodsAfterResponse(client: RpcTestClient, id: number | string): string[] {
  const index = client.received.findIndex((m) => m.id === id && !('method' in m));
  return client.received
    .slice(index + 1)
    .filter((m) => typeof m.method === 'string' && !('id' in m))
    .map((m) => m.method as string);
}
