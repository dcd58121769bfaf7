/**
 * The seam between the rpc layer and the transports: rpc defines it, transport/ (which ranks above rpc)
 * implements it for stdio and websocket, so no rpc module imports transport code.
 */

import type { MessagePieces } from '../util/message-pieces.js';

/** A function that removes the listener it was returned for. */
export type Disposer = () => void;

/**
 * Moves whole JSON-RPC messages as text: one websocket text message or one stdio line each. It knows nothing of
 * JSON-RPC; framing problems (binary frames, oversized lines) are handled and logged inside the transport.
 */
export interface MessageTransport {
  /** Queues one message for delivery, in call order. Writing to a closed transport is a silent no-op. */
  send(text: string): void;
  /**
   * Like `send`, for one message given as pieces whose concatenation is its text (a big answer whose long strings
   * are raw bytes of a file): the pieces are written one after the other (a websocket sends them as the fragments
   * of one text message), never joined into one copy.
   */
  sendPieces(pieces: MessagePieces): void;
  /** Registers the receiver of inbound messages. There is exactly one receiver: the connection. */
  onMessage(listener: (text: string) => void): Disposer;
  /** Called once when the peer goes away or `close` was called. */
  onClose(listener: (reason: string) => void): Disposer;
  /** Ends the transport; `onClose` listeners run. */
  close(reason?: string): void;
  /** For logs: `ws 127.0.0.1:5123`, `stdio`. */
  readonly description: string;
  /**
   * Bytes accepted by `send` that the operating system has not taken yet (a websocket's `bufferedAmount`,
   * stdout's `writableLength`): how far the peer is behind.
   */
  readonly bufferedBytes: number;
  /** Called each time the transport has handed everything it buffered to the operating system. */
  onDrain(listener: () => void): Disposer;
  /** Stops reading inbound messages (the peer's writes back up into its own buffers), until `resumeInput`. */
  pauseInput(): void;
  resumeInput(): void;
  /**
   * Present on transports that may cut off a peer that does not keep up (websocket: close code 1008). Stdio has
   * none: its one client cannot be replaced, so it is only back-pressured.
   */
  readonly disconnectSlowPeer?: ((reason: string) => void) | undefined;
}
