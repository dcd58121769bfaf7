import type { TestContext } from 'node:test';
import type { ServeOptions } from '../../../src/cli.js';
import { startServer } from '../../../src/main.js';
import { createSilentLogger } from '../../../src/util/logger.js';
import type { RecordedRequest } from '../../helpers/fake-model-server.js';
import type { NotificationParamsOf } from '../../helpers/protocol-types.js';
import { RpcTestClient, isNotification } from '../../helpers/rpc-client.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { resultOf } from '../../helpers/rpc-results.js';

/** `frames` (ending in `response.completed`) with the response reporting `inputTokens` of input. */
export function withInputTokens(frames: Record<string, unknown>[], inputTokens: number): Record<string, unknown>[] {
  const last = frames[frames.length - 1] as { response: Record<string, unknown> };
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 5,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + 5,
  };
  return [...frames.slice(0, -1), { ...last, response: { ...last.response, usage } }];
}

/** A request's input as `role: text` lines (`type` for other items), without the developer messages. */
export function inputLines(request: RecordedRequest): string[] {
  const input = (request.body as { input: Record<string, unknown>[] }).input;
  // The developer messages (base instructions, permissions and skills) open every request; the lines start after them.
  return input.filter((item) => item.role !== 'developer').map((item) => {
    if (item.type !== 'message') return String(item.type);
    const content = item.content as { text?: string }[];
    return `${String(item.role)}: ${content.map((part) => part.text ?? '').join('')}`;
  });
}

/** The parsed `x-codex-turn-metadata` header of a request. */
export function turnMetadata(request: RecordedRequest): Record<string, unknown> {
  const header = request.headers['x-codex-turn-metadata'];
  return typeof header === 'string' ? (JSON.parse(header) as Record<string, unknown>) : {};
}

/** One message as a line of a sequence: what it is, not its ids or timing. */
export function describeMessage(message: ServerMessage): string {
  if (message.method === undefined) return 'response';
  if (isNotification(message, 'item/started') || isNotification(message, 'item/completed')) {
    return `${message.method}:${message.params.item.type}`;
  }
  if (isNotification(message, 'thread/status/changed')) return `status:${message.params.status.type}`;
  if (isNotification(message, 'turn/completed')) return `turn/completed:${message.params.turn.status}`;
  return String(message.method);
}

/** Our server on an existing CODEX_HOME (a restart, or a home the reference wrote), with one initialized client. */
export async function clientOnHome(t: TestContext, codexHome: string): Promise<RpcTestClient> {
  const server = await startServer(
    { config: [], enable: [], disable: [], listen: { kind: 'websocket', host: '127.0.0.1', port: 0 } } as ServeOptions,
    { env: { ...process.env, CODEX_HOME: codexHome }, log: createSilentLogger() },
  );
  t.after(() => server.close());
  const client = await RpcTestClient.connect(server.websocket?.url ?? '');
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true }, 'restarted-client');
  return client;
}

/**
 * thread/compact/start, then its turn to the end: the response (its index in `client.received`) and the turn's
 * `turn/completed` params.
 */
export async function runCompaction(
  client: RpcTestClient,
  threadId: string,
): Promise<{ responseAt: number; turnId: string; completed: NotificationParamsOf<'turn/completed'> }> {
  const from = client.received.length;
  const response = await client.callRaw('thread/compact/start', { threadId });
  resultOf(response);
  const started = await client.notification('turn/started', (_params, message) => client.received.indexOf(message) >= from);
  const turnId = started.params.turn.id;
  const completed = await client.notification('turn/completed', (params) => params.turn.id === turnId);
  return { responseAt: client.received.indexOf(response, from), turnId, completed: completed.params };

}
