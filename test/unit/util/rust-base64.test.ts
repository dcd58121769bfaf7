import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBase64Strict } from '../../../src/util/rust-base64.js';

/** Every case below was sent to the reference 0.169.0 as a `command/exec/write` `deltaBase64`. */
describe('decodeBase64Strict', () => {
  it('decodes canonical standard base64, the empty string included', () => {
    assert.equal(decodeBase64Strict('aGVsbG8K').toString(), 'hello\n');
    assert.equal(decodeBase64Strict('YWI=').toString(), 'ab');
    assert.equal(decodeBase64Strict('').length, 0);
  });

  it("refuses what the reference's decoder refuses, with its texts", () => {
    const cases: [string, string][] = [
      ['abc', 'Invalid padding'],
      ['YQ', 'Invalid padding'],
      ['ab=c', 'Invalid symbol 61, offset 2.'],
      ['Y===', 'Invalid symbol 61, offset 1.'],
      ['YQ==YQ==', 'Invalid symbol 61, offset 2.'],
      [' YQ==', 'Invalid symbol 32, offset 0.'],
      ['YQ==\n', 'Invalid symbol 10, offset 4.'],
      ['-_8=', 'Invalid symbol 45, offset 0.'],
      ['YWJj\r\nZA==', 'Invalid symbol 13, offset 4.'],
      ['YWJj=', 'Invalid symbol 61, offset 4.'],
      ['YWJj==', 'Invalid symbol 61, offset 4.'],
      ['YWJjY', 'Invalid input length: 5'],
      ['YR==', 'Invalid last symbol 82, offset 1.'],
      ['YWJ=', 'Invalid last symbol 74, offset 2.'],
      ['YW==', 'Invalid last symbol 87, offset 1.'],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => decodeBase64Strict(input), { name: 'Base64DecodeError', message }, JSON.stringify(input));
    }
  });
});
