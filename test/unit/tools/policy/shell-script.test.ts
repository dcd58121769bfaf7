import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  extractShellScript,
  parsePlainCommands,
  parseShellWrapperPlainCommands,
} from '../../../../src/tools/policy/shell-script.js';

/** Cases of the reference's bash.rs tests (codex-rs/shell-command/src/bash.rs). */
describe('parsePlainCommands', () => {
  it('accepts a single simple command', () => {
    assert.deepEqual(parsePlainCommands('ls -1'), [['ls', '-1']]);
  });

  it('accepts commands joined by &&, ;, | and ||', () => {
    assert.deepEqual(parsePlainCommands("ls && pwd; echo 'hi there' | wc -l"), [
      ['ls'],
      ['pwd'],
      ['echo', 'hi there'],
      ['wc', '-l'],
    ]);
    assert.deepEqual(parsePlainCommands('a || b'), [['a'], ['b']]);
  });

  it('extracts double- and single-quoted strings', () => {
    assert.deepEqual(parsePlainCommands('echo "hello world"'), [['echo', 'hello world']]);
    assert.deepEqual(parsePlainCommands("echo 'hi there'"), [['echo', 'hi there']]);
  });

  it('accepts double-quoted strings with newlines', () => {
    assert.deepEqual(parsePlainCommands('git commit -m "line1\nline2"'), [['git', 'commit', '-m', 'line1\nline2']]);
  });

  it('concatenates mixed quotes into one word', () => {
    assert.deepEqual(parsePlainCommands(`echo "/usr"'/'"local"/bin`), [['echo', '/usr/local/bin']]);
    assert.deepEqual(parsePlainCommands(`echo '/usr'"/"'local'/bin`), [['echo', '/usr/local/bin']]);
    assert.deepEqual(parsePlainCommands('rg -n "foo" -g"*.py"'), [['rg', '-n', 'foo', '-g*.py']]);
    assert.deepEqual(parsePlainCommands("grep -n 'pattern' -g'*.txt'"), [['grep', '-n', 'pattern', '-g*.txt']]);
  });

  it('accepts numbers as words', () => {
    assert.deepEqual(parsePlainCommands('echo 123 456'), [['echo', '123', '456']]);
  });

  it('accepts newlines between commands and after operators', () => {
    assert.deepEqual(parsePlainCommands('ls\npwd\n'), [['ls'], ['pwd']]);
    assert.deepEqual(parsePlainCommands('ls &&\npwd'), [['ls'], ['pwd']]);
    assert.deepEqual(parsePlainCommands('ls;'), [['ls']]);
    assert.deepEqual(parsePlainCommands(''), []);
  });

  const rejected: [string, string][] = [
    ['expansion inside double quotes', 'echo "hi ${USER}"'],
    ['a variable inside double quotes', 'echo "$HOME"'],
    ['a subshell', '(ls)'],
    ['a nested subshell', 'ls || (pwd && echo hi)'],
    ['a redirection', 'ls > out.txt'],
    ['a background operator', 'echo hi & echo bye'],
    ['a command substitution', 'echo $(pwd)'],
    ['backticks', 'echo `pwd`'],
    ['a variable', 'echo $HOME'],
    ['a variable in a string', 'echo "hi $USER"'],
    ['an assignment prefix', 'FOO=bar ls'],
    ['a trailing operator', 'ls &&'],
    ['a leading operator', '&& ls'],
    ['a double separator', 'ls ;; pwd'],
    ['an empty pipeline stage', 'ls | | wc'],
    ['a quoted command name', "'git status'"],
    ['control flow', 'if true; then ls; fi'],
    ['a negation', '! ls'],
    ['a comment', 'ls # list'],
    ['a glob', 'ls *.txt'],
    ['a tilde', 'ls ~/x'],
    ['an escape', 'cat a\\ b'],
    ['a brace group', '{ ls; }'],
    ['an unterminated quote', "echo 'hi"],
    ['a pipe of stderr', 'ls |& wc'],
  ];
  for (const [what, script] of rejected) {
    it(`rejects ${what}`, () => {
      assert.equal(parsePlainCommands(script), null, script);
    });
  }
});

describe('extractShellScript', () => {
  it('recognizes bash, zsh and sh wrappers by name or path, with -c or -lc', () => {
    assert.equal(extractShellScript(['bash', '-lc', 'ls']), 'ls');
    assert.equal(extractShellScript(['/bin/zsh', '-c', 'ls']), 'ls');
    assert.equal(extractShellScript(['/usr/bin/sh', '-lc', 'ls']), 'ls');
  });

  it('rejects other shapes', () => {
    assert.equal(extractShellScript(['bash', '-lc', 'git', 'status']), null);
    assert.equal(extractShellScript(['fish', '-c', 'ls']), null);
    assert.equal(extractShellScript(['bash', '-x', 'ls']), null);
    assert.equal(extractShellScript(['ls']), null);
  });

  it('parses the plain commands of a zsh -lc wrapper', () => {
    assert.deepEqual(parseShellWrapperPlainCommands(['zsh', '-lc', 'ls']), [['ls']]);
  });
});
