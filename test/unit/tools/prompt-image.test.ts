import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePng, encodePng } from '../../../src/tools/images/png-codec.js';
import {
  HIGH_DETAIL_BUDGET,
  ORIGINAL_DETAIL_BUDGET,
  UnreadableImageError,
  fitted,
  promptImage,
} from '../../../src/tools/images/prompt-image.js';
import { pngFile, rawPng } from '../../helpers/png.js';

/** A 1×1 GIF whose one pixel is its transparent colour. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

describe('prompt images (sizes observed on the reference 0.169.0)', () => {
  it('fits the high-detail budget by the longest side, then by 32-pixel patches', () => {
    assert.deepEqual(fitted(3000, 1000, HIGH_DETAIL_BUDGET), [2048, 683]);
    assert.deepEqual(fitted(5000, 3000, HIGH_DETAIL_BUDGET), [2048, 1229]);
    assert.deepEqual(fitted(500, 2000, HIGH_DETAIL_BUDGET), [500, 2000]);
    assert.deepEqual(fitted(4, 3, HIGH_DETAIL_BUDGET), [4, 3]);
  });

  it('fits the original-detail budget of 6000 px and 10,000 patches', () => {
    assert.deepEqual(fitted(3000, 1000, ORIGINAL_DETAIL_BUDGET), [3000, 1000]);
    assert.deepEqual(fitted(5000, 3000, ORIGINAL_DETAIL_BUDGET), [4106, 2464]);
  });

  it('keeps a PNG that fits as it is, and scales one that does not to a PNG of the fitted size', () => {
    const small = pngFile(4, 3);
    assert.equal(promptImage(small, HIGH_DETAIL_BUDGET).bytes, small);
    const wide = promptImage(pngFile(300, 100), { maxDimension: 150, maxPatches: 1000 });
    assert.deepEqual([wide.mimeType, wide.width, wide.height], ['image/png', 150, 50]);
    const decoded = decodePng(wide.bytes);
    assert.deepEqual([decoded.width, decoded.height], [150, 50]);
    // A flat grey image stays the same grey.
    assert.deepEqual([...decoded.pixels.subarray(0, 4)], [0x7f, 0x7f, 0x7f, 255]);
  });

  it('sends a GIF as a PNG of its first frame', () => {
    const image = promptImage(GIF, null);
    assert.deepEqual([image.mimeType, image.width, image.height], ['image/png', 1, 1]);
    assert.equal(decodePng(image.bytes).pixels[3], 0, 'the transparent colour is transparent');
  });

  it('reads palette, grey and 16-bit PNGs, and round-trips RGBA', () => {
    const rgba = { width: 2, height: 1, pixels: new Uint8Array([1, 2, 3, 4, 250, 251, 252, 253]) };
    assert.deepEqual(decodePng(encodePng(rgba)), rgba);
    const grey16 = rawPng(1, 1, 16, 0, Buffer.from([0, 0x80, 0x00]));
    assert.deepEqual([...decodePng(grey16).pixels], [0x80, 0x80, 0x80, 255]);
    const paletted = rawPng(2, 1, 1, 3, Buffer.from([0, 0b0100_0000]), Buffer.from([10, 20, 30, 40, 50, 60]));
    assert.deepEqual([...decodePng(paletted).pixels], [10, 20, 30, 255, 40, 50, 60, 255]);
  });

  it('refuses bytes that are not an image', () => {
    assert.throws(() => promptImage(Buffer.from('not a png'), null), UnreadableImageError);
    assert.throws(() => promptImage(pngFile(4, 3).subarray(0, 40), null), UnreadableImageError);
  });
});
