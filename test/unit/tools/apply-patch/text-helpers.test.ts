import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rustIoErrorText } from '../../../../src/tools/apply-patch/io-error.js';
import { compareRustStrings, rustLines, rustTrim } from '../../../../src/tools/apply-patch/rust-text.js';
import { gitBlobOid, unifiedDiff } from '../../../../src/tools/apply-patch/unified-diff.js';
import { decodeUtf8Strict, Utf8DecodeError } from '../../../../src/tools/apply-patch/utf8.js';

describe('Rust text rules', () => {
  it('trims Unicode White_Space as Rust does (NEL yes, BOM no)', () => {
    assert.equal(rustTrim('\u0085 x\u3000'), 'x');
    assert.equal(rustTrim('\ufeffx '), '\ufeffx');
  });

  it('splits lines like str::lines', () => {
    assert.deepEqual(rustLines(''), []);
    assert.deepEqual(rustLines('a\n'), ['a']);
    assert.deepEqual(rustLines('a\n\n'), ['a', '']);
    assert.deepEqual(rustLines('a\r\nb'), ['a', 'b']);
    assert.deepEqual(rustLines('a\rb\r'), ['a\rb\r']);
  });

  it('orders strings by UTF-8 bytes', () => {
    assert.ok(compareRustStrings('\uffff', '\u{1F600}') < 0);
    assert.ok('\uffff' > '\u{1F600}');
  });
});

describe('decodeUtf8Strict', () => {
  it('keeps a byte order mark', () => {
    assert.equal(decodeUtf8Strict(Buffer.from('\ufeffhi')), '\ufeffhi');
  });

  it("words invalid input as Rust's Utf8Error", () => {
    const message = (bytes: number[]): string => {
      try {
        decodeUtf8Strict(Uint8Array.from(bytes));
      } catch (error) {
        assert.ok(error instanceof Utf8DecodeError);
        return error.message;
      }
      return 'decoded';
    };
    assert.equal(message([0xff, 0xfe, 0x0a]), 'invalid utf-8 sequence of 1 bytes from index 0');
    assert.equal(message([0x61, 0x62, 0xe2, 0x82]), 'incomplete utf-8 byte sequence from index 2');
    assert.equal(message([0xe2, 0x82, 0x41]), 'invalid utf-8 sequence of 2 bytes from index 0');
    assert.equal(message([0x61, 0xed, 0xa0, 0x80]), 'invalid utf-8 sequence of 1 bytes from index 1');
    assert.equal(message([0xf0, 0x9f, 0x98, 0x41]), 'invalid utf-8 sequence of 3 bytes from index 0');
  });
});

describe('rustIoErrorText', () => {
  it("renders Node errors as std::io::Error with musl's texts", () => {
    const error = (code: string): Error => Object.assign(new Error(code), { code });
    assert.equal(rustIoErrorText(error('ENOENT')), 'No such file or directory (os error 2)');
    assert.equal(rustIoErrorText(error('ENOTDIR')), 'Not a directory (os error 20)');
    assert.equal(rustIoErrorText(error('ELOOP')), 'Symbolic link loop (os error 40)');
    assert.equal(rustIoErrorText(error('ENAMETOOLONG')), 'Filename too long (os error 36)');
  });
});

describe('unifiedDiff', () => {
  it("prints hunk headers as similar does", () => {
    assert.equal(unifiedDiff('foo\nbar\nbaz\n', 'foo\nbar\nbaz\nquux\n', 1), '@@ -3 +3,2 @@\n baz\n+quux\n');
    assert.equal(unifiedDiff('', 'a\nb\n', 3), '@@ -0,0 +1,2 @@\n+a\n+b\n');
    assert.equal(unifiedDiff('gone\n', '', 3), '@@ -1 +0,0 @@\n-gone\n');
    assert.equal(unifiedDiff('a\nb\n', 'a\nX\nb\n', 0), '@@ -1,0 +2 @@\n+X\n');
  });

  it('marks a missing final newline and keeps CR in lines', () => {
    assert.equal(
      unifiedDiff('no newline', 'with newline\n', 1),
      '@@ -1 +1 @@\n-no newline\n\\ No newline at end of file\n+with newline\n',
    );
    assert.equal(unifiedDiff('one\r\ntwo\r\n', 'one\r\nTWO\r\n', 1), '@@ -1,2 +1,2 @@\n one\r\n-two\r\n+TWO\r\n');
  });

  it('prints file headers only when there is a hunk', () => {
    const header = { oldLabel: 'a/x', newLabel: 'b/x' };
    assert.equal(unifiedDiff('a\n', 'b\n', 3, header), '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n');
    assert.equal(unifiedDiff('', '', 3, header), '');
  });

  it('computes git blob ids', () => {
    assert.equal(gitBlobOid(''), 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    assert.equal(gitBlobOid('gone\n'), '286c5f5776916d7d7d5849988ca9d83e722cf9c2');
  });
});
