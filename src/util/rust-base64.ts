/**
 * Strict standard base64 (RFC 4648 alphabet, canonical `=` padding), decoded with the errors and texts of the
 * Rust `base64` crate's `STANDARD` engine that the reference decodes client payloads with (`deltaBase64`, …).
 * Node's own decoder silently skips whatever it does not understand, so a client's broken payload would be written
 * half-decoded instead of refused. Probed texts (0.169.0): `Invalid symbol 61, offset 2.`, `Invalid padding`,
 * `Invalid last symbol 82, offset 1.`, `Invalid input length: 5`.
 */

const PAD = 0x3d; // '='
const INVALID = 0xff;

const DECODE_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(256).fill(INVALID);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let index = 0; index < alphabet.length; index++) table[alphabet.charCodeAt(index)] = index;
  return table;
})();

/** A payload the reference's decoder refuses; `message` is its Display text. */
export class Base64DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Base64DecodeError';
  }
}

const invalidByte = (offset: number, byte: number) =>
  new Base64DecodeError(`Invalid symbol ${byte}, offset ${offset}.`);

/**
 * The bytes `text` encodes. Follows the crate's order of checks: a stray trailing symbol first, then every complete
 * quad but the last (where `=` is just an invalid symbol), then the final quad with its padding rules.
 * @throws Base64DecodeError
 */
export function decodeBase64Strict(text: string): Buffer {
  // Offsets and symbols are UTF-8 bytes, as the crate sees the string; a non-ASCII byte is never a symbol.
  const input = Buffer.from(text, 'utf8');
  const remainder = input.length % 4;
  if (remainder === 1) {
    const last = input[input.length - 1] as number;
    // A trailing newline and the like is named precisely; `=` may belong to padding that started earlier.
    if (last !== PAD && DECODE_TABLE[last] === INVALID) throw invalidByte(input.length - 1, last);
  }
  // The last quad is decoded separately, even when complete, because it may carry padding.
  const bodyLength = Math.max(0, input.length - remainder - (remainder === 0 ? 4 : 0));
  for (let index = 0; index < bodyLength; index++) {
    const byte = input[index] as number;
    if (DECODE_TABLE[byte] === INVALID) throw invalidByte(index, byte);
  }
  checkSuffix(input, bodyLength);
  return Buffer.from(text, 'base64');
}

function checkSuffix(input: Buffer, start: number): void {
  let symbols = 0;
  let padding = 0;
  let firstPadding = 0;
  let lastSymbol = 0;
  const morsels: number[] = [];
  for (let offset = 0; start + offset < input.length; offset++) {
    const byte = input[start + offset] as number;
    if (byte === PAD) {
      // Padding may only follow two or three symbols of the quad.
      if (offset < 2) throw invalidByte(start + offset, byte);
      if (padding === 0) firstPadding = offset;
      padding++;
      continue;
    }
    // A symbol after padding: the first `=` is the culprit.
    if (padding > 0) throw invalidByte(start + firstPadding, PAD);
    const morsel = DECODE_TABLE[byte] as number;
    if (morsel === INVALID) throw invalidByte(start + offset, byte);
    lastSymbol = byte;
    morsels.push(morsel);
    symbols++;
  }
  if (input.length > 0 && symbols < 2) throw new Base64DecodeError(`Invalid input length: ${start + symbols}`);
  if ((padding + symbols) % 4 !== 0) throw new Base64DecodeError('Invalid padding');
  // The bits of the last symbol that no output byte uses must be zero (canonical encoding).
  const bits = morsels.reduce((value, morsel, index) => value + morsel * 2 ** (18 - 6 * index), 0);
  const usedBits = Math.floor((symbols * 6) / 8) * 8;
  const unusedBits = 24 - usedBits;
  if (symbols > 0 && symbols < 4 && bits % 2 ** unusedBits !== 0) {
    throw new Base64DecodeError(`Invalid last symbol ${lastSymbol}, offset ${start + symbols - 1}.`);
  }
}
