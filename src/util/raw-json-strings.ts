import { randomBytes } from 'node:crypto';
import { jsonStringLiteral } from './json-string-literal.js';
import { pieceText } from './message-pieces.js';
import type { MessagePiece, MessagePieces } from './message-pieces.js';

/** Strings at least this long (a file's literal in bytes, quotes included; a string in memory in characters) are
 * carried as bytes; shorter ones are not worth a placeholder. */
export const LONG_STRING_BYTES = 8 * 1024;

/**
 * Long JSON strings carried from a file to a response as their raw bytes. Reading a big thread's history used to
 * decode every long answer from UTF-8, parse it, serialize it again with JSON.stringify and encode it back to
 * UTF-8: most of the CPU time of `thread/read`, and three extra copies of the history in memory. Instead, a reader
 * may put a placeholder string in place of a long string literal whose bytes are already what JSON.stringify would
 * write (see isCanonicalJsonString), and the response goes out with the bytes spliced back in.
 *
 * A placeholder is an ordinary string (`\uE000<nonce>:<index>\uE000`, the nonce random per process), so schemas
 * and mappers that only pass the value along handle it unchanged. Code that looks into a string's content must see
 * the real text: `materialize` puts it back. The serializer (`serializeWithRawStrings`) refuses a message where a
 * placeholder ended up inside another string, so a value that was transformed can never leak out as a placeholder.
 */
export class RawJsonStrings {
  readonly #literals: MessagePiece[] = [];

  /** A placeholder standing for the JSON string literal `literal` (quotes included, canonical). */
  placeholderFor(literal: MessagePiece): string {
    this.#literals.push(literal);
    return `${PLACEHOLDER_PREFIX}${this.#literals.length - 1}${PLACEHOLDER_END}`;
  }

  /**
   * A copy of `value` (a tree of plain JSON data) in which every string of at least LONG_STRING_BYTES characters is
   * a placeholder for its literal, serialized now (jsonStringLiteral); objects and arrays without such a string
   * are shared, not copied. For answers built from memory: the long strings leave without one giant JSON string.
   */
  withLongStringsEncoded<T>(value: T): T {
    if (typeof value === 'string') {
      return (value.length >= LONG_STRING_BYTES ? this.placeholderFor(jsonStringLiteral(value)) : value) as T;
    }
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const element: unknown = value[index];
        const encoded = this.withLongStringsEncoded(element);
        if (encoded !== element) (copy ??= [...(value as unknown[])])[index] = encoded;
      }
      return (copy ?? value) as T;
    }
    let copy: Record<string, unknown> | undefined;
    for (const [key, member] of Object.entries(value)) {
      const encoded = this.withLongStringsEncoded(member);
      if (encoded !== member) (copy ??= { ...(value as Record<string, unknown>) })[key] = encoded;
    }
    return (copy ?? value) as T;
  }

  get size(): number {
    return this.#literals.length;
  }

  /** The raw literal a placeholder of this table stands for; undefined for any other string. */
  literalOf(value: string): MessagePiece | undefined {
    if (!value.startsWith(PLACEHOLDER_PREFIX) || !value.endsWith(PLACEHOLDER_END)) return undefined;
    const digits = value.slice(PLACEHOLDER_PREFIX.length, -PLACEHOLDER_END.length);
    if (!/^\d+$/.test(digits)) return undefined;
    return this.#literals[Number(digits)];
  }

  /** The real string a placeholder stands for (any other value is returned as it is). */
  decode<T>(value: T): T | string {
    if (typeof value !== 'string') return value;
    const literal = this.literalOf(value);
    return literal === undefined ? value : (JSON.parse(pieceText(literal)) as string);
  }

  /**
   * Replaces, in place, every placeholder within `value` (a tree of parsed JSON) by its real string, except in the
   * slots `keep` accepts (the object or array holding the string, and its key).
   */
  materialize(value: unknown, keep: (holder: object, key: string | number) => boolean = () => false): void {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const element: unknown = value[index];
        if (typeof element === 'string') {
          if (!keep(value, index)) value[index] = this.decode(element);
        } else this.materialize(element, keep);
      }
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const member = record[key];
      if (typeof member === 'string') {
        if (!keep(record, key)) record[key] = this.decode(member);
      } else this.materialize(member, keep);
    }
  }
}

/** Private-use characters around a per-process nonce: no text a client or model writes can forge one. */
const PLACEHOLDER_PREFIX = `\uE000${randomBytes(12).toString('hex')}:`;
const PLACEHOLDER_END = '\uE000';

/**
 * `JSON.stringify(value)` with every placeholder of `raw` replaced by the literal it stands for, as pieces (no
 * joined copy of the long strings is made). Throws when a placeholder of this process appears anywhere but as a
 * whole string value (it was cut, joined or otherwise transformed), rather than send it.
 */
export function serializeWithRawStrings(value: unknown, raw: RawJsonStrings): MessagePieces {
  const json = JSON.stringify(value);
  const pieces: MessagePiece[] = [];
  const opening = `"${PLACEHOLDER_PREFIX}`;
  let copied = 0;
  for (let at = json.indexOf(opening); at !== -1; at = json.indexOf(opening, copied)) {
    const close = json.indexOf(`${PLACEHOLDER_END}"`, at + opening.length);
    const literal = close === -1 ? undefined : raw.literalOf(json.slice(at + 1, close + PLACEHOLDER_END.length));
    if (literal === undefined) throw new Error('a raw string placeholder was altered before serialization');
    if (at > copied) pieces.push(json.slice(copied, at));
    pieces.push(literal);
    copied = close + PLACEHOLDER_END.length + 1;
  }
  if (copied < json.length) pieces.push(json.slice(copied));
  // Whatever placeholder text is left lies inside some other string.
  if (pieces.some((piece) => typeof piece === 'string' && piece.includes(PLACEHOLDER_PREFIX))) {
    throw new Error('a raw string placeholder was altered before serialization');
  }
  return pieces;
}

/** Which table, if any, the placeholders of a handler's result belong to (see attachRawStrings). */
const attached = new WeakMap<object, RawJsonStrings>();

/** Marks `result` as holding placeholders of `raw`, for the serializer of the answer. */
export function attachRawStrings<T extends object>(result: T, raw: RawJsonStrings): T {
  if (raw.size > 0) attached.set(result, raw);
  return result;
}

export function rawStringsAttachedTo(result: unknown): RawJsonStrings | undefined {
  return typeof result === 'object' && result !== null ? attached.get(result) : undefined;
}
