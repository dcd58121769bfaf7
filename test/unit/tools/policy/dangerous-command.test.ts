import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDangerousCommand } from '../../../../src/tools/policy/dangerous-command.js';
import { literalCommands } from '../../../../src/tools/policy/literal-commands.js';

/** Cases of the reference's is_dangerous_command tests (codex-rs/shell-command/src/command_safety). */
describe('isDangerousCommand', () => {
  const dangerous: string[][] = [
    ['rm', '-rf', '/'],
    ['rm', '-f', '/'],
    ['/bin/rm', '-fr', '/tmp/example'],
    ['rm', '-r', '-f', '/tmp/example'],
    ['rm', '--force', '/tmp/example'],
    ['rm', '/tmp/example', '-f'],
    ['sudo', 'rm', '-rf', '/tmp/example'],
    ['bash', '-lc', 'ls && rm -rf build'],
  ];
  for (const argv of dangerous) {
    it(`flags ${JSON.stringify(argv)}`, () => assert.equal(isDangerousCommand(argv), true));
  }

  const scripts = [
    'printf x | rm -rf /tmp/example',
    'if test -d /tmp/example; then rm --force /tmp/example; fi',
    'rm -rf "$TARGET" >/dev/null',
    'for target in /tmp/a /tmp/b; do rm -r -f "$target"; done',
    'echo "$(rm -rf /tmp/example)"',
    'echo `rm -rf /tmp/example`',
    "for a in '-C5a25KeRr' '--' '--json' '--bogus'; do HOME=$(mktemp -d) MDE_URL=http://127.0.0.1:1 MDE_TOKEN=x node cli/mde.cjs ls \"$a\" >/tmp/mde-review-out 2>/tmp/mde-review-err; code=$?; printf '%s\\t%s\\t%s\\n' \"$a\" \"$code\" \"$(tr '\\n' ' ' </tmp/mde-review-err)\"; rm -rf \"$HOME\"; done",
    '(cd build && rm -rf out)',
    'f() { rm -rf x; }; f',
    'cat <(rm -rf x)',
  ];
  for (const script of scripts) {
    it(`flags a forced rm inside ${JSON.stringify(script)}`, () => assert.equal(isDangerousCommand(['bash', '-lc', script]), true));
  }

  const harmless: string[][] = [
    ['rm', '-r', '/tmp/example'],
    ['rm', '--', '-f'],
    ['git', 'reset', '--hard'],
    ['git', 'status'],
    ['bash', '-lc', "echo 'rm -rf /tmp/example'"],
    ['bash', '-lc', 'cmd=rm; $cmd -rf /tmp/example'],
    ['bash', '-lc', 'git reset --hard'],
    ['bash', '-lc', 'python3 <<EOF\nimport os\nrm -rf /\nEOF\necho done'],
  ];
  for (const argv of harmless) {
    it(`does not flag ${JSON.stringify(argv)}`, () => assert.equal(isDangerousCommand(argv), false));
  }
});

describe('literalCommands', () => {
  it('finds commands in control flow, substitutions and pipelines, with expansions as null', () => {
    assert.deepEqual(literalCommands('if test -d x; then rm "$d" | wc; fi'), [
      ['test', '-d', 'x'],
      ['rm', null],
      ['wc'],
    ]);
  });

  it('drops redirections with their targets and leading assignments', () => {
    assert.deepEqual(literalCommands('FOO=1 ls -l >out.txt 2>&1 < in'), [['ls', '-l']]);
  });

  it('skips heredoc bodies', () => {
    assert.deepEqual(literalCommands("cat <<'EOF'\nrm -rf /\nEOF\nls"), [['cat'], ['ls']]);
  });
});
