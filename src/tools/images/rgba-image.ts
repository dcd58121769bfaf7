/** Decoded pixels: `width × height` RGBA8, row-major. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** Bytes that are not an image of a format this server reads, or a broken one. */
export class UnreadableImageError extends Error {
  constructor(message = 'invalid or unsupported image data') {
    super(message);
    this.name = 'UnreadableImageError';
  }
}
