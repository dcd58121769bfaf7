/**
 * Rust's `{:?}` renderings that show up verbatim in the reference's messages to the model: strings in serde
 * errors (`string "yes"`) and in `exec_command failed: CreateProcess { message: "…" }`, and floats in serde
 * errors (`floating point \`2.0\``).
 */

/** `format!("{:?}", s)` for a `&str`: quoted, with `\"`, `\\`, `\n`, `\r`, `\t`, `\0` and `\u{..}` escapes. */
export function rustDebugString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    switch (char) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\0':
        out += '\\0';
        break;
      default:
        out += code < 0x20 || code === 0x7f ? `\\u{${code.toString(16)}}` : char;
    }
  }
  return `${out}"`;
}

/**
 * `format!("{:?}", x)` for an `f64`: decimal with at least one fractional digit between 1e-5 and 1e16
 * (`2.0`, `1000.0`, `1.5`), shortest exponent form outside (`1e-7`, `1e16`, `1.5e20`).
 */
export function rustDebugFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const magnitude = Math.abs(value);
  if (magnitude === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  if (magnitude >= 1e-5 && magnitude < 1e16) {
    const decimal = magnitude < 1e-6 ? expandExponent(value) : String(value);
    return decimal.includes('.') ? decimal : `${decimal}.0`;
  }
  return value.toExponential().replace('e+', 'e');
}

/** `1e-6`-ish JS output written out in full (JS switches to exponents below 1e-6, Rust's Debug at 1e-5). */
function expandExponent(value: number): string {
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const zeros = '0'.repeat(-exponent - 1);
  return `${negative ? '-' : ''}0.${zeros}${digits}`;
}
