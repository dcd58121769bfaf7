import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeadTailBuffer } from '../../../../src/tools/exec/head-tail-buffer.js';

describe('HeadTailBuffer', () => {
  it('keeps everything while under its cap', () => {
    const buffer = new HeadTailBuffer(10);
    buffer.push(Buffer.from('abc'));
    buffer.push(Buffer.from('def'));
    assert.equal(buffer.snapshot().toString(), 'abcdef');
    assert.equal(buffer.omittedBytes, 0);
  });

  it('drops the middle once full, keeping the first and last halves', () => {
    const buffer = new HeadTailBuffer(10);
    for (const chunk of ['01234', '56789', 'abcde', 'fghij']) buffer.push(Buffer.from(chunk));
    assert.equal(buffer.snapshot().toString(), '01234fghij');
    assert.equal(buffer.retainedBytes, 10);
    assert.equal(buffer.omittedBytes, 10);
  });

  it('keeps only the end of a chunk larger than the tail', () => {
    const buffer = new HeadTailBuffer(10);
    buffer.push(Buffer.from('0123456789abcdefghij'));
    assert.equal(buffer.snapshot().toString(), '01234fghij');
    assert.equal(buffer.omittedBytes, 10);
  });

  it('starts over empty after a drain', () => {
    const buffer = new HeadTailBuffer(4);
    buffer.push(Buffer.from('abcdef'));
    assert.equal(buffer.drain().toString(), 'abef');
    assert.equal(buffer.retainedBytes, 0);
    assert.equal(buffer.omittedBytes, 0);
    buffer.push(Buffer.from('xy'));
    assert.equal(buffer.drain().toString(), 'xy');
  });
});
