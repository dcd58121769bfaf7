import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seekSequence } from '../../../../src/tools/apply-patch/seek-sequence.js';

describe('seekSequence', () => {
  it('finds an exact match', () => {
    assert.equal(seekSequence(['foo', 'bar', 'baz'], ['bar', 'baz'], 0, false), 1);
  });

  it('ignores trailing whitespace, then surrounding whitespace', () => {
    assert.equal(seekSequence(['foo   ', 'bar\t\t'], ['foo', 'bar'], 0, false), 0);
    assert.equal(seekSequence(['    foo   ', '   bar\t'], ['foo', 'bar'], 0, false), 0);
  });

  it('matches typographic dashes, quotes and spaces against their ASCII forms', () => {
    const line = 'import asyncio  # local import \u2013 avoids top\u2011level dep \u201cx\u201d \u2018y\u2019\u00a0z';
    assert.equal(seekSequence([line], ['import asyncio  # local import - avoids top-level dep "x" \'y\' z'], 0, false), 0);
  });

  it('prefers a stricter match later in the file over a looser one earlier', () => {
    assert.equal(seekSequence(['  x', 'x'], ['x'], 0, false), 1);
  });

  it('searches from start, and returns null when nothing matches or the pattern is longer than the file', () => {
    assert.equal(seekSequence(['a', 'b', 'a'], ['a'], 1, false), 2);
    assert.equal(seekSequence(['a'], ['b'], 0, false), null);
    assert.equal(seekSequence(['just one line'], ['too', 'many', 'lines'], 0, false), null);
  });

  it('matches an empty pattern at start', () => {
    assert.equal(seekSequence(['a', 'b'], [], 1, false), 1);
  });

  it('anchors an end-of-file pattern at the end only, never before start', () => {
    assert.equal(seekSequence(['x', 'y', 'x', 'y'], ['x', 'y'], 0, true), 2);
    assert.equal(seekSequence(['x', 'y', 'z'], ['x'], 0, true), null);
    assert.equal(seekSequence(['a', 'b', 'c'], ['b', 'c'], 2, true), null);
  });
});
