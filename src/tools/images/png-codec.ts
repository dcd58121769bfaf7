import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { UnreadableImageError, type RgbaImage } from './rgba-image.js';

/**
 * PNG in and out, for images a prompt carries: any valid PNG decodes to RGBA8 (grey, RGB, palette, with alpha or
 * a `tRNS` colour key; bit depths 1 to 16; Adam7 interlacing); RGBA8 encodes to a plain PNG.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Channels per colour type. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7 passes: start x, start y, step x, step y. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

interface Header {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colorType: number;
  readonly interlaced: boolean;
}

export function isPng(bytes: Buffer): boolean {
  return bytes.subarray(0, 8).equals(SIGNATURE);
}

/** The IHDR facts. @throws UnreadableImageError */
function header(bytes: Buffer): Header {
  if (!isPng(bytes) || bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') throw new UnreadableImageError();
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const depth = bytes[24] as number;
  const colorType = bytes[25] as number;
  if (width === 0 || height === 0 || CHANNELS[colorType] === undefined || ![1, 2, 4, 8, 16].includes(depth)) {
    throw new UnreadableImageError();
  }
  return { width, height, depth, colorType, interlaced: bytes[28] === 1 };
}

/** Decodes a whole PNG to RGBA8. @throws UnreadableImageError when it is not a PNG this can read. */
export function decodePng(bytes: Buffer): RgbaImage {
  const head = header(bytes);
  const idat: Buffer[] = [];
  let palette: Buffer | null = null;
  let transparency: Buffer | null = null;
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (data.length !== length) throw new UnreadableImageError();
    if (type === 'IDAT') idat.push(data);
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') transparency = data;
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (head.colorType === 3 && palette === null) throw new UnreadableImageError();
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch {
    throw new UnreadableImageError();
  }
  const samples = unfilter(raw, head);
  return toRgba(samples, head, palette, transparency);
}

/** Encodes RGBA8 pixels as a PNG (colour type 6, no filtering, fast compression: the image is sent at once). */
export function encodePng(image: RgbaImage): Buffer {
  const stride = image.width * 4;
  const rows = Buffer.alloc((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    rows[y * (stride + 1)] = 0;
    Buffer.from(image.pixels.buffer, image.pixels.byteOffset + y * stride, stride).copy(rows, y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** The unfiltered samples as one row-major plane of `width × height` pixels, `rowBytes` bytes a row. */
interface Plane {
  readonly data: Uint8Array;
  readonly rowBytes: number;
}

function rowBytesOf(width: number, head: Header): number {
  return Math.ceil((width * (CHANNELS[head.colorType] as number) * head.depth) / 8);
}

function unfilter(raw: Buffer, head: Header): Plane {
  const bpp = Math.max(1, ((CHANNELS[head.colorType] as number) * head.depth) / 8);
  const rowBytes = rowBytesOf(head.width, head);
  const out = new Uint8Array(rowBytes * head.height);
  let at = 0;
  const passes = head.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  for (const [x0, y0, dx, dy] of passes) {
    const width = Math.ceil((head.width - x0) / dx);
    const height = Math.ceil((head.height - y0) / dy);
    if (width <= 0 || height <= 0) continue;
    const passRow = rowBytesOf(width, head);
    let previous = new Uint8Array(passRow);
    for (let y = 0; y < height; y++) {
      if (at + 1 + passRow > raw.length) throw new UnreadableImageError();
      const filter = raw[at] as number;
      const row = new Uint8Array(raw.subarray(at + 1, at + 1 + passRow));
      at += 1 + passRow;
      unfilterRow(filter, row, previous, bpp);
      placeRow(out, rowBytes, row, head, x0 + 0, y0 + y * dy, dx, width);
      previous = row;
    }
  }
  return { data: out, rowBytes };
}

function unfilterRow(filter: number, row: Uint8Array, up: Uint8Array, bpp: number): void {
  const length = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < length; i++) row[i] = ((row[i] as number) + (row[i - bpp] as number)) & 0xff;
      return;
    case 2:
      for (let i = 0; i < length; i++) row[i] = ((row[i] as number) + (up[i] as number)) & 0xff;
      return;
    case 3:
      for (let i = 0; i < length; i++) {
        const left = i >= bpp ? (row[i - bpp] as number) : 0;
        row[i] = ((row[i] as number) + ((left + (up[i] as number)) >> 1)) & 0xff;
      }
      return;
    case 4:
      for (let i = 0; i < length; i++) {
        const left = i >= bpp ? (row[i - bpp] as number) : 0;
        const corner = i >= bpp ? (up[i - bpp] as number) : 0;
        row[i] = ((row[i] as number) + paeth(left, up[i] as number, corner)) & 0xff;
      }
      return;
    default:
      throw new UnreadableImageError();
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Copies one (pass) row's pixels to their places in the full plane, bit-exact for sub-byte depths. */
function placeRow(out: Uint8Array, rowBytes: number, row: Uint8Array, head: Header, x0: number, y: number, dx: number, count: number): void {
  const bits = (CHANNELS[head.colorType] as number) * head.depth;
  if (dx === 1 && x0 === 0) {
    out.set(row, y * rowBytes);
    return;
  }
  for (let i = 0; i < count; i++) {
    const x = x0 + i * dx;
    for (let b = 0; b < bits; b++) {
      const srcBit = i * bits + b;
      const bit = ((row[srcBit >> 3] as number) >> (7 - (srcBit & 7))) & 1;
      const dstBit = x * bits + b;
      const index = y * rowBytes + (dstBit >> 3);
      if (bit) out[index] = (out[index] as number) | (0x80 >> (dstBit & 7));
    }
  }
}

function toRgba(plane: Plane, head: Header, palette: Buffer | null, transparency: Buffer | null): RgbaImage {
  const channels = CHANNELS[head.colorType] as number;
  const { width, height, depth } = head;
  const max = (1 << depth) - 1;
  const pixels = new Uint8Array(width * height * 4);
  const sample = (y: number, index: number): number => {
    const base = y * plane.rowBytes;
    if (depth === 8) return plane.data[base + index] as number;
    if (depth === 16) return ((plane.data[base + index * 2] as number) << 8) | (plane.data[base + index * 2 + 1] as number);
    const bit = index * depth;
    return ((plane.data[base + (bit >> 3)] as number) >> (8 - depth - (bit & 7))) & max;
  };
  const scale = (value: number) => (depth === 16 ? value >> 8 : depth === 8 ? value : Math.round((value * 255) / max));
  const key = transparency !== null && head.colorType !== 3
    ? Array.from({ length: transparency.length / 2 }, (_, i) => transparency.readUInt16BE(i * 2))
    : null;
  if (depth === 8 && (head.colorType === 2 || head.colorType === 6) && key === null) {
    // The common case, without per-sample calls.
    for (let y = 0; y < height; y++) {
      const row = y * plane.rowBytes;
      for (let x = 0; x < width; x++) {
        const from = row + x * channels;
        const at = (y * width + x) * 4;
        pixels[at] = plane.data[from] as number;
        pixels[at + 1] = plane.data[from + 1] as number;
        pixels[at + 2] = plane.data[from + 2] as number;
        pixels[at + 3] = channels === 4 ? (plane.data[from + 3] as number) : 255;
      }
    }
    return { width, height, pixels };
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      const first = sample(y, x * channels);
      switch (head.colorType) {
        case 0: {
          const g = scale(first);
          pixels[at] = g;
          pixels[at + 1] = g;
          pixels[at + 2] = g;
          pixels[at + 3] = key !== null && key[0] === first ? 0 : 255;
          break;
        }
        case 2: {
          const green = sample(y, x * channels + 1);
          const blue = sample(y, x * channels + 2);
          pixels[at] = scale(first);
          pixels[at + 1] = scale(green);
          pixels[at + 2] = scale(blue);
          pixels[at + 3] = key !== null && key[0] === first && key[1] === green && key[2] === blue ? 0 : 255;
          break;
        }
        case 3: {
          if (palette === null || first * 3 + 2 >= palette.length) throw new UnreadableImageError();
          pixels[at] = palette[first * 3] as number;
          pixels[at + 1] = palette[first * 3 + 1] as number;
          pixels[at + 2] = palette[first * 3 + 2] as number;
          pixels[at + 3] = transparency !== null && first < transparency.length ? (transparency[first] as number) : 255;
          break;
        }
        case 4: {
          const g = scale(first);
          pixels[at] = g;
          pixels[at + 1] = g;
          pixels[at + 2] = g;
          pixels[at + 3] = scale(sample(y, x * channels + 1));
          break;
        }
        default:
          pixels[at] = scale(first);
          pixels[at + 1] = scale(sample(y, x * channels + 1));
          pixels[at + 2] = scale(sample(y, x * channels + 2));
          pixels[at + 3] = scale(sample(y, x * channels + 3));
      }
    }
  }
  return { width, height, pixels };
}
