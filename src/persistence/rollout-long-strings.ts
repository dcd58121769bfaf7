import { isCanonicalJsonString } from '../util/canonical-json-string.js';
import { LONG_STRING_BYTES } from '../util/raw-json-strings.js';
import type { RawJsonStrings } from '../util/raw-json-strings.js';

/**
 * The text of the rollout line at `[start, end)` of `buffer` with each long string literal that is canonical JSON
 * (isCanonicalJsonString) replaced by a placeholder of `raw`: the rest of the line is decoded and parsed as usual,
 * the long strings are neither decoded nor parsed. Literals are found by their quotes (outside a string, JSON has
 * no `"`), so the scan costs a few native searches per string, not a pass over every byte in JavaScript. A line
 * that is not valid JSON comes out with its defect intact (a torn or bad literal is left in place), so JSON.parse
 * fails on it exactly as on the original.
 */
export function lineWithRawLongStrings(buffer: Buffer, start: number, end: number, raw: RawJsonStrings): string {
  const parts: string[] = [];
  let copied = start;
  for (let open = buffer.indexOf(QUOTE, start); open !== -1 && open < end; ) {
    const close = closingQuote(buffer, open + 1, end);
    if (close === -1) break;
    if (close + 1 - open >= LONG_STRING_BYTES && isCanonicalJsonString(buffer, open, close + 1)) {
      parts.push(buffer.toString('utf8', copied, open), JSON.stringify(raw.placeholderFor(buffer.subarray(open, close + 1))));
      copied = close + 1;
    }
    open = buffer.indexOf(QUOTE, close + 1);
  }
  parts.push(buffer.toString('utf8', copied, end));
  return parts.join('');
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The index of the quote that ends the string whose body starts at `from`, or -1 when it does not end before `end`. */
function closingQuote(buffer: Buffer, from: number, end: number): number {
  for (let quote = buffer.indexOf(QUOTE, from); quote !== -1 && quote < end; quote = buffer.indexOf(QUOTE, quote + 1)) {
    let backslashes = 0;
    while (buffer[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
}
