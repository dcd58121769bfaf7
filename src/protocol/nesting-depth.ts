/**
 * The deepest JSON nesting the reference accepts in one message: serde_json's recursion limit (128) counts the
 * message object itself, so a message nested 128 levels deep is refused at parse time (probed: 127 is served,
 * 128 is logged as `Failed to deserialize JSONRPCMessage: recursion limit exceeded` and gets no answer).
 */
export const MAX_MESSAGE_NESTING_DEPTH = 127;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON `text` nests objects and arrays deeper than `limit`, decided from the text before it is parsed (a
 * 100,000-deep message is refused without being built). Brackets inside strings do not count; strings are skipped
 * with indexOf, so a huge string costs little. Malformed text is answered as best it can: JSON.parse decides.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  // Each level takes at least one character: most messages are too short to need the scan.
  if (text.length <= limit) return false;
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = endOfString(text, index);
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/** The index of the quote closing the string that opens at `start` (or the text's end when it is unterminated). */
function endOfString(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
  }
  return text.length;
}
