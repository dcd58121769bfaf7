import { readFile } from 'node:fs/promises';
import type { ImageDetail, UserInput } from '../../protocol/v2/user-input.js';
import {
  HIGH_DETAIL_BUDGET,
  ORIGINAL_DETAIL_BUDGET,
  UnreadableImageError,
  promptImage,
  promptImageDataUrl,
  type ImageBudget,
} from '../../tools/images/prompt-image.js';
import { rustIoErrorMessage } from '../../util/os-error.js';

/**
 * The images of a user's input as the model receives them, as the reference 0.169.0 sends them [observed]:
 *
 * - Every image of the input is numbered from 1 in order, data URL or local file. A local image the server could
 *   read goes between an `<image name=[Image #n] path="…">` and an `</image>` text part; a data URL goes bare.
 * - A data URL's image is decoded and fitted to the detail's budget (see tools/images/prompt-image.ts); a URL of
 *   another scheme goes as it is (`http(s)` URLs are refused by turn/start and turn/steer, see `hasRemoteImage`).
 * - Detail: a model that takes `original` detail (the catalogue's) gets every image at `original`, whatever the
 *   input asked; another model gets `high`, `auto` when asked, the image unscaled when `original` was asked, and a
 *   note instead of the image when `low` was asked.
 * - A local file that cannot be read is a one-line note (no tags); bytes that are no image are a note between the
 *   tags. The notes' wording is the reference's: clients and models may match on it.
 */

export type ContentPart = Record<string, unknown>;

/** What decides how a model is sent images. */
export interface ImageSupport {
  /** The model takes `detail: "original"` (the catalogue's `supports_image_detail_original`). */
  readonly originalDetail: boolean;
}

const NOT_PROCESSED = 'image content omitted because it could not be processed';
const LOW_NOT_SUPPORTED = "image content omitted because detail 'low' is not supported; use 'high', 'original', or 'auto'";
const REMOTE_URL = /^https?:\/\//i;

/** The message turn/start and turn/steer refuse an input with an http(s) image URL with [observed]. */
export const REMOTE_IMAGE_URL_REFUSAL = 'remote image URLs are not supported; use an inline data URL instead';

/** Whether an image input's URL is a remote (http or https) one, which the model is never sent. */
export function remoteImageUrl(url: string | undefined): boolean {
  return url !== undefined && REMOTE_URL.test(url);
}

/** Whether an input holds an image given by a remote URL (turn/start and turn/steer refuse it). */
export function hasRemoteImage(input: readonly UserInput[]): boolean {
  return input.some((part) => part.type === 'image' && remoteImageUrl(part.url));
}

interface Plan {
  readonly detail: string;
  readonly budget: ImageBudget | null;
}

/** How an image asked at `requested` detail is sent to the model, or null when it is not sent at all. */
function planFor(requested: ImageDetail | null | undefined, support: ImageSupport): Plan | null {
  if (support.originalDetail) return { detail: 'original', budget: ORIGINAL_DETAIL_BUDGET };
  switch (requested) {
    case 'low':
      return null;
    case 'original':
      return { detail: 'high', budget: null };
    case 'auto':
      return { detail: 'auto', budget: HIGH_DETAIL_BUDGET };
    default:
      return { detail: 'high', budget: HIGH_DETAIL_BUDGET };
  }
}

/** The image part for `bytes`, or the note that replaces it. */
async function imagePart(bytes: Buffer, plan: Plan | null): Promise<ContentPart> {
  if (plan === null) return { type: 'input_text', text: LOW_NOT_SUPPORTED };
  try {
    const image = await promptImage(bytes, plan.budget);
    return { type: 'input_image', image_url: promptImageDataUrl(image), detail: plan.detail };
  } catch (error) {
    if (error instanceof UnreadableImageError) return { type: 'input_text', text: NOT_PROCESSED };
    throw error;
  }
}

/** An `image` input with a URL: a data URL decoded and fitted, any other URL as it is. */
export async function urlImageParts(
  url: string,
  requested: ImageDetail | null | undefined,
  support: ImageSupport,
): Promise<ContentPart[]> {
  const plan = planFor(requested, support);
  const bytes = dataUrlBytes(url);
  if (bytes === undefined) return [{ type: 'input_image', image_url: url, detail: requested ?? 'high' }];
  if (bytes === null) return [{ type: 'input_text', text: NOT_PROCESSED }];
  return [await imagePart(bytes, plan)];
}

/** A `localImage` input, the `number`th image of its message. */
export async function localImageParts(
  path: string,
  number: number,
  requested: ImageDetail | null | undefined,
  support: ImageSupport,
): Promise<ContentPart[]> {
  let bytes: Buffer;
  try {
    // A relative path is read from the server's directory, as the reference reads it.
    bytes = await readFile(path);
  } catch (error) {
    const reason = rustIoErrorMessage(error) ?? (error instanceof Error ? error.message : String(error));
    return [{ type: 'input_text', text: `Codex could not read the local image at \`${path}\`: ${reason}` }];
  }
  return [
    { type: 'input_text', text: `<image name=[Image #${number}] path="${escapeAttribute(path)}">` },
    await imagePart(bytes, planFor(requested, support)),
    { type: 'input_text', text: '</image>' },
  ];
}

/** The bytes of a base64 `data:` URL; null for a data URL that does not carry base64 bytes; undefined for any other URL. */
function dataUrlBytes(url: string): Buffer | null | undefined {
  if (url.slice(0, 5).toLowerCase() !== 'data:') return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return null;
  const base64 = url.slice(comma + 1);
  const isBase64 = url.slice(5, comma).split(';').some((part) => part.toLowerCase() === 'base64');
  if (!isBase64 || base64 === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return null;
  return Buffer.from(base64, 'base64');
}

function escapeAttribute(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
