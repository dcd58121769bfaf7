/**
 * A serialized message in pieces, written one after the other (a big answer whose long strings were never joined
 * into one JSON string): text, bytes, or ASCII text.
 */

/**
 * Text known to be ASCII, written as latin1: the socket copies it as it is, where UTF-8 encoding looks at every
 * character (several times slower on a long answer).
 */
export class AsciiText {
  /** `quoted`: the piece is `text` between double quotes (a JSON string literal made without concatenating). */
  constructor(
    readonly text: string,
    readonly quoted = false,
  ) {}
}

export type MessagePiece = string | Uint8Array | AsciiText;

/** The bytes or text of one serialized message, in order: their concatenation is the message's JSON. */
export type MessagePieces = readonly MessagePiece[];

/** The exact UTF-8 size of a piece. */
export function pieceByteLength(piece: MessagePiece): number {
  if (typeof piece === 'string') return Buffer.byteLength(piece);
  return piece instanceof AsciiText ? piece.text.length + (piece.quoted ? 2 : 0) : piece.length;
}

/** The pieces with each quoted ASCII text spelled out as quote, text, quote (for writers). */
export function unquotedPieces(pieces: MessagePieces): MessagePiece[] {
  return pieces.flatMap((piece) => (piece instanceof AsciiText && piece.quoted ? ['"', new AsciiText(piece.text), '"'] : [piece]));
}

/** The text of a piece. */
export function pieceText(piece: MessagePiece): string {
  if (typeof piece === 'string') return piece;
  if (piece instanceof AsciiText) return piece.quoted ? `"${piece.text}"` : piece.text;
  return Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('utf8');
}
