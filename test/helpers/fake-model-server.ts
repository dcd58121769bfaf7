import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/**
 * A scripted fake of the Responses API on 127.0.0.1:0. Every request is recorded; each `POST …/responses` is
 * answered with the next scripted reply, in order. Nothing here sleeps on its own: delays happen only where a
 * reply asks for them, and every wait is bounded.
 */

/** One SSE frame: an event object (written as `event: <type>` + `data: <json>`) or raw text written as is. */
export type SseFrame = Readonly<Record<string, unknown>> | string;

/** An SSE transcript: 200 `text/event-stream`, the frames, then the connection ends, hangs, or is dropped. */
export interface SseReply {
  readonly kind: 'sse';
  readonly frames: readonly SseFrame[];
  /** Wait this long before each frame. */
  readonly delayMs?: number;
  /** After the frames: `end` the response (default), `hang` (keep it open, write nothing), `drop` (destroy the socket). */
  readonly then?: 'end' | 'hang' | 'drop';
  /** Only `data:` lines, no `event:` line (the reference does not need it). */
  readonly dataOnly?: boolean;
  /** Write the first `count` frames, then wait for `until` before writing the rest (a test decides when). */
  readonly hold?: { readonly count: number; readonly until: Promise<void> };
  /**
   * Before writing frame `index`, wait for what this returns, if anything: a test paces the stream on what its
   * own client has received (the server under test and that client share one event loop).
   */
  readonly pace?: (index: number) => Promise<void> | undefined;
}

/** A plain HTTP answer (errors such as 401, 429 with retry-after, 500). */
export interface HttpReply {
  readonly kind: 'http';
  readonly status: number;
  /** Text, JSON, or bytes (sent as `application/octet-stream`, e.g. an archive to download). */
  readonly body?: string | Uint8Array | Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A reply decided when the request arrives, from what it carries (e.g. a session id the model was told); it may
 * take time to decide (e.g. verifying a signature).
 */
export interface DynamicReply {
  readonly kind: 'dynamic';
  readonly reply: (request: RecordedRequest) => SseReply | HttpReply | Promise<SseReply | HttpReply>;
}

export type ScriptedReply = SseReply | HttpReply | DynamicReply;

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1/responses?api-version=1`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** The body as sent (for binary uploads). */
  readonly bodyBytes: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: unknown;
  /** Resolves when the client goes away before the reply is complete (abort, cancel, idle timeout). */
  readonly clientGone: Promise<void>;
}

export interface FakeModelServerOptions {
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /**
   * Fixed answers to requests other than `POST …/responses`, by path (e.g. `/backend-api/wham/usage`) or by path
   * and query (e.g. `/backend-api/ps/plugins/list?scope=GLOBAL&limit=200`), the latter first. A dynamic route
   * decides its answer from the request (e.g. a JSON-RPC endpoint answering by method).
   */
  readonly routes?: Readonly<Record<string, HttpReply | DynamicReply>>;
}

export interface FakeModelServer {
  /** `http://127.0.0.1:<port>/v1` (`https://` with `tls`): a provider's `base_url`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>` (`https://` with `tls`). */
  readonly origin: string;
  readonly requests: readonly RecordedRequest[];
  enqueue(...replies: ScriptedReply[]): void;
  /** Resolves with the first `count` requests once they have arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Ends every open response and stops listening. */
  close(): Promise<void>;
}

export const FAKE_WAIT_MS = 5_000;

/** Rejects after `timeoutMs` with a message naming `what`; the timer is cleared when `promise` settles first. */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = FAKE_WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function sseReply(frames: readonly SseFrame[], options: Omit<SseReply, 'kind' | 'frames'> = {}): SseReply {
  return { kind: 'sse', frames, ...options };
}

export function httpReply(
  status: number,
  body: HttpReply['body'] = '',
  headers: Readonly<Record<string, string>> = {},
): HttpReply {
  return { kind: 'http', status, body, headers };
}

/** The frames of `test/fixtures/sse/<name>.sse` (copied from the reference's probes), verbatim. */
export function sseFixture(name: string): string[] {
  const text = readFileSync(new URL(`../fixtures/sse/${name}.sse`, import.meta.url), 'utf8');
  return text
    .split(/\n\n/)
    .filter((frame) => frame.trim() !== '')
    .map((frame) => `${frame}\n\n`);
}

/** The event objects in a fixture's `data:` lines. */
export function sseFixtureEvents(name: string): Record<string, unknown>[] {
  return sseFixture(name).flatMap((frame) =>
    frame
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice('data: '.length)) as Record<string, unknown>),
  );
}

/** A full text answer: created, item added, one delta per chunk, item done, completed (with usage). */
export function textTurnFrames(
  chunks: readonly string[],
  options: { responseId?: string; itemId?: string } = {},
): Record<string, unknown>[] {
  const responseId = options.responseId ?? 'resp_1';
  const itemId = options.itemId ?? 'msg_1';
  const text = chunks.join('');
  return [
    { type: 'response.created', response: { id: responseId } },
    {
      type: 'response.output_item.added',
      output_index: 0,
      item: { type: 'message', role: 'assistant', id: itemId, status: 'in_progress', content: [] },
    },
    ...chunks.map((delta) => ({
      type: 'response.output_text.delta',
      output_index: 0,
      content_index: 0,
      item_id: itemId,
      delta,
    })),
    {
      type: 'response.output_item.done',
      output_index: 0,
      item: {
        type: 'message',
        role: 'assistant',
        id: itemId,
        status: 'completed',
        content: [{ type: 'output_text', text, annotations: [] }],
      },
    },
    {
      type: 'response.completed',
      response: {
        id: responseId,
        usage: {
          input_tokens: 10,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 5,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 15,
        },
      },
    },
  ];
}

const REASONING_USAGE = {
  input_tokens: 10,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 5,
  output_tokens_details: { reasoning_tokens: 3 },
  total_tokens: 15,
};

/** A response with a reasoning item (summary + raw text), then a message. */
export function reasoningTurnFrames(): Record<string, unknown>[] {
  const reasoning = { type: 'reasoning', id: 'rs_1', summary: [], content: [] };
  return [
    { type: 'response.created', response: { id: 'resp_r' } },
    { type: 'response.output_item.added', output_index: 0, item: reasoning },
    { type: 'response.reasoning_summary_part.added', output_index: 0, item_id: 'rs_1', summary_index: 0 },
    { type: 'response.reasoning_summary_text.delta', output_index: 0, item_id: 'rs_1', summary_index: 0, delta: 'Think' },
    { type: 'response.reasoning_text.delta', output_index: 0, item_id: 'rs_1', content_index: 0, delta: 'raw' },
    {
      type: 'response.output_item.done',
      output_index: 0,
      item: {
        ...reasoning,
        summary: [{ type: 'summary_text', text: 'Think' }],
        content: [{ type: 'reasoning_text', text: 'raw' }],
        encrypted_content: 'opaque',
      },
    },
    ...textTurnFrames(['Done'], { responseId: 'resp_r', itemId: 'msg_r' }).slice(1, -1),
    { type: 'response.completed', response: { id: 'resp_r', usage: REASONING_USAGE } },
  ];
}

/** A response whose only output is one tool call: a `function_call` (JSON arguments) or a `custom_tool_call`. */
export function toolCallFrames(
  call:
    | { readonly kind?: 'function'; readonly name: string; readonly arguments: unknown; readonly callId: string }
    | { readonly kind: 'custom'; readonly name: string; readonly input: string; readonly callId: string },
  options: { responseId?: string } = {},
): Record<string, unknown>[] {
  const responseId = options.responseId ?? `resp_${call.callId}`;
  const item =
    call.kind === 'custom'
      ? { type: 'custom_tool_call', id: `ctc_${call.callId}`, call_id: call.callId, name: call.name, input: call.input }
      : {
          type: 'function_call',
          id: `fc_${call.callId}`,
          call_id: call.callId,
          name: call.name,
          arguments: JSON.stringify(call.arguments),
        };
  return [
    { type: 'response.created', response: { id: responseId } },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress' } },
    { type: 'response.output_item.done', output_index: 0, item: { ...item, status: 'completed' } },
    {
      type: 'response.completed',
      response: {
        id: responseId,
        usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
      },
    },
  ];
}

function frameText(frame: SseFrame, dataOnly: boolean): string {
  if (typeof frame === 'string') return frame;
  const data = `data: ${JSON.stringify(frame)}\n\n`;
  return dataOnly || typeof frame.type !== 'string' ? data : `event: ${frame.type}\n${data}`;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function writeHttpReply(reply: HttpReply, response: ServerResponse): void {
  if (reply.body instanceof Uint8Array) {
    response.writeHead(reply.status, { 'content-type': 'application/octet-stream', ...reply.headers }).end(reply.body);
    return;
  }
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? '');
  const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
  response.writeHead(reply.status, { 'content-type': type, ...reply.headers }).end(text);
}

export async function startFakeModelServer(
  t?: TestContext,
  replies: readonly ScriptedReply[] = [],
  options: FakeModelServerOptions = {},
): Promise<FakeModelServer> {
  const queue: ScriptedReply[] = [...replies];
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function writeSse(reply: SseReply, response: ServerResponse, dropped: () => void): Promise<void> {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.flushHeaders();
    for (const [index, frame] of reply.frames.entries()) {
      if (reply.hold !== undefined && index === reply.hold.count) await reply.hold.until;
      const paced = reply.pace?.(index);
      if (paced !== undefined) await paced;
      if (reply.delayMs !== undefined) await pause(reply.delayMs);
      if (response.destroyed || closed) return;
      response.write(frameText(frame, reply.dataOnly ?? false));
    }
    switch (reply.then ?? 'end') {
      case 'end':
        response.end();
        return;
      case 'hang':
        return;
      case 'drop':
        dropped();
        // Let the frames reach the client first, so it sees events and then a broken connection.
        response.socket?.end(() => response.socket?.destroy());
        return;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const bodyBytes = await readBody(request);
    const rawBody = bodyBytes.toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    let serverDropped = false;
    const clientGone = new Promise<void>((resolve) => {
      response.once('close', () => {
        if (!response.writableFinished && !serverDropped && !closed) resolve();
      });
    });
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, rawBody, bodyBytes, body, clientGone });
    for (const wake of waiters) wake();

    const path = (request.url ?? '').split('?')[0] ?? '';
    // A route keyed with its query string wins over one keyed by path alone.
    const route = options.routes?.[request.url ?? ''] ?? options.routes?.[path];
    if (route !== undefined) {
      const routed = route.kind === 'dynamic' ? await route.reply(requests[requests.length - 1] as RecordedRequest) : route;
      if (routed.kind === 'http') writeHttpReply(routed, response);
      else await writeSse(routed, response, () => (serverDropped = true));
      return;
    }
    if (request.method !== 'POST' || !path.endsWith('/responses')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const scripted = queue.shift();
    const reply = scripted?.kind === 'dynamic' ? await scripted.reply(requests[requests.length - 1] as RecordedRequest) : scripted;
    if (reply === undefined) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('fake model server: no scripted reply left');
      return;
    }
    if (reply.kind === 'http') {
      writeHttpReply(reply, response);
      return;
    }
    await writeSse(reply, response, () => {
      serverDropped = true;
    });
  }

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, onRequest) : createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const fake: FakeModelServer = {
    baseUrl: `${origin}/v1`,
    origin,
    requests,
    enqueue: (...more) => {
      queue.push(...more);
    },
    waitForRequests: (count, timeoutMs = FAKE_WAIT_MS) => {
      if (requests.length >= count) return Promise.resolve(requests.slice(0, count));
      let wake: () => void = () => undefined;
      const arrived = new Promise<RecordedRequest[]>((resolve) => {
        wake = () => {
          if (requests.length >= count) resolve(requests.slice(0, count));
        };
        waiters.add(wake);
      });
      return within(arrived, `${count} model request(s), got ${requests.length}`, timeoutMs).finally(() =>
        waiters.delete(wake),
      );
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  t?.after(() => fake.close());
  return fake;
}
