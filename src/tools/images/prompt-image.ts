import { decodeGif, isGif } from './gif-decode.js';
import { isJpeg, isWebp, jpegSize, webpSize } from './header-size.js';
import { decodePng, encodePng, isPng } from './png-codec.js';
import { resizeRgba } from './resize.js';
import { UnreadableImageError } from './rgba-image.js';

/**
 * An image as a prompt carries it (user input, view_image), shaped as the reference 0.169.0 shapes it [observed]:
 * PNG, JPEG and WebP within the size budget go as they are; a GIF goes as a PNG of its first frame; an image over
 * the budget is scaled down (triangle filter) to fit it and goes as a PNG. Anything else is not an image.
 *
 * The budget counts 32-pixel patches as well as the longest side: `high` detail fits 2048 px and 2,500 patches
 * (3000×1000 → 2048×683, 5000×3000 → 2048×1229), `original` detail fits 6000 px and 10,000 patches
 * (5000×3000 → 4106×2464).
 *
 * Not like the reference: JPEG and WebP are not decoded here, so one over the budget goes as it is, unscaled, and a
 * broken one whose header reads fine is not caught.
 */

export interface ImageBudget {
  readonly maxDimension: number;
  readonly maxPatches: number;
}

export const HIGH_DETAIL_BUDGET: ImageBudget = { maxDimension: 2048, maxPatches: 2_500 };
export const ORIGINAL_DETAIL_BUDGET: ImageBudget = { maxDimension: 6000, maxPatches: 10_000 };

const PATCH = 32;

export interface PromptImage {
  readonly bytes: Buffer;
  readonly mimeType: string;
  readonly width: number;
  readonly height: number;
}

/**
 * The image `bytes` as a prompt carries it, fitted to `budget` (null: as large as it is).
 * @throws UnreadableImageError when the bytes are not an image of a format models read.
 */
export function promptImage(bytes: Buffer, budget: ImageBudget | null): PromptImage {
  if (isPng(bytes) || isGif(bytes)) {
    const decoded = isPng(bytes) ? decodePng(bytes) : decodeGif(bytes);
    const [width, height] = budget === null ? [decoded.width, decoded.height] : fitted(decoded.width, decoded.height, budget);
    if (isPng(bytes) && width === decoded.width && height === decoded.height) {
      return { bytes, mimeType: 'image/png', width, height };
    }
    const resized = width === decoded.width && height === decoded.height ? decoded : resizeRgba(decoded, width, height);
    return { bytes: encodePng(resized), mimeType: 'image/png', width, height };
  }
  if (isJpeg(bytes)) return { bytes, mimeType: 'image/jpeg', ...jpegSize(bytes) };
  if (isWebp(bytes)) return { bytes, mimeType: 'image/webp', ...webpSize(bytes) };
  throw new UnreadableImageError();
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
