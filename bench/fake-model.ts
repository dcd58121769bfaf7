import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Responses API for the benchmark on 127.0.0.1:0. Every `POST …/responses` streams an assistant message
 * whose shape the newest user message asks for with a directive `BENCH{deltas=N,size=B}`: N output_text deltas of
 * B bytes each (default 5 short words). It streams as fast as the socket takes it, so a turn measures the server.
 */
export interface BenchModel {
  /** `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

const DEFAULT_DELTAS = 5;

export async function startBenchModel(): Promise<BenchModel> {
  let responseCount = 0;
  const server = createServer((request, response) => {
    void answer(request, response, () => ++responseCount);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, nextId: () => number): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const path = (request.url ?? '').split('?')[0] ?? '';
  if (request.method === 'POST' && path.endsWith('/responses')) {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    await streamMessage(response, parseDirective(lastUserText(body)), nextId());
    return;
  }
  // Model catalogues and anything else a server asks its provider for: an empty, harmless answer.
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ object: 'list', data: [], models: [] }));
}

interface Directive {
  readonly deltas: number;
  readonly size: number | undefined;
}

export function benchPrompt(deltas: number, size?: number): string {
  return `Reply please. BENCH{deltas=${deltas}${size === undefined ? '' : `,size=${size}`}}`;
}

function parseDirective(text: string): Directive {
  const matches = [...text.matchAll(/BENCH\{([^}]*)\}/g)];
  const fields = new Map<string, number>();
  for (const pair of matches.at(-1)?.[1]?.split(',') ?? []) {
    const [key, value] = pair.split('=');
    if (key !== undefined && value !== undefined) fields.set(key.trim(), Number(value));
  }
  return { deltas: fields.get('deltas') ?? DEFAULT_DELTAS, size: fields.get('size') };
}

/** The text of the newest user message in a Responses request body. */
function lastUserText(body: unknown): string {
  const input = (body as { input?: unknown } | undefined)?.input;
  if (!Array.isArray(input)) return '';
  for (let index = input.length - 1; index >= 0; index--) {
    const item = input[index] as { role?: unknown; content?: unknown };
    if (item.role !== 'user' || !Array.isArray(item.content)) continue;
    const text = item.content.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('\n');
    if (text.includes('BENCH{')) return text;
  }
  return '';
}

const WORDS = ['alpha ', 'beta ', 'gamma ', 'delta ', 'epsilon ', 'zeta ', 'eta ', 'theta '];

function event(type: string, fields: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;
}

async function streamMessage(response: ServerResponse, directive: Directive, id: number): Promise<void> {
  const responseId = `resp_${id}`;
  const itemId = `msg_${id}`;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const write = async (text: string) => {
    if (!response.write(text)) await new Promise((resolve) => response.once('drain', resolve));
  };
  await write(event('response.created', { response: { id: responseId } }));
  const message = { type: 'message', role: 'assistant', id: itemId };
  await write(event('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } }));
  const pieces: string[] = [];
  for (let index = 0; index < directive.deltas; index++) {
    const word = WORDS[index % WORDS.length] ?? 'x ';
    const delta = directive.size === undefined ? word : word.repeat(Math.ceil(directive.size / word.length)).slice(0, directive.size);
    pieces.push(delta);
    await write(event('response.output_text.delta', { output_index: 0, content_index: 0, item_id: itemId, delta }));
  }
  const text = pieces.join('');
  await write(
    event('response.output_item.done', {
      output_index: 0,
      item: { ...message, status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] },
    }),
  );
  const usage = {
    input_tokens: 10,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 5,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 15,
  };
  await write(event('response.completed', { response: { id: responseId, usage } }));
  response.end();
}
