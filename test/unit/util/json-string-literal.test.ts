import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonStringLiteral } from '../../../src/util/json-string-literal.js';
import { AsciiText, pieceText } from '../../../src/util/message-pieces.js';
import type { MessagePieces } from '../../../src/util/message-pieces.js';
import { RawJsonStrings, serializeWithRawStrings } from '../../../src/util/raw-json-strings.js';

const SAMPLES = [
  '',
  'plain ascii text',
  'x'.repeat(10_000),
  `${'clean '.repeat(3000)}"one quote at the end`,
  `back\\slash ${'a'.repeat(9000)}`,
  `new\nline ${'b'.repeat(9000)}`,
  `control \u0001 and del \u007f ${'c'.repeat(9000)}`,
  `non-ASCII é 中 😀 ${'d'.repeat(9000)}`,
  `lone surrogate \ud800 ${'e'.repeat(9000)}`,
  // Longer than the scan's 64 KiB buffer, with the one character to escape in its second pass.
  `${'f'.repeat(70_000)}"${'g'.repeat(10)}`,
  'h'.repeat(200_000),
];

function joined(pieces: MessagePieces): string {
  return pieces.map(pieceText).join('');
}

describe('jsonStringLiteral', () => {
  it('is JSON.stringify, whatever the text, and marked ASCII only when it is', () => {
    for (const sample of SAMPLES) {
      const literal = jsonStringLiteral(sample);
      assert.equal(pieceText(literal), JSON.stringify(sample), sample.slice(0, 30));
      assert.equal(literal instanceof AsciiText, [...sample].every((char) => char.charCodeAt(0) < 0x80), sample.slice(0, 30));
    }
  });
});

describe('RawJsonStrings.withLongStringsEncoded', () => {
  it('serializes exactly as JSON.stringify, leaving the original untouched and short strings in place', () => {
    const original = { turns: SAMPLES.map((text, index) => ({ id: `i${index}`, text, parts: [text, 'short'] })), n: 1 };
    const before = JSON.stringify(original);
    const raw = new RawJsonStrings();
    const encoded = raw.withLongStringsEncoded(original);
    assert.equal(JSON.stringify(original), before, 'the original is not modified');
    assert.equal(raw.size, 2 * SAMPLES.filter((sample) => sample.length >= 8192).length);
    assert.equal(joined(serializeWithRawStrings({ id: 1, result: encoded }, raw)), JSON.stringify({ id: 1, result: original }));
    assert.equal(encoded.turns[0], original.turns[0], 'objects without long strings are shared');
  });
});
