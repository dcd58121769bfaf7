import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { MAX_INBOUND_MESSAGE_BYTES } from '../protocol/message-limits.js';
import type { Logger } from '../util/logger.js';
import type { Disposer, MessageTransport } from '../rpc/message-transport.js';
import type { MessagePieces } from '../util/message-pieces.js';
import { StreamedMessages } from './streamed-messages.js';
import { websocketTextFrame } from './websocket-text-frame.js';

/** Close code for a peer cut off by the slow-client policy (RFC 6455 "policy violation"). */
export const SLOW_CLIENT_CLOSE_CODE = 1008;

/**
 * How long a slow client cut off with 1008 gets to read what was already handed to its socket, up to the close
 * frame; then the socket is destroyed, so a client that never reads again does not hold it for ws's 30 s.
 */
const SLOW_CLIENT_CLOSE_GRACE_MS = 10_000;

/**
 * ws closes a connection whose message breaks a protocol limit with a bare close code; these reasons tell the
 * client which rule it broke (the reference's tungstenite drops the connection without one).
 */
const PROTOCOL_CLOSE_REASONS: ReadonlyMap<number, string> = new Map([
  [1007, 'invalid UTF-8 in a text message'],
  [1009, `message larger than ${MAX_INBOUND_MESSAGE_BYTES} bytes`],
]);

/**
 * Adapts an accepted websocket to MessageTransport: one JSON-RPC message per text message (a big one in several frames). Binary frames are
 * dropped with a warning and the connection stays open (the reference does the same); ws itself answers pings
 * and closes the connection on invalid UTF-8 (1007) or an oversized message (1009).
 */
export function websocketTransport(socket: WebSocket, description: string, log: Logger): MessageTransport {
  return new WebSocketTransport(socket, description, log);
}

/**
 * One per connection, for the connection's life: a class (its methods shared on the prototype) rather than an
 * object of closures, which cost every idle connection ~3 KiB more.
 */
class WebSocketTransport implements MessageTransport {
  readonly description: string;
  readonly #socket: WebSocket;
  #messageListener: ((text: string) => void) | undefined;
  readonly #closeListeners = new Set<(reason: string) => void>();
  readonly #drainListeners = new Set<() => void>();
  #closed = false;
  #corked = false;
  /** A big answer goes out a fragment at a time as the socket drains (streamed-messages.ts); made on first use. */
  #streamed: StreamedMessages | undefined;

  constructor(socket: WebSocket, description: string, log: Logger) {
    this.#socket = socket;
    this.description = description;
    // ws's receiver calls `close(code)` on this instance when a message breaks a limit: supply the reason.
    socket.close = closeGivingReason;
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        log.warn('dropping unsupported binary websocket message');
        return;
      }
      // `ws` hands Buffers by default; an ArrayBuffer is wrapped (not copied) in case the binary type ever changes.
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data;
      this.#messageListener?.(bytes.toString('utf8'));
    });
    // The raw socket's drain: ws has no event of its own, and its bufferedAmount is the raw socket's buffer.
    rawSocket(socket)?.on('drain', () => {
      this.#streamed?.pump();
      if (this.#streamed?.busy === true) return;
      for (const listener of [...this.#drainListeners]) listener();
    });
    socket.on('close', (code: number) => this.#finish(`websocket closed (${code})`));
    socket.on('error', (error: Error) => {
      // Protocol violations (oversized message, invalid UTF-8: codes WS_ERR_*) arrive here after ws closed the
      // socket; they are the client's fault and worth a warning. Resets and the like are routine.
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code.startsWith('WS_ERR_')) {
        log.warn({ err: error.message, code, transport: description }, 'closing websocket after a protocol error');
      } else log.debug({ err: error.message }, 'websocket error');
      this.#finish(`websocket error: ${error.message}`);
    });
  }

  send(text: string): void {
    const socket = this.#socket;
    if (this.#closed || socket.readyState !== socket.OPEN) return;
    const streamed = this.#streamed;
    if (streamed?.busy === true) {
      streamed.hold(() => socket.readyState === socket.OPEN && this.#writeText(text), text.length);
      return;
    }
    this.#writeText(text);
  }

  sendPieces(pieces: MessagePieces): void {
    const socket = this.#socket;
    if (this.#closed || socket.readyState !== socket.OPEN) return;
    this.#cork();
    this.#streamed ??= new StreamedMessages({
      sendFragment: (data, last) => {
        if (socket.readyState === socket.OPEN) socket.send(data, { binary: false, fin: last });
      },
      get bufferedBytes() {
        return socket.bufferedAmount;
      },
    });
    this.#streamed.send(pieces);
  }

  onMessage(listener: (text: string) => void): Disposer {
    this.#messageListener = listener;
    return () => {
      if (this.#messageListener === listener) this.#messageListener = undefined;
    };
  }

  onClose(listener: (reason: string) => void): Disposer {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  close(reason = 'closed by server'): void {
    const socket = this.#socket;
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(1001, 'server closing');
    this.#finish(reason);
  }

  get bufferedBytes(): number {
    return this.#socket.bufferedAmount + (this.#streamed?.pendingBytes ?? 0);
  }

  onDrain(listener: () => void): Disposer {
    this.#drainListeners.add(listener);
    return () => this.#drainListeners.delete(listener);
  }

  pauseInput(): void {
    this.#socket.pause();
  }

  resumeInput(): void {
    this.#socket.resume();
  }

  disconnectSlowPeer(reason: string): void {
    const socket = this.#socket;
    if (socket.readyState === socket.OPEN) {
      // Reading again lets a client that does catch up complete the closing handshake.
      socket.resume();
      socket.close(SLOW_CLIENT_CLOSE_CODE, 'slow client: outbound queue over budget');
      setTimeout(() => socket.terminate(), SLOW_CLIENT_CLOSE_GRACE_MS).unref();
    }
    this.#finish(reason);
  }

  #finish(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#streamed?.clear();
    for (const listener of [...this.#closeListeners]) listener(reason);
    this.#closeListeners.clear();
  }

  /**
   * ws writes every frame to the socket at once: one syscall per message. A streamed turn sends thousands of small
   * notifications in bursts, so frames sent in one run of the event loop are gathered (cork) and flushed together
   * when it ends (uncork on the next tick), which costs no latency.
   */
  #cork(): void {
    if (this.#corked) return;
    const raw = rawSocket(this.#socket);
    if (raw !== undefined) {
      this.#corked = true;
      raw.cork();
      process.nextTick(uncorkTransport, this);
    }
  }

  /** The end of a run of the event loop in which frames were corked (see #cork). */
  uncorkNow(): void {
    this.#corked = false;
    rawSocket(this.#socket)?.uncork();
  }

  #writeText(text: string): void {
    const raw = rawSocket(this.#socket);
    if (raw === undefined) {
      this.#socket.send(text);
      return;
    }
    this.#cork();
    // Framed here, in one write (see websocketTextFrame). ws writes its own control frames (pong, close) to the
    // same socket directly, and with compression off its sender never holds a frame back, so the order of
    // everything on the wire is still the order of the calls.
    raw.write(websocketTextFrame(text));
  }
}

function uncorkTransport(transport: WebSocketTransport): void {
  transport.uncorkNow();
}

/** `WebSocket.prototype.close`, installed on each socket: ws closes with a bare code, this adds the reason. */
function closeGivingReason(this: WebSocket, code?: number, reason?: string | Buffer): void {
  const original = (Object.getPrototypeOf(this) as WebSocket).close;
  original.call(this, code, reason ?? (code === undefined ? undefined : PROTOCOL_CLOSE_REASONS.get(code)));
}

/** The TCP socket under a ws connection (ws keeps it in `_socket`; absent once the connection is torn down). */
function rawSocket(socket: WebSocket): Duplex | undefined {
  return (socket as unknown as { _socket?: Duplex })._socket;
}
