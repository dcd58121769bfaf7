import type { Sharp, SharpOptions } from 'sharp';
import { IMAGE_MIME_TYPES, sniffImageFormat, type PromptImageFormat } from './image-format.js';
import { loadSharp } from './load-sharp.js';
import { UnreadableImageError } from './unreadable-image.js';

/**
 * An image as a prompt carries it (user input, view_image), shaped as the reference 0.169.0 shapes it [observed]:
 * PNG, JPEG and WebP within the size budget go as they are; a GIF goes as a PNG of its first frame; an image over
 * the budget is scaled down (triangle filter) to fit it and keeps its format: a JPEG goes as a JPEG (quality 85), a
 * WebP as a lossless WebP, anything else as an RGBA PNG. Anything else is not an image, and neither is one that does
 * not decode — except a JPEG cut short, which the reference's decoder reads (the rest grey) and passes on.
 *
 * The budget counts 32-pixel patches as well as the longest side: `high` detail fits 2048 px and 2,500 patches
 * (3000×1000 → 2048×683, 5000×3000 → 2048×1229), `original` detail fits 6000 px and 10,000 patches
 * (5000×3000 → 4106×2464).
 *
 * Decoding, scaling and encoding are libvips' (sharp), on libuv's thread pool: a large image does not hold up the
 * event loop, so other connections go on while it is shaped.
 */

export interface ImageBudget {
  readonly maxDimension: number;
  readonly maxPatches: number;
}

export const HIGH_DETAIL_BUDGET: ImageBudget = { maxDimension: 2048, maxPatches: 2_500 };
export const ORIGINAL_DETAIL_BUDGET: ImageBudget = { maxDimension: 6000, maxPatches: 10_000 };

const PATCH = 32;

/**
 * Decode errors and truncation refuse a PNG, GIF or WebP, as the reference's decoders do; warnings do not. A JPEG is
 * refused only when libjpeg cannot decode it at all: a truncated one decodes, as it does on the reference.
 */
function decodeOptions(format: PromptImageFormat): SharpOptions {
  return { failOn: format === 'jpeg' ? 'none' : 'error' };
}

export interface PromptImage {
  readonly bytes: Buffer;
  readonly mimeType: string;
  readonly width: number;
  readonly height: number;
}

/**
 * The image `bytes` as a prompt carries it, fitted to `budget` (null: as large as it is).
 * @throws UnreadableImageError when the bytes are not an image of a format models read, or a broken one.
 */
export async function promptImage(bytes: Buffer, budget: ImageBudget | null): Promise<PromptImage> {
  const format = sniffImageFormat(bytes);
  if (format === null) throw new UnreadableImageError();
  const sharp = await loadSharp().catch((error: unknown) => {
    throw new UnreadableImageError(`image support could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  });
  const decode = decodeOptions(format);
  try {
    const header = await sharp(bytes, decode).metadata();
    const [width, height] = budget === null ? [header.width, header.height] : fitted(header.width, header.height, budget);
    if (format !== 'gif' && width === header.width && height === header.height) {
      // Passed on byte for byte, but only once the whole image decodes: a header alone proves nothing.
      await sharp(bytes, decode).raw().toBuffer();
      return { bytes, mimeType: IMAGE_MIME_TYPES[format], width, height };
    }
    const resized = sharp(bytes, decode)
      .resize(width, height, { fit: 'fill', kernel: 'linear', fastShrinkOnLoad: false })
      .toColourspace('srgb');
    const [encoded, mimeType] = encodeAs(resized, format);
    return { bytes: await encoded.toBuffer(), mimeType, width, height };
  } catch (error) {
    // Everything sharp throws here is about the input: a corrupt or truncated file, or one past libvips' limits.
    throw new UnreadableImageError(error instanceof Error ? error.message : String(error));
  }
}

/** A scaled image in the encoding the reference gives it: JPEG stays JPEG, WebP lossless WebP, the rest RGBA PNG. */
function encodeAs(image: Sharp, source: PromptImageFormat): [Sharp, string] {
  if (source === 'jpeg') return [image.jpeg({ quality: 85 }), IMAGE_MIME_TYPES.jpeg];
  if (source === 'webp') return [image.ensureAlpha().webp({ lossless: true }), IMAGE_MIME_TYPES.webp];
  return [image.ensureAlpha().png(), IMAGE_MIME_TYPES.png];
}

/** The image as a data URL. */
export function promptImageDataUrl(image: PromptImage): string {
  return `data:${image.mimeType};base64,${image.bytes.toString('base64')}`;
}

/** The size `width × height` is scaled to so it fits `budget` (unchanged when it already does). */
export function fitted(width: number, height: number, budget: ImageBudget): [number, number] {
  if (fits(width, height, budget)) return [width, height];
  // First the longest side, then, if the patches still do not fit, shrink by area so the patch grid fits.
  const sideScale = Math.min(budget.maxDimension / Math.max(width, height), 1);
  const w = Math.max(1, Math.round(width * sideScale));
  const h = Math.max(1, Math.round(height * sideScale));
  if (fits(w, h, budget)) return [w, h];
  let scale = Math.sqrt((PATCH * PATCH * budget.maxPatches) / w / h);
  const across = (w * scale) / PATCH;
  const down = (h * scale) / PATCH;
  scale *= Math.min(Math.floor(across) / across, Math.floor(down) / down);
  return [Math.max(1, Math.floor(w * scale)), Math.max(1, Math.floor(h * scale))];
}

function fits(width: number, height: number, budget: ImageBudget): boolean {
  const patches = Math.ceil(width / PATCH) * Math.ceil(height / PATCH);
  return width <= budget.maxDimension && height <= budget.maxDimension && patches <= budget.maxPatches;
}

export { UnreadableImageError };
