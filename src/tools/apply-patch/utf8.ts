/**
 * Strict UTF-8 decoding with the reference's failure text. The reference reads every file it patches with
 * `String::from_utf8`, so a file that is not valid UTF-8 is refused with `std::str::Utf8Error`'s message
 * (`invalid utf-8 sequence of 1 bytes from index 0`, `incomplete utf-8 byte sequence from index 2`), which the
 * model sees.
 */

// `ignoreBOM` keeps a leading U+FEFF in the text, as Rust does; the default would silently drop it.
const STRICT_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes that are not UTF-8; `message` is `Utf8Error`'s `Display`. */
export class Utf8DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Utf8DecodeError';
  }
}

/** The text of `bytes`, byte for byte (a BOM is kept). Throws {@link Utf8DecodeError} for invalid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return STRICT_DECODER.decode(bytes);
  } catch {
    throw new Utf8DecodeError(describeInvalidUtf8(bytes));
  }
}

/** The lossy decoding Rust's `String::from_utf8_lossy` makes (each bad sequence becomes U+FFFD). */
export function decodeUtf8Lossy(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

/**
 * `Utf8Error`'s message for the first invalid sequence: how many bytes are invalid (`error_len`) and where the
 * valid prefix ends (`valid_up_to`), computed as `core::str::run_utf8_validation` does. `None` as `error_len`
 * (the input ends inside a sequence that could still be completed) gives the "incomplete" wording.
 */
function describeInvalidUtf8(bytes: Uint8Array): string {
  let index = 0;
  while (index < bytes.length) {
    const start = index;
    const first = bytes[index] as number;
    index++;
    if (first < 0x80) continue;
    const width = utf8CharWidth(first);
    if (width === 0) return invalidSequence(1, start);
    // The continuation bytes, checked in order; the allowed range of the second depends on the first byte
    // (no overlong forms, no surrogates, nothing above U+10FFFF).
    for (let position = 1; position < width; position++) {
      if (index >= bytes.length) return `incomplete utf-8 byte sequence from index ${start}`;
      const byte = bytes[index] as number;
      const [low, high] = position === 1 ? secondByteRange(first) : [0x80, 0xbf];
      if (byte < low || byte > high) return invalidSequence(position, start);
      index++;
    }
  }
  // Unreachable for input the decoder rejected; kept total for the type checker.
  return 'invalid utf-8';
}

function invalidSequence(length: number, validUpTo: number): string {
  return `invalid utf-8 sequence of ${length} bytes from index ${validUpTo}`;
}

/** `core::str::utf8_char_width`: 0 for a byte that cannot start a sequence. */
function utf8CharWidth(first: number): number {
  if (first < 0x80) return 1;
  if (first < 0xc2) return 0;
  if (first < 0xe0) return 2;
  if (first < 0xf0) return 3;
  if (first < 0xf5) return 4;
  return 0;
}

function secondByteRange(first: number): readonly [number, number] {
  switch (first) {
    case 0xe0:
      return [0xa0, 0xbf];
    case 0xed:
      return [0x80, 0x9f];
    case 0xf0:
      return [0x90, 0xbf];
    case 0xf4:
      return [0x80, 0x8f];
    default:
      return [0x80, 0xbf];
  }
}
