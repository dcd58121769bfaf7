import { UnreadableImageError, type RgbaImage } from './rgba-image.js';

/**
 * The first frame of a GIF as RGBA8 on the GIF's logical screen (pixels the frame does not cover, and its
 * transparent colour, are transparent). Models are not sent GIFs as they are: a GIF goes to them as a PNG of this.
 */

export function isGif(bytes: Buffer): boolean {
  const start = bytes.toString('latin1', 0, 6);
  return start === 'GIF87a' || start === 'GIF89a';
}

/** @throws UnreadableImageError when the bytes are not a GIF with a frame this can read. */
export function decodeGif(bytes: Buffer): RgbaImage {
  if (!isGif(bytes) || bytes.length < 13) throw new UnreadableImageError();
  const width = bytes.readUInt16LE(6);
  const height = bytes.readUInt16LE(8);
  if (width === 0 || height === 0) throw new UnreadableImageError();
  const flags = bytes[10] as number;
  let at = 13;
  let globalTable: Buffer | null = null;
  if (flags & 0x80) {
    const size = 3 * (1 << ((flags & 7) + 1));
    globalTable = bytes.subarray(at, at + size);
    at += size;
  }
  let transparentIndex: number | null = null;
  while (at < bytes.length) {
    const block = bytes[at] as number;
    if (block === 0x21) {
      // An extension: keep the graphic control extension's transparent colour, skip the rest.
      const label = bytes[at + 1];
      if (label === 0xf9 && (bytes[at + 3] as number) & 1) transparentIndex = bytes[at + 6] as number;
      at = skipSubBlocks(bytes, at + 2);
    } else if (block === 0x2c) {
      return frame(bytes, at, { width, height }, globalTable, transparentIndex);
    } else {
      break;
    }
  }
  throw new UnreadableImageError();
}

function skipSubBlocks(bytes: Buffer, at: number): number {
  while (at < bytes.length) {
    const size = bytes[at] as number;
    at += 1 + size;
    if (size === 0) return at;
  }
  throw new UnreadableImageError();
}

function frame(
  bytes: Buffer,
  at: number,
  screen: { width: number; height: number },
  globalTable: Buffer | null,
  transparentIndex: number | null,
): RgbaImage {
  if (at + 10 > bytes.length) throw new UnreadableImageError();
  const left = bytes.readUInt16LE(at + 1);
  const top = bytes.readUInt16LE(at + 3);
  const width = bytes.readUInt16LE(at + 5);
  const height = bytes.readUInt16LE(at + 7);
  const flags = bytes[at + 9] as number;
  at += 10;
  let table = globalTable;
  if (flags & 0x80) {
    const size = 3 * (1 << ((flags & 7) + 1));
    table = bytes.subarray(at, at + size);
    at += size;
  }
  if (table === null) throw new UnreadableImageError();
  const minCodeSize = bytes[at] as number;
  const data: Buffer[] = [];
  at += 1;
  while (at < bytes.length) {
    const size = bytes[at] as number;
    if (size === 0) break;
    data.push(bytes.subarray(at + 1, at + 1 + size));
    at += 1 + size;
  }
  const indices = lzwDecode(Buffer.concat(data), minCodeSize, width * height);
  const rows = flags & 0x40 ? interlacedRows(height) : Array.from({ length: height }, (_, y) => y);
  const pixels = new Uint8Array(screen.width * screen.height * 4);
  for (let row = 0; row < height; row++) {
    const y = top + (rows[row] as number);
    if (y >= screen.height) continue;
    for (let x = 0; x < width; x++) {
      const sx = left + x;
      if (sx >= screen.width) continue;
      const index = indices[row * width + x] as number;
      if (index === transparentIndex || index * 3 + 2 >= table.length) continue;
      pixels.set([table[index * 3] as number, table[index * 3 + 1] as number, table[index * 3 + 2] as number, 255], (y * screen.width + sx) * 4);
    }
  }
  return { width: screen.width, height: screen.height, pixels };
}

/** The row each stored row of an interlaced frame belongs to. */
function interlacedRows(height: number): number[] {
  const rows: number[] = [];
  for (const [start, step] of [[0, 8], [4, 8], [2, 4], [1, 2]] as const) {
    for (let y = start; y < height; y += step) rows.push(y);
  }
  return rows;
}

/** GIF's variable-width LZW: colour indices, at most `count` of them. */
function lzwDecode(data: Buffer, minCodeSize: number, count: number): Uint8Array {
  if (minCodeSize < 2 || minCodeSize > 8) throw new UnreadableImageError();
  const out = new Uint8Array(count);
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  let codeSize = minCodeSize + 1;
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  let next = end + 1;
  let previous = -1;
  let written = 0;
  let bitBuffer = 0;
  let bits = 0;
  const stack = new Uint8Array(4097);
  const reset = () => {
    codeSize = minCodeSize + 1;
    next = end + 1;
    previous = -1;
  };
  for (let i = 0; i < clear; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    first[i] = i;
  }
  for (let at = 0; at < data.length && written < count; ) {
    while (bits < codeSize && at < data.length) {
      bitBuffer |= (data[at++] as number) << bits;
      bits += 8;
    }
    if (bits < codeSize) break;
    const code = bitBuffer & ((1 << codeSize) - 1);
    bitBuffer >>>= codeSize;
    bits -= codeSize;
    if (code === clear) {
      reset();
      continue;
    }
    if (code === end) break;
    let current = code;
    let depth = 0;
    if (previous === -1) {
      if (code >= clear) throw new UnreadableImageError();
      out[written++] = code;
      previous = code;
      continue;
    }
    if (code > next || (code === next && next >= 4096)) throw new UnreadableImageError();
    if (code === next) {
      // The code being defined: the previous string plus its own first byte.
      stack[depth++] = first[previous] as number;
      current = previous;
    }
    while (current !== -1) {
      stack[depth++] = suffix[current] as number;
      current = prefix[current] as number;
    }
    const head = stack[depth - 1] as number;
    while (depth > 0 && written < count) out[written++] = stack[--depth] as number;
    if (next < 4096) {
      prefix[next] = previous;
      suffix[next] = head;
      first[next] = first[previous] as number;
      next++;
      if (next === 1 << codeSize && codeSize < 12) codeSize++;
    }
    previous = code;
  }
  return out;
}
