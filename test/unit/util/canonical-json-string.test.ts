import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCanonicalJsonString } from '../../../src/util/canonical-json-string.js';

/** The oracle: a literal is canonical when it parses to a string that JSON.stringify writes back identically. */
function oracle(literal: Buffer): boolean {
  const text = literal.toString('utf8');
  if (!Buffer.from(text).equals(literal)) return false; // invalid UTF-8
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' && JSON.stringify(value) === text;
  } catch {
    return false;
  }
}

/**
 * `literal` at each offset 0..7 of a larger buffer, so the word-at-a-time scan meets every alignment. The check
 * must never accept what the oracle refuses; it must accept every canonical literal except those with surrogate
 * escapes (which it refuses by design: they only lose the fast path).
 */
function checkAtEveryOffset(literal: Buffer): void {
  const text = literal.toString('latin1');
  const expected = oracle(literal) && !/\\ud[89a-f]/.test(text);
  for (let offset = 0; offset < 8; offset++) {
    const host = Buffer.alloc(offset + literal.length + 5, 0x20);
    literal.copy(host, offset);
    assert.equal(
      isCanonicalJsonString(host, offset, offset + literal.length),
      expected,
      `${JSON.stringify(literal.toString('latin1').slice(0, 80))} at offset ${offset}`,
    );
  }
}

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const ALPHABET = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\r', '\b', '\f', '\u0000', '\u0001', '\u001f', '\u007f', 'é', '中', '😀', '\ud800', '\udfff'];

describe('isCanonicalJsonString', () => {
  it('accepts what JSON.stringify writes, whatever the characters and the alignment', () => {
    const next = random(7);
    for (let round = 0; round < 400; round++) {
      const length = Math.floor(next() * 40);
      let text = '';
      for (let index = 0; index < length; index++) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
      const literal = Buffer.from(JSON.stringify(text));
      checkAtEveryOffset(literal);
      assert.equal(oracle(literal), true);
    }
  });

  it('agrees with JSON.parse + JSON.stringify on escapes and bytes that are not canonical or not valid', () => {
    const cases = [
      '"\\/"', '"\\u0041"', '"\\u000a"', '"\\u001F"', '"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"', '"\\x41"',
      '"\\"', '"a\\', '"tab\there"', '"nul\u0000"', '"\\u001f"', '"\\u0000"', '"\\u007f"', '"\u007f"', '"plain"',
      '""', '"', 'x"a"', '"a"x', '"\\u00"', '"\\u001g"',
    ];
    for (const text of cases) checkAtEveryOffset(Buffer.from(text, 'latin1'));
    // Invalid UTF-8 (a lone continuation byte, a truncated sequence).
    checkAtEveryOffset(Buffer.from([0x22, 0x61, 0x80, 0x22]));
    checkAtEveryOffset(Buffer.from([0x22, 0xe4, 0xb8, 0x22]));
  });

  it('scans long texts: one bad byte anywhere is found', () => {
    const clean = Buffer.from(JSON.stringify('lorem ipsum dolor sit amet, '.repeat(2000)));
    checkAtEveryOffset(clean);
    for (const position of [1, 2, 3, 4, 5, 1000, clean.length - 3, clean.length - 2]) {
      for (const bad of [0x00, 0x0a, 0x1f]) {
        const broken = Buffer.from(clean);
        broken[position] = bad;
        checkAtEveryOffset(broken);
      }
    }
  });
});
