/**
 * Rollouts made hard for thread/read's raw-string path (util/raw-json-strings.ts): every string of every line but
 * session_meta gets ~9 KiB of unusual text appended, and optionally an escape JSON.stringify would not write.
 */

/** ~9 KiB of text: non-ASCII, an astral character, quotes, backslashes, control characters, DEL, a slash. */
const FILLER = ` Grüße 中文 😀 "quoted" back\\slash tab\tnew\nline cr\r bell\u0007 unit\u001f del\u007f a/b `.repeat(160);

/** Markers spliced into the JSON text afterwards: escapes that decode to the same text but are not canonical. */
export const ODD_ESCAPES: Readonly<Record<string, string>> = {
  canonical: '',
  slash: '\\/',
  printable: '\\u0041',
  pair: '\\ud83d\\ude00',
  upper: '\\u001F',
  longControl: '\\u000a',
};
const MARKER = '\u2063odd\u2063';

/** Keys whose string values stay as they are, so that the lines and items keep their kind and their turn. */
const KEPT_KEYS = new Set(['type', 'timestamp', 'history_mode', 'turn_id', 'root_turn_id', 'thread_id', 'id', 'status']);

function inflate(value: unknown, key: string | undefined, inflateIds: boolean, filler: string): unknown {
  if (typeof value === 'string') {
    const kept = key !== undefined && KEPT_KEYS.has(key) && !(inflateIds && key === 'id');
    return kept ? value : `${value}${MARKER}${filler}`;
  }
  if (Array.isArray(value)) return value.map((element) => inflate(element, undefined, inflateIds, filler));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, member]) => [name, inflate(member, name, inflateIds, filler)]));
  }
  return value;
}

/** The rollout with every line but session_meta inflated, and each marker replaced by `escape`. */
/** `times` repeats the appended text (for answers of hundreds of KiB). */
export function inflatedRollout(rollout: string, escape: string, inflateIds: boolean, times = 1): Buffer {
  const filler = FILLER.repeat(times);
  const lines = rollout.split('\n');
  const text = lines
    .map((line, index) => {
      if (index === 0 || line.trim() === '') return line;
      const value = JSON.parse(line) as Record<string, unknown>;
      const payload = inflate(value['payload'], undefined, inflateIds, filler);
      return JSON.stringify({ ...value, payload }).replaceAll(JSON.stringify(MARKER).slice(1, -1), escape);
    })
    .join('\n');
  return Buffer.from(text);
}

