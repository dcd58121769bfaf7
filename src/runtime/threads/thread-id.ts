/**
 * Thread ids as the reference parses them (the Rust `uuid` crate): hyphenated, simple (32 hex digits),
 * braced `{…}` or `urn:uuid:…`, any case. The error texts are the crate's, which the reference puts on the wire
 * after `invalid thread id: ` (probed: `invalid character: … found \`n\` at 1`,
 * `invalid group length in group 4: expected 12, found 10`).
 */
export type ThreadIdParse = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly error: string };

const GROUP_LENGTHS = [8, 4, 4, 4, 12] as const;
const HEX = /^[0-9a-fA-F]$/;

/** Parses a client-supplied thread id into the canonical lower-case hyphenated form. */
export function parseThreadId(raw: string): ThreadIdParse {
  let text = raw;
  let offset = 0;
  if (text.startsWith('urn:uuid:')) {
    text = text.slice('urn:uuid:'.length);
    offset = 'urn:uuid:'.length;
  } else if (text.startsWith('{') && text.endsWith('}')) {
    text = text.slice(1, -1);
    offset = 1;
  }
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char !== '-' && !HEX.test(char)) {
      return {
        ok: false,
        error:
          'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], ' +
          `found \`${char}\` at ${offset + i + 1}`,
      };
    }
  }
  if (!text.includes('-')) {
    if (text.length !== 32) {
      return { ok: false, error: `invalid length: expected length 32 for simple format, found ${text.length}` };
    }
    const hex = text.toLowerCase();
    return {
      ok: true,
      id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    };
  }
  const groups = text.split('-');
  if (groups.length !== GROUP_LENGTHS.length) {
    return { ok: false, error: `invalid group count: expected 5, found ${groups.length}` };
  }
  for (let g = 0; g < groups.length; g++) {
    const expected = GROUP_LENGTHS[g] as number;
    const found = (groups[g] as string).length;
    if (found !== expected) {
      return { ok: false, error: `invalid group length in group ${g}: expected ${expected}, found ${found}` };
    }
  }
  return { ok: true, id: text.toLowerCase() };
}
