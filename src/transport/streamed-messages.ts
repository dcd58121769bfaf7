import { AsciiText, pieceByteLength, unquotedPieces } from '../util/message-pieces.js';
import type { MessagePiece, MessagePieces } from '../util/message-pieces.js';

/** Where fragments go: the websocket's send of one fragment of a text message, and its unsent byte count. */
export interface FragmentSink {
  sendFragment(data: Uint8Array, last: boolean): void;
  readonly bufferedBytes: number;
}

/**
 * Sends a message given in pieces (a big answer) as one websocket text message in fragments, a slice at a time
 * as the socket drains: however long the answer, it adds at most about HIGH_WATER_BYTES of copies in memory (its
 * long strings are the rollout's bytes or the thread's own strings, sliced as they go out). Fragments, not one
 * long frame written in parts: ws answers pings by itself, and a control frame may come between fragments but not
 * inside a frame. Whatever the connection sends meanwhile is held, in order, and sent once the message is
 * complete; `pendingBytes` counts it with the message's unsent rest, so the outbound queue sees the backlog and
 * holds further messages itself.
 */
export class StreamedMessages {
  readonly #sink: FragmentSink;
  #current: { readonly pieces: MessagePiece[]; index: number; offset: number } | undefined;
  readonly #held: { readonly write: () => void; readonly bytes: number }[] = [];
  #pendingBytes = 0;

  constructor(sink: FragmentSink) {
    this.#sink = sink;
  }

  /** Bytes accepted but not yet handed to the socket. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Whether a message is being sent (or sends wait behind one): any other send must go through `hold`. */
  get busy(): boolean {
    return this.#current !== undefined || this.#held.length > 0;
  }

  /** Starts sending `pieces` as one message, or holds them behind the message being sent. */
  send(pieces: MessagePieces): void {
    const bytes = pieces.reduce((total, piece) => total + pieceByteLength(piece), 0);
    if (this.busy) {
      this.hold(() => this.#begin(pieces), bytes);
      return;
    }
    this.#begin(pieces);
    this.#pendingBytes += bytes;
    this.pump();
  }

  /** Runs `write` (another message's send) once everything before it was sent. */
  hold(write: () => void, bytes: number): void {
    this.#held.push({ write, bytes });
    this.#pendingBytes += bytes;
  }

  /** Writes on while the socket takes it: call on every drain. */
  pump(): void {
    for (;;) {
      const current = this.#current;
      if (current !== undefined) {
        if (this.#sink.bufferedBytes >= HIGH_WATER_BYTES) return;
        this.#sendSlice(current);
        continue;
      }
      const next = this.#held.shift();
      if (next === undefined) return;
      this.#pendingBytes -= next.bytes;
      next.write();
      // A held message in pieces counts its bytes again once begun.
      if (this.#current !== undefined) this.#pendingBytes += next.bytes;
    }
  }

  /** Forgets the message and whatever was held (the connection is gone). */
  clear(): void {
    this.#current = undefined;
    this.#held.length = 0;
    this.#pendingBytes = 0;
  }

  #begin(pieces: MessagePieces): void {
    // Small pieces (the JSON around the long strings) are merged, so they do not each make a fragment.
    this.#current = { pieces: mergedSmallPieces(unquotedPieces(pieces)), index: 0, offset: 0 };
  }

  #sendSlice(current: { readonly pieces: MessagePiece[]; index: number; offset: number }): void {
    const piece = current.pieces[current.index] ?? '';
    const { offset } = current;
    let slice: Uint8Array;
    let end: number;
    if (piece instanceof AsciiText) {
      end = Math.min(piece.text.length, offset + SLICE);
      slice = Buffer.from(piece.text.substring(offset, end), 'latin1');
    } else if (typeof piece === 'string') {
      end = Math.min(piece.length, offset + SLICE);
      // Never between the two halves of a surrogate pair: each half alone would be sent as U+FFFD.
      if (end < piece.length && isHighSurrogate(piece.charCodeAt(end - 1))) end -= 1;
      slice = Buffer.from(piece.substring(offset, end), 'utf8');
    } else {
      end = Math.min(piece.length, offset + SLICE);
      slice = piece.subarray(offset, end);
    }
    const length = piece instanceof AsciiText ? piece.text.length : piece.length;
    if (end >= length) {
      current.index += 1;
      current.offset = 0;
    } else current.offset = end;
    const last = current.index >= current.pieces.length;
    if (last) this.#current = undefined;
    this.#pendingBytes -= slice.length;
    this.#sink.sendFragment(slice, last);
  }
}

/** Runs of texts shorter than a slice, joined into one string (each would otherwise be a fragment). */
function mergedSmallPieces(pieces: readonly MessagePiece[]): MessagePiece[] {
  const merged: MessagePiece[] = [];
  let run = '';
  for (const piece of pieces) {
    if (typeof piece === 'string' && piece.length < SLICE) {
      run += piece;
      continue;
    }
    if (piece instanceof AsciiText && piece.text.length < SLICE) {
      run += piece.text;
      continue;
    }
    if (run !== '') merged.push(run);
    run = '';
    merged.push(piece);
  }
  if (run !== '' || merged.length === 0) merged.push(run);
  return merged;
}

/** How much may wait in the socket's buffer before sending pauses for a drain. */
const HIGH_WATER_BYTES = 2 * 1024 * 1024;
/** Characters or bytes per fragment. */
const SLICE = 512 * 1024;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
