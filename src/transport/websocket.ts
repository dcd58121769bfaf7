import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { MAX_INBOUND_MESSAGE_BYTES } from '../protocol/message-limits.js';
import type { Logger } from '../util/logger.js';
import type { Disposer, MessageTransport } from '../rpc/message-transport.js';
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
  let messageListener: ((text: string) => void) | undefined;
  const closeListeners = new Set<(reason: string) => void>();
  const drainListeners = new Set<() => void>();
  let closed = false;
  let corked = false;
  // ws's receiver calls `close(code)` on this instance when a message breaks a limit: supply the reason.
  const closeSocket = socket.close.bind(socket);
  socket.close = (code?: number, reason?: string | Buffer) =>
    closeSocket(code, reason ?? (code === undefined ? undefined : PROTOCOL_CLOSE_REASONS.get(code)));
  // ws writes every frame to the socket at once: one syscall per message. A streamed turn sends thousands of
  // small notifications in bursts, so frames sent in one run of the event loop are gathered (cork) and flushed
  // together when it ends (uncork on the next tick), which costs no latency.
  const uncork = () => {
    corked = false;
    rawSocket(socket)?.uncork();
  };

  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
    streamed.clear();
    for (const listener of [...closeListeners]) listener(reason);
    closeListeners.clear();
  };

  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      log.warn('dropping unsupported binary websocket message');
      return;
    }
    // `ws` hands Buffers by default; an ArrayBuffer is wrapped (not copied) in case the binary type ever changes.
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data;
    const text = bytes.toString('utf8');
    messageListener?.(text);
  });
  // A big answer goes out a fragment at a time as the socket drains (streamed-messages.ts).
  const streamed = new StreamedMessages({
    sendFragment: (data, last) => {
      if (socket.readyState === socket.OPEN) socket.send(data, { binary: false, fin: last });
    },
    get bufferedBytes() {
      return socket.bufferedAmount;
    },
  });
  // The raw socket's drain: ws has no event of its own, and its bufferedAmount is the raw socket's buffer.
  rawSocket(socket)?.on('drain', () => {
    streamed.pump();
    if (streamed.busy) return;
    for (const listener of [...drainListeners]) listener();
  });
  socket.on('close', (code: number) => finish(`websocket closed (${code})`));
  socket.on('error', (error: Error) => {
    // Protocol violations (oversized message, invalid UTF-8: codes WS_ERR_*) arrive here after ws closed the
    // socket; they are the client's fault and worth a warning. Resets and the like are routine.
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('WS_ERR_')) {
      log.warn({ err: error.message, code, transport: description }, 'closing websocket after a protocol error');
    } else log.debug({ err: error.message }, 'websocket error');
    finish(`websocket error: ${error.message}`);
  });

  const cork = () => {
    if (corked) return;
    const raw = rawSocket(socket);
    if (raw !== undefined) {
      corked = true;
      raw.cork();
      process.nextTick(uncork);
    }
  };

  const writeText = (text: string) => {
    const raw = rawSocket(socket);
    if (raw === undefined) {
      socket.send(text);
      return;
    }
    cork();
    // Framed here, in one write (see websocketTextFrame). ws writes its own control frames (pong, close) to the
    // same socket directly, and with compression off its sender never holds a frame back, so the order of
    // everything on the wire is still the order of the calls.
    raw.write(websocketTextFrame(text));
  };

  return {
    description,
    send(text) {
      if (closed || socket.readyState !== socket.OPEN) return;
      if (streamed.busy) {
        streamed.hold(() => socket.readyState === socket.OPEN && writeText(text), text.length);
        return;
      }
      writeText(text);
    },
    sendPieces(pieces) {
      if (closed || socket.readyState !== socket.OPEN) return;
      cork();
      streamed.send(pieces);
    },
    onMessage(listener): Disposer {
      messageListener = listener;
      return () => {
        if (messageListener === listener) messageListener = undefined;
      };
    },
    onClose(listener): Disposer {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close(reason = 'closed by server') {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(1001, 'server closing');
      finish(reason);
    },
    get bufferedBytes() {
      return socket.bufferedAmount + streamed.pendingBytes;
    },
    onDrain(listener): Disposer {
      drainListeners.add(listener);
      return () => drainListeners.delete(listener);
    },
    pauseInput() {
      socket.pause();
    },
    resumeInput() {
      socket.resume();
    },
    disconnectSlowPeer(reason) {
      if (socket.readyState === socket.OPEN) {
        // Reading again lets a client that does catch up complete the closing handshake.
        socket.resume();
        socket.close(SLOW_CLIENT_CLOSE_CODE, 'slow client: outbound queue over budget');
        setTimeout(() => socket.terminate(), SLOW_CLIENT_CLOSE_GRACE_MS).unref();
      }
      finish(reason);
    },
  };
}

/** The TCP socket under a ws connection (ws keeps it in `_socket`; absent once the connection is torn down). */
function rawSocket(socket: WebSocket): Duplex | undefined {
  return (socket as unknown as { _socket?: Duplex })._socket;
}
