import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HIGH_DETAIL_BUDGET,
  ORIGINAL_DETAIL_BUDGET,
  UnreadableImageError,
  fitted,
  promptImage,
} from '../../../src/tools/images/prompt-image.js';
import { decoded, jpegFile, webpFile } from '../../helpers/encoded-image.js';
import { pngFile, rawPng } from '../../helpers/png.js';

/** A 1×1 GIF whose one pixel is its transparent colour. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

const SMALL_BUDGET = { maxDimension: 150, maxPatches: 1000 };

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

  it('keeps a PNG that fits as it is, and scales one that does not to an RGBA PNG of the fitted size', async () => {
    const small = pngFile(4, 3);
    assert.equal((await promptImage(small, HIGH_DETAIL_BUDGET)).bytes, small);
    const wide = await promptImage(pngFile(300, 100), SMALL_BUDGET);
    assert.deepEqual([wide.mimeType, wide.width, wide.height], ['image/png', 150, 50]);
    // A flat grey image stays the same grey, now with an alpha channel.
    assert.deepEqual(await decoded(wide.bytes), { format: 'png', width: 150, height: 50, first: [0x7f, 0x7f, 0x7f, 255] });
  });

  it('keeps a JPEG or WebP that fits as it is, and scales one that does not in its own format', async () => {
    for (const [make, format] of [[jpegFile, 'jpeg'], [webpFile, 'webp']] as const) {
      const small = await make(40, 30);
      const kept = await promptImage(small, HIGH_DETAIL_BUDGET);
      assert.equal(kept.bytes, small);
      assert.deepEqual([kept.mimeType, kept.width, kept.height], [`image/${format}`, 40, 30]);
      const wide = await promptImage(await make(300, 100), SMALL_BUDGET);
      assert.deepEqual([wide.mimeType, wide.width, wide.height], [`image/${format}`, 150, 50]);
      const shown = await decoded(wide.bytes);
      assert.deepEqual([shown.format, shown.width, shown.height], [format, 150, 50]);
    }
  });

  it('passes on a JPEG cut short, which decodes (the rest grey), as the reference does', async () => {
    const jpeg = await jpegFile(64, 64);
    const cut = jpeg.subarray(0, jpeg.length >> 1);
    const image = await promptImage(cut, HIGH_DETAIL_BUDGET);
    assert.deepEqual([image.bytes, image.mimeType, image.width, image.height], [cut, 'image/jpeg', 64, 64]);
  });

  it('sends a GIF as a PNG of its first frame', async () => {
    const image = await promptImage(GIF, null);
    assert.deepEqual([image.mimeType, image.width, image.height], ['image/png', 1, 1]);
    assert.equal((await decoded(image.bytes)).first[3], 0, 'the transparent colour is transparent');
  });

  it('reads palette, grey and 16-bit PNGs, and re-encodes them as 8-bit RGBA when scaling', async () => {
    const grey16 = rawPng(2, 1, 16, 0, Buffer.from([0, 0x80, 0x00, 0x80, 0x00]));
    const paletted = rawPng(2, 1, 1, 3, Buffer.from([0, 0b0100_0000]), Buffer.from([10, 20, 30, 40, 50, 60]));
    // Scaled to one pixel, the two pixels average (the paletted ones are [10, 20, 30] and [40, 50, 60]).
    for (const [png, first] of [[grey16, [0x80, 0x80, 0x80, 255]], [paletted, [25, 35, 45, 255]]] as const) {
      assert.equal((await promptImage(png, null)).bytes, png);
      const scaled = await promptImage(png, { maxDimension: 1, maxPatches: 1 });
      assert.deepEqual(await decoded(scaled.bytes), { format: 'png', width: 1, height: 1, first });
    }
  });

  it('refuses bytes that are not an image, and images that do not decode to their end', async () => {
    const refused = (bytes: Buffer) => assert.rejects(promptImage(bytes, null), UnreadableImageError);
    await refused(Buffer.from('not a png'));
    await refused(pngFile(4, 3).subarray(0, 40));
    // Headers that read fine, then no pixels: passed on before JPEG and WebP were decoded.
    const jpeg = await jpegFile(64, 64);
    await refused(jpeg.subarray(0, jpeg.indexOf(Buffer.from([0xff, 0xda]))));
    const webp = await webpFile(64, 64);
    await refused(webp.subarray(0, webp.length >> 1));
    // A format libvips reads but models are not sent.
    await refused(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'));
  });

  it('shapes a 5000×3000 image without holding up the event loop', { timeout: 60_000 }, async (t) => {
    const big = pngFile(5000, 3000, true);
    let last = performance.now();
    let longest = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    try {
      const image = await promptImage(big, HIGH_DETAIL_BUDGET);
      assert.deepEqual([image.width, image.height], [2048, 1229]);
    } finally {
      clearInterval(ticker);
    }
    // Shaping on the main thread held it for seconds; now the loop's timers keep firing while libvips works.
    t.diagnostic(`longest event-loop gap: ${Math.round(longest)} ms`);
    assert.ok(longest < 1000, `the event loop stalled for ${Math.round(longest)} ms`);
  });
});
