import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKnownSafeCommand } from '../../../../src/tools/policy/known-safe.js';

/** Cases of the reference's is_safe_command tests (codex-rs/shell-command/src/command_safety/is_safe_command.rs). */
const SAFE: string[][] = [
  ['ls'],
  ['base64'],
  ['sed', '-n', '1,5p', 'file.txt'],
  ['nl', '-nrz', 'Cargo.toml'],
  ['find', '.', '-name', 'file.txt'],
  ['rg', 'Cargo.toml', '-n'],
  ['rg', '--context', '1', '--heading', 'foo'],
  ['/usr/bin/cat', 'README.md'],
  ['zsh', '-lc', 'ls'],
  ['bash', '-lc', 'ls'],
  ['bash', '-lc', 'ls -1'],
  ['bash', '-lc', 'grep -R "Cargo.toml" -n'],
  ['bash', '-lc', 'sed -n 1,5p file.txt'],
  ['bash', '-lc', "sed -n '1,5p' file.txt"],
  ['bash', '-lc', 'find . -name file.txt'],
  ['bash', '-lc', 'grep -R "Cargo.toml" -n || true'],
  ['bash', '-lc', 'ls && pwd'],
  ['bash', '-lc', "echo 'hi' ; ls"],
  ['bash', '-lc', 'ls | wc -l'],
  ['/bin/bash', '-lc', 'cat a.txt | head -n 5'],
  ...(process.platform === 'linux' ? [['numfmt', '1000'], ['tac', 'Cargo.toml']] : []),
];

const NOT_SAFE: [string[], string][] = [
  [['foo'], 'an unknown program'],
  [['git', 'fetch'], 'git fetch'],
  [['git', 'status'], 'git status (every git command needs approval in current revisions)'],
  [['git', 'diff', '-p'], 'git diff'],
  [['git', 'log', '-p', '-1'], 'git log'],
  [['git', 'show', '-p', 'HEAD'], 'git show'],
  [['git', 'branch', '--show-current'], 'git branch'],
  [['bash', '-lc', 'git status'], 'git status in bash'],
  [['cargo', 'check'], 'cargo check'],
  [['sed', '-n', 'xp', 'file.txt'], 'sed -n with a script that is not a line range'],
  [['sed', '-n', '1p', 'a', 'b'], 'sed -n with more than one file'],
  [['find', '.', '-name', 'file.txt', '-exec', 'rm', '{}', ';'], 'find -exec'],
  [['find', '.', '-name', '*.py', '-execdir', 'python3', '{}', ';'], 'find -execdir'],
  [['find', '.', '-name', 'file.txt', '-ok', 'rm', '{}', ';'], 'find -ok'],
  [['find', '.', '-name', '*.py', '-okdir', 'python3', '{}', ';'], 'find -okdir'],
  [['find', '.', '-delete', '-name', 'file.txt'], 'find -delete'],
  [['find', '.', '-fls', '/etc/passwd'], 'find -fls'],
  [['find', '.', '-fprint', '/etc/passwd'], 'find -fprint'],
  [['find', '.', '-fprint0', '/etc/passwd'], 'find -fprint0'],
  [['find', '.', '-fprintf', '/root/suid.txt', '%#m %u %p\n'], 'find -fprintf'],
  [['base64', '-o', 'out.bin'], 'base64 -o'],
  [['base64', '--output', 'out.bin'], 'base64 --output'],
  [['base64', '--output=out.bin'], 'base64 --output='],
  [['base64', '-ob64.txt'], 'base64 -oFILE'],
  [['rg', '--search-zip', 'files'], 'rg --search-zip'],
  [['rg', '-z', 'files'], 'rg -z'],
  [['rg', '--pre', 'pwned', 'files'], 'rg --pre'],
  [['rg', '--pre=pwned', 'files'], 'rg --pre='],
  [['rg', '--hostname-bin', 'pwned', 'files'], 'rg --hostname-bin'],
  [['rg', '--hostname-bin=pwned', 'files'], 'rg --hostname-bin='],
  [['bash', '-lc', 'git', 'status'], 'the four-argument form'],
  [['bash', '-lc', "'git status'"], 'a program named "git status"'],
  [['bash', '-lc', 'find . -name file.txt -delete'], 'an unsafe find inside bash'],
  [['bash', '-lc', 'ls && rm -rf /'], 'an unsafe command in a sequence'],
  [['bash', '-lc', '(ls)'], 'a subshell'],
  [['bash', '-lc', 'ls || (pwd && echo hi)'], 'a nested subshell'],
  [['bash', '-lc', 'ls > out.txt'], 'a redirection'],
  [['bash', '-lc', ''], 'an empty script'],
  [[], 'an empty argv'],
];

describe('isKnownSafeCommand', () => {
  for (const argv of SAFE) {
    it(`accepts ${JSON.stringify(argv)}`, () => {
      assert.equal(isKnownSafeCommand(argv), true);
    });
  }
  for (const [argv, what] of NOT_SAFE) {
    it(`refuses ${what}`, () => {
      assert.equal(isKnownSafeCommand(argv), false, JSON.stringify(argv));
    });
  }
});
