/**
 * A serialized message in pieces, written one after the other (a big answer whose long strings were never joined
 * into one JSON string): text, bytes, or ASCII text.
 */

/**
 * Text known to be ASCII, written as latin1: the socket copies it as it is, where UTF-8 encoding looks at every
 * character (several times slower on a long answer).
 */
export class AsciiText {
  constructor(readonly text: string) {}
}

export type MessagePiece = string | Uint8Array | AsciiText;

/** The bytes or text of one serialized message, in order: their concatenation is the message's JSON. */
export type MessagePieces = readonly MessagePiece[];

/** The exact UTF-8 size of a piece. */
export function pieceByteLength(piece: MessagePiece): number {
  if (typeof piece === 'string') return Buffer.byteLength(piece);
  return piece instanceof AsciiText ? piece.text.length : piece.length;
}

/** A piece as bytes (for writers that take only strings and Buffers). */
export function pieceBytes(piece: MessagePiece): string | Uint8Array {
  return piece instanceof AsciiText ? Buffer.from(piece.text, 'latin1') : piece;
}

/** The text of a piece. */
export function pieceText(piece: MessagePiece): string {
  if (typeof piece === 'string') return piece;
  return piece instanceof AsciiText ? piece.text : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('utf8');
}
