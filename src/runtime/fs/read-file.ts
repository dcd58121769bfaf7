import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../protocol/message-limits.js';
import { FsRequestError } from './fs-request-error.js';

/**
 * The largest file `fs/readFile` returns: its base64 text (4 characters per 3 bytes) plus the response envelope
 * must fit in one message of the size the clients read (MAX_CLIENT_MESSAGE_BYTES, 128 MiB; a larger message
 * drops the connection). 1 KiB is kept for the envelope and the request id. The reference itself sends any size
 * and lets the client drop the connection; we answer with an error instead.
 */
export const MAX_READ_FILE_BYTES = ((MAX_CLIENT_MESSAGE_BYTES - 1024) / 4) * 3;
const MAX_CLIENT_MESSAGE_MIB = MAX_CLIENT_MESSAGE_BYTES / (1024 * 1024);

/** Bytes read per step; a multiple of 3, so that every full chunk encodes to base64 without padding. */
const CHUNK_BYTES = 3 * 64 * 1024;

/**
 * The contents of a regular file as base64, read in chunks: the raw file is never held whole, only its base64
 * text (built as a rope of chunk encodings, flattened once when the response is serialized).
 * @throws FsRequestError ``path `<path>` is not a file`` for directories, FIFOs, devices [observed], or when the
 *   file is larger than `limit`
 * @throws Node's system error when the file cannot be read
 * @throws `signal`'s reason when it aborts between chunks (the client that asked is gone)
 */
export async function readFileBase64(path: string, limit = MAX_READ_FILE_BYTES, signal?: AbortSignal): Promise<string> {
  // A FIFO or device is refused before it is opened: opening a FIFO would wait for a writer forever.
  if (!(await stat(path)).isFile()) throw notAFile(path);
  // Non-blocking, and checked again once open, in case the path was swapped for a FIFO in between.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notAFile(path);
    if (info.size > limit) throw tooLarge(path, `${info.size} bytes`, limit);
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let encoded = '';
    let carried = 0;
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(chunk, carried, CHUNK_BYTES - carried, null);
      if (bytesRead === 0) break;
      // The size from stat is only a hint: the file may grow, and /proc files report 0.
      total += bytesRead;
      if (total > limit) throw tooLarge(path, `more than ${limit} bytes`, limit);
      // Encode whole 3-byte groups only, so the pieces concatenate to the encoding of the whole file.
      const available = carried + bytesRead;
      const whole = available - (available % 3);
      encoded += chunk.toString('base64', 0, whole);
      carried = available - whole;
      chunk.copyWithin(0, whole, available);
    }
    if (carried > 0) encoded += chunk.toString('base64', 0, carried);
    return encoded;
  } finally {
    await handle.close();
  }
}

function notAFile(path: string): FsRequestError {
  return new FsRequestError(`path \`${path}\` is not a file`);
}

function tooLarge(path: string, size: string, limit: number): FsRequestError {
  return new FsRequestError(
    `path \`${path}\` is too large to read: ${size}; fs/readFile returns at most ${limit} bytes ` +
      `(its base64 response must fit in one ${MAX_CLIENT_MESSAGE_MIB} MiB message)`,
  );
}
