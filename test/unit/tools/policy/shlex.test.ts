import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shlexJoin, shlexQuote, shlexSplit } from '../../../../src/tools/policy/shlex.js';

describe('shlexQuote', () => {
  it('leaves words of safe characters alone', () => {
    assert.equal(shlexQuote('foobar'), 'foobar');
    assert.equal(shlexQuote('src/main.rs'), 'src/main.rs');
    assert.equal(shlexQuote('-n'), '-n');
    assert.equal(shlexQuote('a+b:c@d]'), 'a+b:c@d]');
  });

  it('single-quotes words with shell characters, like the Rust crate', () => {
    assert.equal(shlexQuote(''), "''");
    assert.equal(shlexQuote('foo bar'), "'foo bar'");
    assert.equal(shlexQuote('--colors=never'), "'--colors=never'");
    assert.equal(shlexQuote('1,5p'), "'1,5p'");
    assert.equal(shlexQuote('BUG|FIXME'), "'BUG|FIXME'");
    assert.equal(shlexQuote('COD`EX'), "'COD`EX'");
    assert.equal(shlexQuote('*.rs'), "'*.rs'");
    assert.equal(shlexQuote('héllo'), "'héllo'");
  });

  it('switches to double quotes for single quotes and backslashes', () => {
    assert.equal(shlexQuote(`'"`), `"'\\""`);
    assert.equal(shlexQuote("it's"), `"it's"`);
    assert.equal(shlexQuote('a\\b'), '"a\\\\b"');
    assert.equal(shlexQuote(`print('hi')`), `"print('hi')"`);
  });

  it('splits into chunks when no single strategy fits', () => {
    assert.equal(shlexQuote("it's $HOME"), `"it's "'$HOME'`);
  });

  it('joins with single spaces', () => {
    assert.equal(shlexJoin(['/bin/bash', '-lc', 'git status']), "/bin/bash -lc 'git status'");
    assert.equal(shlexJoin([]), '');
  });
});

describe('shlexSplit', () => {
  const cases: [string, string[] | null][] = [
    ['foo$baz', ['foo$baz']],
    ['foo baz', ['foo', 'baz']],
    ['foo"bar"baz', ['foobarbaz']],
    ['foo "bar"baz', ['foo', 'barbaz']],
    ['   foo \nbar', ['foo', 'bar']],
    ['foo\\\nbar', ['foobar']],
    ['"foo\\\nbar"', ['foobar']],
    ["'baz\\$b'", ['baz\\$b']],
    ["'baz\\''", null],
    ['\\', null],
    ['"\\', null],
    ["'\\", null],
    ['"', null],
    ["'", null],
    ['foo #bar\nbaz', ['foo', 'baz']],
    ['foo #bar', ['foo']],
    ['foo#bar', ['foo#bar']],
    ['foo"#bar', null],
    ["'\\n'", ['\\n']],
    ['a | b', ['a', '|', 'b']],
  ];
  for (const [input, expected] of cases) {
    it(`splits ${JSON.stringify(input)} like the Rust crate`, () => {
      assert.deepEqual(shlexSplit(input), expected);
    });
  }
});
