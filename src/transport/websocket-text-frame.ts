/**
 * One unfragmented, unmasked websocket text frame (RFC 6455 §5.2), header and UTF-8 payload in a single Buffer.
 *
 * Why not `ws`'s own sender: it hands the socket the header and the payload as two writes, so every message
 * costs a `writev` and twice the stream bookkeeping. A server's frame is never masked and we never compress
 * (`perMessageDeflate: false`), so the frame is only a 2-, 4- or 10-byte header in front of the text.
 */
export function websocketTextFrame(text: string): Buffer {
  const payloadBytes = Buffer.byteLength(text, 'utf8');
  const headerBytes = payloadBytes < 126 ? 2 : payloadBytes < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + payloadBytes);
  // FIN set, opcode 1 (text).
  frame[0] = 0x81;
  if (headerBytes === 2) {
    frame[1] = payloadBytes;
  } else if (headerBytes === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(payloadBytes, 2);
  } else {
    // A 64-bit length; JavaScript strings stay far below 2^48 bytes, so the two high bytes are zero.
    frame[1] = 127;
    frame[2] = 0;
    frame[3] = 0;
    frame.writeUIntBE(payloadBytes, 4, 6);
  }
  frame.write(text, headerBytes, 'utf8');
  return frame;
}
