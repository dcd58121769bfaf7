import { needsNoJsonEscape } from './canonical-json-string.js';
import { AsciiText } from './message-pieces.js';

/**
 * `JSON.stringify(value)` as a message piece, made cheap for long ASCII text: no copy of the text is made here
 * (the socket copies ASCII as latin1), and when it has nothing to escape (no control character, quote or
 * backslash: checked a word at a time, through a small reused buffer), JSON.stringify, which costs several times
 * that copy, is skipped altogether. Other text is stringified as usual.
 */
export function jsonStringLiteral(value: string): AsciiText | string {
  // Each character outside ASCII takes more than one UTF-8 byte.
  if (Buffer.byteLength(value, 'utf8') !== value.length) return JSON.stringify(value);
  return needsNoEscape(value) ? new AsciiText(value, true) : new AsciiText(JSON.stringify(value));
}

const SCRATCH_BYTES = 64 * 1024;
let scratch: Buffer | undefined;

/** Whether ASCII `value` has no character JSON escapes. */
function needsNoEscape(value: string): boolean {
  scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  for (let from = 0; from < value.length; from += SCRATCH_BYTES) {
    const written = scratch.write(value.substring(from, from + SCRATCH_BYTES), 0, 'latin1');
    if (!needsNoJsonEscape(scratch, 0, written)) return false;
  }
  return true;
}
