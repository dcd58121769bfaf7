import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nestsDeeperThan } from '../../../src/protocol/nesting-depth.js';

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    assert.equal(nestsDeeperThan('{"a":[1,{"b":2}]}', 3), false);
    assert.equal(nestsDeeperThan('{"a":[1,{"b":2}]}', 2), true);
    assert.equal(nestsDeeperThan('{"a":"[[[[{{{{"}', 1), false);
    assert.equal(nestsDeeperThan('{"a":"\\"[[[["}', 1), false, 'an escaped quote does not end the string');
    assert.equal(nestsDeeperThan('{"a":"\\\\"}[[', 1), true, 'an escaped backslash does');
    assert.equal(nestsDeeperThan('[[]][[]]', 2), false, 'depth, not count');
  });

  it('decides on a 100,000-deep text and tolerates malformed ones', () => {
    assert.equal(nestsDeeperThan('['.repeat(100_000), 127), true);
    assert.equal(nestsDeeperThan(`${'['.repeat(127)}${']'.repeat(127)}`, 127), false);
    assert.equal(nestsDeeperThan('{"a":"unterminated [[[[', 1), false);
    assert.equal(nestsDeeperThan(']]]]', 1), false);
  });
});
