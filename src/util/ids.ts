import { randomBytes } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort by creation time. The
 * reference uses v7 for thread, turn and user-message ids, and rollout file names end in the thread's id.
 * Ids made within one millisecond are kept increasing by a counter in the random part (RFC 9562 §6.2,
 * method 1), so thread and turn ids created in a burst still sort in creation order.
 */
let lastMs = -1;
let sequence = 0;

export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    sequence = (sequence + 1) & 0xfff;
    // Counter overflow within one millisecond: borrow the next millisecond rather than repeat an id.
    if (sequence === 0) ms += 1;
  } else {
    // A random start in the lower half leaves room to count up within this millisecond.
    sequence = ((bytes[6]! & 0x07) << 8) | bytes[7]!;
  }
  lastMs = ms;
  // 48-bit big-endian timestamp (split: JS bitwise ops are 32-bit).
  const high = Math.floor(ms / 2 ** 16);
  bytes[0] = (high >>> 24) & 0xff;
  bytes[1] = (high >>> 16) & 0xff;
  bytes[2] = (high >>> 8) & 0xff;
  bytes[3] = high & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  // Version 7 and a 12-bit counter, then the RFC 4122 variant.
  bytes[6] = 0x70 | ((sequence >>> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Whether `text` is a hyphenated UUID (any version). */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
