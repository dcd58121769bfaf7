import { pieceText } from '../../src/util/message-pieces.js';
import type { MessagePieces } from '../../src/util/message-pieces.js';
import type { Disposer, MessageTransport } from '../../src/rpc/message-transport.js';

/**
 * An in-memory MessageTransport whose peer side is driven by the test: `deliver` plays a client message,
 * `sent` records what the connection wrote, `hangUp` plays the client going away.
 */
export class LinkedTransport implements MessageTransport {
  readonly description = 'linked';
  readonly sent: string[] = [];
  readonly bufferedBytes = 0;
  /** Whether the connection asked to stop reading (it does while its outbound side is backed up). */
  inputPaused = false;
  #listener: ((text: string) => void) | undefined;
  readonly #closeListeners = new Set<(reason: string) => void>();
  #closed = false;

  send(text: string): void {
    if (!this.#closed) this.sent.push(text);
  }
  sendPieces(pieces: MessagePieces): void {
    this.send(pieces.map(pieceText).join(''));
  }

  onMessage(listener: (text: string) => void): Disposer {
    this.#listener = listener;
    return () => {
      this.#listener = undefined;
    };
  }

  onClose(listener: (reason: string) => void): Disposer {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  close(reason = 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#closeListeners) listener(reason);
  }

  onDrain(): Disposer {
    return () => {};
  }

  pauseInput(): void {
    this.inputPaused = true;
  }

  resumeInput(): void {
    this.inputPaused = false;
  }

  /** Plays one inbound message from the client. */
  deliver(message: unknown): void {
    this.#listener?.(typeof message === 'string' ? message : JSON.stringify(message));
  }

  hangUp(): void {
    this.close('peer went away');
  }

  /** The written messages, parsed. */
  messages(): Record<string, unknown>[] {
    return this.sent.map((text) => JSON.parse(text) as Record<string, unknown>);
  }
}
