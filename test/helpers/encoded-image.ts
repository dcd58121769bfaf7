import sharp from 'sharp';

/**
 * JPEG and WebP files for image tests, encoded by sharp from a deterministic RGB pattern (PNGs come from png.ts,
 * written by hand so their bytes are known exactly).
 */

function pattern(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      pixels[at] = (x * 7) & 0xff;
      pixels[at + 1] = (y * 13) & 0xff;
      pixels[at + 2] = 0x7f;
    }
  }
  return pixels;
}

export function jpegFile(width: number, height: number): Promise<Buffer> {
  return sharp(pattern(width, height), { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

export function webpFile(width: number, height: number): Promise<Buffer> {
  return sharp(pattern(width, height), { raw: { width, height, channels: 3 } }).webp({ quality: 80 }).toBuffer();
}

/** The size and channels of encoded image bytes, and their first pixel (RGBA), as decoded. */
export async function decoded(bytes: Buffer): Promise<{ format: string; width: number; height: number; first: number[] }> {
  const image = sharp(bytes);
  const { format } = await image.metadata();
  const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { format, width: info.width, height: info.height, first: [...data.subarray(0, 4)] };
}
