import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { rustIoErrorMessage } from '../../util/os-error.js';
import { UnreadableImageError, promptImage, promptImageDataUrl, type ImageBudget } from '../images/prompt-image.js';

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
 * The image at the absolute `path` as a data URL, fitted to `budget` (see images/prompt-image.ts: a GIF becomes a
 * PNG, an image over the budget is scaled down).
 * @throws ViewImageError when the file is missing, not a regular file, or not an image of a format models read.
 */
export async function readLocalImage(path: string, budget: ImageBudget): Promise<string> {
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
  try {
    return promptImageDataUrl(await promptImage(bytes, budget));
  } catch (error) {
    if (error instanceof UnreadableImageError) {
      throw new ViewImageError('unable to process image: invalid or unsupported image data');
    }
    throw error;
  }
}

/** An OS error as the reference words it (Rust's `io::Error` text), else Node's message. */
function osErrorText(error: unknown): string {
  return rustIoErrorMessage(error) ?? (error instanceof Error ? error.message : String(error));
}
