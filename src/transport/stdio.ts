import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../util/logger.js';
import type { Disposer, MessageTransport } from '../rpc/message-transport.js';
import { AsciiText, unquotedPieces } from '../util/message-pieces.js';

export interface StdioTransportOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly log: Logger;
  /** Lines longer than this are discarded with an error log instead of growing memory without bound. */
  readonly maxLineBytes: number;
}

/**
 * Newline-delimited JSON over a pair of streams (stdin/stdout in production). Chunks of a line are kept in a
 * list and joined once the newline arrives, so a long line costs one copy, not one per chunk. The transport
 * closes when the input ends, which is how a stdio client says goodbye.
 */
export function stdioTransport(options: StdioTransportOptions): MessageTransport {
  const { input, output, log, maxLineBytes } = options;
  let messageListener: ((text: string) => void) | undefined;
  const closeListeners = new Set<(reason: string) => void>();
  const drainListeners = new Set<() => void>();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let discarding = false;
  let closed = false;

  const reportOversized = () =>
    log.error({ maxLineBytes }, `discarding oversized stdio message: a line may hold at most ${maxLineBytes} bytes`);

  const emitLine = (line: Buffer) => {
    const text = line.toString('utf8').replace(/\r$/, '');
    if (text.trim() !== '') messageListener?.(text);
  };

  const onData = (chunk: Buffer) => {
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, newline);
      start = newline + 1;
      if (discarding || pendingBytes + piece.length > maxLineBytes) {
        if (!discarding) reportOversized();
        discarding = false;
      } else {
        pending.push(piece);
        emitLine(pending.length === 1 ? piece : Buffer.concat(pending));
      }
      pending = [];
      pendingBytes = 0;
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0 || discarding) return;
    if (pendingBytes + rest.length > maxLineBytes) {
      reportOversized();
      discarding = true;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(rest);
    pendingBytes += rest.length;
  };

  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
    input.off('data', onData);
    for (const listener of [...closeListeners]) listener(reason);
    closeListeners.clear();
  };

  input.on('data', onData);
  input.once('end', () => finish('stdin closed'));
  input.once('error', (error: Error) => finish(`stdin error: ${error.message}`));
  output.on('error', (error: Error) => finish(`stdout error: ${error.message}`));
  output.on('drain', () => {
    for (const listener of [...drainListeners]) listener();
  });

  return {
    description: 'stdio',
    send(text) {
      if (!closed) output.write(`${text}\n`);
    },
    sendPieces(pieces) {
      if (closed) return;
      // The line in pieces, so no copy of a big answer is made; nothing else is written in between.
      for (const piece of unquotedPieces(pieces)) {
        if (piece instanceof AsciiText) output.write(piece.text, 'latin1');
        else output.write(piece);
      }
      output.write('\n');
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
      finish(reason);
    },
    get bufferedBytes() {
      return output.writableLength;
    },
    onDrain(listener): Disposer {
      drainListeners.add(listener);
      return () => drainListeners.delete(listener);
    },
    pauseInput() {
      input.pause();
    },
    resumeInput() {
      if (!closed) input.resume();
    },
  };
}
