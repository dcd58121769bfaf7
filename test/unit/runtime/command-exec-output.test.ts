import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeOutput } from '../../../src/runtime/command-exec/decode-output.js';
import { OutputByteCap } from '../../../src/runtime/command-exec/output-cap.js';

function feed(cap: OutputByteCap, chunks: string[]): [string, boolean][] {
  return chunks.map((chunk) => {
    const { kept, capReached } = cap.accept(Buffer.from(chunk));
    return [kept.toString(), capReached];
  });
}

/** Behaviours probed against the reference 0.169.0's `command/exec`. */
describe('command/exec output', () => {
  it('caps each stream, reporting the chunk that reaches the cap once, even without loss', () => {
    assert.deepEqual(feed(new OutputByteCap(10), ['01234', '56789', 'x']), [
      ['01234', false],
      ['56789', true],
      ['', false],
    ]);
    assert.deepEqual(feed(new OutputByteCap(10), ['0123456789abc', 'more']), [
      ['0123456789', true],
      ['', false],
    ]);
    assert.deepEqual(feed(new OutputByteCap(0), ['abc', 'def']), [
      ['', true],
      ['', false],
    ]);
    assert.deepEqual(feed(new OutputByteCap(null), ['abc']), [['abc', false]]);
  });

  it('decodes UTF-8, UTF-16 with a byte-order mark, and anything else as windows-1252', () => {
    assert.equal(decodeOutput(Buffer.from('héllo ✓')), 'héllo ✓');
    assert.equal(decodeOutput(Buffer.from([0xff, 0xfe, 0x6f, 0x6b])), '歯');
    assert.equal(decodeOutput(Buffer.from('caf\xe9\n', 'latin1')), 'café\n');
    assert.equal(decodeOutput(Buffer.from([0x80, 0x93, 0x94])), '€“”');
    assert.equal(decodeOutput(Buffer.alloc(0)), '');
  });
});
