import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../util/logger.js';
import type { Disposer, MessageTransport } from '../rpc/message-transport.js';

/**
 * Adapts an accepted websocket to MessageTransport: one JSON-RPC message per text frame. Binary frames are
 * dropped with a warning and the connection stays open (the reference does the same); ws itself answers pings
 * and closes the connection on invalid UTF-8 or an oversized message.
 */
export function websocketTransport(socket: WebSocket, description: string, log: Logger): MessageTransport {
  let messageListener: ((text: string) => void) | undefined;
  const closeListeners = new Set<(reason: string) => void>();
  let closed = false;
  let corked = false;
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
    for (const listener of [...closeListeners]) listener(reason);
    closeListeners.clear();
  };

  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      log.warn('dropping unsupported binary websocket message');
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8');
    messageListener?.(text);
  });
  socket.on('close', (code: number) => finish(`websocket closed (${code})`));
  socket.on('error', (error: Error) => {
    log.debug({ err: error.message }, 'websocket error');
    finish(`websocket error: ${error.message}`);
  });

  return {
    description,
    send(text) {
      if (closed || socket.readyState !== socket.OPEN) return;
      if (!corked) {
        const raw = rawSocket(socket);
        if (raw !== undefined) {
          corked = true;
          raw.cork();
          process.nextTick(uncork);
        }
      }
      socket.send(text);
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
  };
}

/** The TCP socket under a ws connection (ws keeps it in `_socket`; absent once the connection is torn down). */
function rawSocket(socket: WebSocket): Duplex | undefined {
  return (socket as unknown as { _socket?: Duplex })._socket;
}
