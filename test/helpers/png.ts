import { crc32, deflateSync } from 'node:zlib';

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/** A PNG from raw scanlines (each with its filter byte), of any colour type and depth. */
export function rawPng(width: number, height: number, depth: number, colorType: number, rows: Buffer, palette?: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = depth;
  header[9] = colorType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    ...(palette === undefined ? [] : [pngChunk('PLTE', palette)]),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid 8-bit RGB PNG of `width × height` pixels: flat grey, or a deterministic pattern with `pattern`. */
export function pngFile(width: number, height: number, pattern = false): Buffer {
  const stride = width * 3 + 1;
  const rows = Buffer.alloc(stride * height, 0x7f);
  for (let y = 0; y < height; y++) {
    rows[y * stride] = 0;
    if (pattern) for (let x = 1; x < stride; x++) rows[y * stride + x] = (x * 7 + y * 13) & 0xff;
  }
  return rawPng(width, height, 8, 2, rows);
}
