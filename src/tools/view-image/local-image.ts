import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { rustIoErrorMessage } from '../../util/os-error.js';

/**
 * view_image: the model asks to look at an image file on disk; the file goes back to it as an `input_image` data
 * URL. What is accepted and how failures read follow the reference 0.169.0 (observed): a relative path is resolved
 * against the turn's working directory; a missing file, a directory and bytes that are not an image each answer
 * the model with an error text (the turn goes on).
 */

export const VIEW_IMAGE_TOOL_NAME = 'view_image';

/** A view_image failure: its message is what the model reads. */
export class ViewImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ViewImageError';
  }
}

export interface LocalImage {
  /** The absolute path that was read. */
  readonly path: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
}

/** The function tool offered to the model (description ours; shape as the reference's). */
export function viewImageToolSpec(): Record<string, unknown> {
  return {
    type: 'function',
    name: VIEW_IMAGE_TOOL_NAME,
    description:
      'Look at an image file that is already on disk (a screenshot, a chart, a rendered page) when seeing it would ' +
      'help. The image is attached to the result so you can inspect it.',
    strict: false,
    parameters: {
      type: 'object',
      properties: { path: { type: 'string', description: 'Path of the image file, absolute or relative to the working directory.' } },
      required: ['path'],
      additionalProperties: false,
    },
  };
}

/** The absolute path view_image reads for `path` in a turn running in `cwd`. */
export function imagePath(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/**
 * Reads the image at the absolute `path`.
 * @throws ViewImageError when the file is missing, not a regular file, or not an image of a format models read.
 */
export async function readLocalImage(path: string): Promise<LocalImage> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error) {
    throw new ViewImageError(`unable to locate image at \`${path}\`: ${osErrorText(error)}`);
  }
  if (!isFile) throw new ViewImageError(`image path \`${path}\` is not a file`);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ViewImageError(`unable to read image at \`${path}\`: ${osErrorText(error)}`);
  }
  const mimeType = imageMimeType(bytes);
  if (mimeType === null) throw new ViewImageError('unable to process image: invalid or unsupported image data');
  return { path, mimeType, bytes };
}

/** The image's data URL, as an `input_image` carries it. */
export function imageDataUrl(image: LocalImage): string {
  return `data:${image.mimeType};base64,${image.bytes.toString('base64')}`;
}

/**
 * The MIME type of image bytes in a format the Responses API reads (PNG, JPEG, GIF, WebP), told by their
 * signature and header, or null. A PNG must have a well-formed header with a non-empty size.
 */
export function imageMimeType(bytes: Buffer): string | null {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.subarray(0, 8).equals(png)) {
    const headerOk = bytes.length >= 24 && bytes.toString('latin1', 12, 16) === 'IHDR';
    return headerOk && bytes.readUInt32BE(16) > 0 && bytes.readUInt32BE(20) > 0 ? 'image/png' : null;
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const start = bytes.toString('latin1', 0, 6);
  if (start === 'GIF87a' || start === 'GIF89a') return 'image/gif';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
    return 'image/webp';
  }
  return null;
}

/** An OS error as the reference words it (Rust's `io::Error` text), else Node's message. */
function osErrorText(error: unknown): string {
  return rustIoErrorMessage(error) ?? (error instanceof Error ? error.message : String(error));
}
