/**
 * The text of captured output bytes, as the reference's `bytes_to_string_smart` makes it: valid UTF-8 as is;
 * otherwise a byte-order mark picks UTF-16 (encoding_rs sniffs one before anything else: `\xff\xfeok` came back as
 * `歯`); otherwise the reference lets chardetng guess a legacy code page. We cannot run that detector, so we take its
 * most common verdict for Western text, windows-1252 (`caf\xe9` → `café`, as probed), which like every single-byte
 * code page decodes any bytes without loss of length.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * windows-1252's characters for bytes 0x80–0x9F (WHATWG table; the rest is Latin-1). Written out because Node's
 * `TextDecoder('windows-1252')` decodes those bytes as Latin-1 control characters instead.
 */
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Buffer): string {
  const c1 = /[\u0080-\u009f]/g;
  return bytes.toString('latin1').replace(c1, (char) => WINDOWS_1252_C1[char.charCodeAt(0) - 0x80] ?? char);
}

export function decodeOutput(bytes: Buffer): string {
  if (bytes.length === 0) return '';
  try {
    return utf8.decode(bytes);
  } catch {
    // Not UTF-8: fall through to the reference's other guesses.
  }
  const bom = bytes.length >= 2 ? (bytes[0] as number) * 256 + (bytes[1] as number) : 0;
  if (bom === 0xfffe || bom === 0xfeff) {
    try {
      return new TextDecoder(bom === 0xfffe ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(bytes);
    } catch {
      // A broken UTF-16 payload: encoding_rs falls back to lossy UTF-8.
      return new TextDecoder('utf-8').decode(bytes);
    }
  }
  return decodeWindows1252(bytes);
}
