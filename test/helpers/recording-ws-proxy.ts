import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TestContext } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { loadReferenceSchema, type ReferenceSchema } from './reference-schema.js';

export type Direction = 'client→server' | 'server→client';

/** One websocket frame (text as sent, binary as a note) or a close, in the order the proxy saw them. */
export interface RecordedFrame {
  /** 1 for the first connection through the proxy, 2 for the next, … */
  readonly connection: number;
  readonly direction: Direction;
  readonly kind: 'text' | 'binary' | 'close';
  readonly text: string;
}

/** The answer to one upgrade the client asked for: 101, or the refusal the server (or the proxy) gave. */
export interface RecordedUpgrade {
  readonly connection: number;
  readonly status: number;
  readonly body: string;
}

export interface ServerFrameCheck {
  /** How many server→client messages were validated. */
  readonly validated: number;
  /** One entry per message that broke the reference schema (or was not JSON). */
  readonly violations: readonly string[];
}

/** Upgrade request headers that belong to one hop (the proxy's own handshake with the server makes its own). */
const HOP_HEADERS = new Set(['host', 'connection', 'upgrade', 'content-length', 'transfer-encoding']);

/**
 * A websocket relay on 127.0.0.1:0 between a real client (the terminal UI) and our server. It records every
 * frame both ways, so a failing end-to-end test can show what the client sent, and checks every message the
 * server sent against the reference schema (as they arrive), as RpcTestClient does for tests that speak JSON-RPC
 * themselves.
 * The upgrade is relayed as is: the client's headers (its bearer token) go to the server, and a refused
 * upgrade (401 and its body) comes back to the client unchanged.
 */
export class RecordingWsProxy {
  readonly frames: RecordedFrame[] = [];
  readonly upgrades: RecordedUpgrade[] = [];
  readonly url: string;
  readonly #close: () => Promise<void>;
  /** Validation runs frame by frame while the test goes on (compiling validators takes seconds). */
  #validation: Promise<void> = Promise.resolve();
  readonly #methodsById = new Map<string, string>();
  readonly #violations: string[] = [];
  #validated = 0;

  private constructor(url: string, close: () => Promise<void>) {
    this.url = url;
    this.#close = close;
  }

  /** Starts a relay to `targetUrl` (`ws://127.0.0.1:PORT`), closed in `t.after`. */
  static async start(t: TestContext, targetUrl: string): Promise<RecordingWsProxy> {
    const sockets = new Set<WebSocket>();
    const wss = new WebSocketServer({ noServer: true });
    const http = createServer((_request, response) => response.writeHead(426).end());
    let connections = 0;
    let proxy: RecordingWsProxy | undefined;
    let record = (_frame: RecordedFrame): void => undefined;

    const relay = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const connection = ++connections;
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          ([name, value]) => typeof value === 'string' && !HOP_HEADERS.has(name) && !name.startsWith('sec-websocket-'),
        ),
      ) as Record<string, string>;
      const upstream = new WebSocket(`${targetUrl}${request.url ?? '/'}`, { headers, perMessageDeflate: false });
      sockets.add(upstream);
      upstream.once('unexpected-response', (_request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        const refuse = () => {
          const status = response.statusCode ?? 502;
          proxy?.upgrades.push({ connection, status, body });
          writeRefusal(socket, status, response.statusMessage ?? '', body, response.headers['content-type']);
          upstream.terminate();
        };
        response.once('end', refuse);
      });
      upstream.once('error', (error) => {
        // After a refusal (relayed above) or once open, the error is the server closing: nothing to relay.
        if (proxy?.upgrades.some((upgrade) => upgrade.connection === connection)) return;
        proxy?.upgrades.push({ connection, status: 502, body: error.message });
        writeRefusal(socket, 502, 'Bad Gateway', `proxy: ${error.message}`, 'text/plain');
      });
      upstream.once('open', () => {
        proxy?.upgrades.push({ connection, status: 101, body: '' });
        wss.handleUpgrade(request, socket, head, (client) => {
          sockets.add(client);
          pipe(connection, client, upstream, 'client→server');
          pipe(connection, upstream, client, 'server→client');
        });
      });
    };

    const pipe = (connection: number, from: WebSocket, to: WebSocket, direction: Direction) => {
      from.on('message', (data: Buffer, isBinary) => {
        record({ connection, direction, kind: isBinary ? 'binary' : 'text', text: isBinary ? `(${data.length} bytes)` : data.toString('utf8') });
        if (to.readyState === WebSocket.OPEN) to.send(data, { binary: isBinary });
      });
      from.on('close', (code, reason) => {
        record({ connection, direction, kind: 'close', text: `close ${code} ${reason.toString('utf8')}`.trim() });
        // 1005 = a close frame without a status code (what the UI sends on quit), relayed as such; 1006 = no
        // close frame at all, relayed as a dropped connection.
        if (code === 1006) to.terminate();
        else if (to.readyState === WebSocket.OPEN) to.close(code === 1005 ? undefined : code, reason);
      });
      from.on('error', () => to.terminate());
    };

    http.on('upgrade', relay);
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const { port } = http.address() as AddressInfo;
    proxy = new RecordingWsProxy(`ws://127.0.0.1:${port}`, async () => {
      for (const socket of sockets) socket.terminate();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });
    const started = proxy;
    record = (frame) => started.#record(frame);
    t.after(() => started.close());
    return started;
  }

  /** The parsed text messages one way (all connections, in order). */
  messages(direction: Direction, connection?: number): Record<string, unknown>[] {
    return this.frames
      .filter((frame) => frame.direction === direction && frame.kind === 'text' && (connection === undefined || frame.connection === connection))
      .flatMap((frame) => {
        try {
          return [JSON.parse(frame.text) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  /** The methods the client called (requests and notifications), in order. */
  clientMethods(connection?: number): string[] {
    return this.messages('client→server', connection).flatMap((message) => (typeof message.method === 'string' ? [message.method] : []));
  }

  /**
   * The result of validating every message the server sent against the reference schema (responses against the
   * method the client called with that id on the same connection), once all frames so far are checked.
   */
  async checkServerFrames(): Promise<ServerFrameCheck> {
    await this.#validation;
    return { validated: this.#validated, violations: [...this.#violations] };
  }

  /** The last `count` frames, one line each (cut to 300 characters), for failure messages. */
  transcript(count = 120): string {
    const shown = this.frames.slice(-count);
    const lines = shown.map((frame) => {
      const text = frame.text.length > 300 ? `${frame.text.slice(0, 300)}… (${frame.text.length} chars)` : frame.text;
      return `#${frame.connection} ${frame.direction === 'client→server' ? '→' : '←'} ${text}`;
    });
    const skipped = this.frames.length - shown.length;
    const upgrades = this.upgrades.map((upgrade) => `#${upgrade.connection} upgrade ${upgrade.status} ${upgrade.body}`.trim());
    return ['--- websocket (→ client to server, ← server to client) ---', ...upgrades, ...(skipped > 0 ? [`(${skipped} earlier frames)`] : []), ...lines].join('\n');
  }

  close(): Promise<void> {
    return this.#close();
  }

  #record(frame: RecordedFrame): void {
    this.frames.push(frame);
    if (frame.kind !== 'text') return;
    this.#validation = this.#validation.then(async () => {
      await new Promise(setImmediate); // let the relay forward pending frames first
      this.#check(frame, await loadReferenceSchema());
    });
  }

  #check(frame: RecordedFrame, schema: ReferenceSchema): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(frame.text) as Record<string, unknown>;
    } catch {
      if (frame.direction === 'server→client') this.#violations.push(`#${frame.connection} not JSON: ${frame.text.slice(0, 200)}`);
      return;
    }
    if (frame.direction === 'client→server') {
      if (typeof message.method === 'string' && 'id' in message) {
        this.#methodsById.set(`${frame.connection}:${String(message.id)}`, message.method);
      }
      return;
    }
    this.#validated += 1;
    try {
      schema.validateServerMessage(message, (id) => this.#methodsById.get(`${frame.connection}:${String(id)}`));
    } catch (error) {
      this.#violations.push(`#${frame.connection} ${(error as Error).message}`);
    }
  }
}

function writeRefusal(socket: Duplex, status: number, reason: string, body: string, contentType: string | undefined): void {
  if (socket.destroyed || socket.writableEnded) return;
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    ...(contentType ? [`content-type: ${contentType}`] : []),
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
