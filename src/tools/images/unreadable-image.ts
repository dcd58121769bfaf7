/** Bytes that are not an image of a format this server reads, or a broken one. */
export class UnreadableImageError extends Error {
  constructor(message = 'invalid or unsupported image data') {
    super(message);
    this.name = 'UnreadableImageError';
  }
}
