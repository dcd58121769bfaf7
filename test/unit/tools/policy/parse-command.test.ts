import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandAction } from '../../../../src/protocol/v2/items-tools.js';
import { parseCommandActions } from '../../../../src/tools/policy/parse-command.js';
import { shlexJoin, shlexSplit } from '../../../../src/tools/policy/shlex.js';

/** The argv of a command line, as the reference's tests build it with `shlex_split`. */
function split(line: string): string[] {
  const words = shlexSplit(line);
  if (words === null) throw new Error(`cannot split ${line}`);
  return words;
}

const bash = (script: string) => ['bash', '-lc', script];
const read = (command: string, name: string, path: string): CommandAction => ({ type: 'read', command, name, path });
const list = (command: string, path: string | null = null): CommandAction => ({ type: 'listFiles', command, path });
const search = (command: string, query: string | null, path: string | null = null): CommandAction => ({
  type: 'search',
  command,
  query,
  path,
});
const unknown = (command: string): CommandAction => ({ type: 'unknown', command });

interface Scenario {
  readonly name: string;
  readonly command: readonly string[] | string;
  readonly cwd?: string;
  readonly expected: CommandAction[];
}

/** Scenarios of the reference's parse_command tests (codex-rs/shell-command/src/parse_command.rs). */
const REFERENCE_SCENARIOS: Scenario[] = [
  { name: 'git status is unknown', command: ['git', 'status'], expected: [unknown('git status')] },
  { name: 'git grep is a search', command: split('git grep TODO src'), expected: [search('git grep TODO src', 'TODO', 'src')] },
  { name: 'git grep -l is a search', command: split('git grep -l TODO src'), expected: [search('git grep -l TODO src', 'TODO', 'src')] },
  { name: 'git ls-files lists files', command: split('git ls-files'), expected: [list('git ls-files')] },
  { name: 'git ls-files with a path', command: split('git ls-files src'), expected: [list('git ls-files src', 'src')] },
  {
    name: 'git ls-files skips option values',
    command: split('git ls-files --exclude target src'),
    expected: [list('git ls-files --exclude target src', 'src')],
  },
  { name: 'git status piped to wc stays unknown', command: bash('git status | wc -l'), expected: [unknown('git status | wc -l')] },
  { name: 'a redirect makes the script unknown', command: bash('echo foo > bar'), expected: [unknown('echo foo > bar')] },
  {
    name: 'a long chain with an unknown part is one unknown',
    command: bash('rg --version && node -v && pnpm -v && rg --files | wc -l && rg --files | head -n 40'),
    expected: [unknown('rg --version && node -v && pnpm -v && rg --files | wc -l && rg --files | head -n 40')],
  },
  {
    name: 'a quoted rg pattern',
    command: bash('rg -n "navigate-to-route" -S'),
    expected: [search('rg -n navigate-to-route -S', 'navigate-to-route')],
  },
  {
    name: 'rg piped to head keeps the search',
    command: bash('rg -n "BUG|FIXME|TODO|XXX|HACK" -S | head -n 200'),
    expected: [search("rg -n 'BUG|FIXME|TODO|XXX|HACK' -S", 'BUG|FIXME|TODO|XXX|HACK')],
  },
  {
    name: 'rg --files with a path piped to sed',
    command: bash('rg --files webview/src | sed -n'),
    expected: [list('rg --files webview/src', 'webview')],
  },
  { name: 'rg --files piped to head', command: bash('rg --files | head -n 50'), expected: [list('rg --files')] },
  {
    name: 'an xargs stage that edits in place keeps the script unknown',
    command: bash("rg -l QkBindingController presentation/src/main/java | xargs perl -pi -e 's/QkBindingController/QkController/g'"),
    expected: [unknown("rg -l QkBindingController presentation/src/main/java | xargs perl -pi -e 's/QkBindingController/QkController/g'")],
  },
  {
    name: 'a bare argv pipeline with an unknown stage is one unknown',
    command: split("rg -l QkBindingController presentation/src/main/java | xargs perl -pi -e 's/QkBindingController/QkController/g'"),
    expected: [
      unknown(shlexJoin(split("rg -l QkBindingController presentation/src/main/java | xargs perl -pi -e 's/QkBindingController/QkController/g'"))),
    ],
  },
  {
    name: 'a later unknown stage collapses the argv pipeline',
    command: split('rg --files | nl -ba | foo'),
    expected: [unknown(shlexJoin(split('rg --files | nl -ba | foo')))],
  },
  { name: 'rg -l is a search', command: split('rg -l TODO src'), expected: [search('rg -l TODO src', 'TODO', 'src')] },
  {
    name: 'rg --files-with-matches is a search',
    command: split('rg --files-with-matches TODO src'),
    expected: [search('rg --files-with-matches TODO src', 'TODO', 'src')],
  },
  { name: 'rg -L is a search', command: split('rg -L TODO src'), expected: [search('rg -L TODO src', 'TODO', 'src')] },
  {
    name: 'rg --files-without-match is a search',
    command: split('rg --files-without-match TODO src'),
    expected: [search('rg --files-without-match TODO src', 'TODO', 'src')],
  },
  { name: 'rga -l is a search', command: split('rga -l TODO src'), expected: [search('rga -l TODO src', 'TODO', 'src')] },
  { name: 'cat reads', command: bash('cat webview/README.md'), expected: [read('cat webview/README.md', 'README.md', 'webview/README.md')] },
  { name: 'zsh -lc cat reads', command: ['zsh', '-lc', 'cat README.md'], expected: [read('cat README.md', 'README.md', 'README.md')] },
  {
    name: 'bat skips option values',
    command: bash('bat --theme TwoDark README.md'),
    expected: [read('bat --theme TwoDark README.md', 'README.md', 'README.md')],
  },
  { name: 'batcat reads', command: bash('batcat README.md'), expected: [read('batcat README.md', 'README.md', 'README.md')] },
  { name: 'less -p reads', command: bash('less -p TODO README.md'), expected: [read('less -p TODO README.md', 'README.md', 'README.md')] },
  { name: 'more reads', command: bash('more README.md'), expected: [read('more README.md', 'README.md', 'README.md')] },
  { name: 'cd then cat reads from the directory', command: split('cd foo && cat foo.txt'), expected: [read('cat foo.txt', 'foo.txt', 'foo/foo.txt')] },
  {
    name: 'cd -- takes the operand after it',
    command: split('cd -- -weird && cat foo.txt'),
    expected: [read('cat foo.txt', 'foo.txt', '-weird/foo.txt')],
  },
  {
    name: 'cd with several operands uses the last',
    command: split('cd dir1 dir2 && cat foo.txt'),
    expected: [read('cat foo.txt', 'foo.txt', 'dir2/foo.txt')],
  },
  { name: 'bash cd then an unknown command', command: split("bash -lc 'cd foo && bar'"), expected: [unknown('cd foo && bar')] },
  {
    name: 'bash cd then cat reads',
    command: split("bash -lc 'cd foo && cat foo.txt'"),
    expected: [read('cat foo.txt', 'foo.txt', 'foo/foo.txt')],
  },
  { name: 'ls piped to sed', command: bash("ls -la | sed -n '1,120p'"), expected: [list('ls -la')] },
  { name: 'eza lists', command: split('eza --color=always src'), expected: [list("eza '--color=always' src", 'src')] },
  { name: 'exa skips -I values', command: split('exa -I target .'), expected: [list('exa -I target .', '.')] },
  { name: 'tree skips -L values', command: split('tree -L 2 src'), expected: [list('tree -L 2 src', 'src')] },
  { name: 'du skips -d values', command: split('du -d 2 .'), expected: [list('du -d 2 .', '.')] },
  { name: 'head -n reads', command: bash('head -n 50 Cargo.toml'), expected: [read('head -n 50 Cargo.toml', 'Cargo.toml', 'Cargo.toml')] },
  { name: 'head of a file reads', command: bash('head Cargo.toml'), expected: [read('head Cargo.toml', 'Cargo.toml', 'Cargo.toml')] },
  {
    name: 'cat piped to sed -n keeps the script',
    command: bash("cat tui/Cargo.toml | sed -n '1,200p'"),
    expected: [read("cat tui/Cargo.toml | sed -n '1,200p'", 'Cargo.toml', 'tui/Cargo.toml')],
  },
  { name: 'tail -n +N reads', command: bash('tail -n +522 README.md'), expected: [read('tail -n +522 README.md', 'README.md', 'README.md')] },
  { name: 'tail -n N reads', command: bash('tail -n 30 README.md'), expected: [read('tail -n 30 README.md', 'README.md', 'README.md')] },
  { name: 'tail of a file reads', command: bash('tail README.md'), expected: [read('tail README.md', 'README.md', 'README.md')] },
  { name: 'npm run build is unknown', command: ['npm', 'run', 'build'], expected: [unknown('npm run build')] },
  {
    name: 'grep -R in the current directory',
    command: ['grep', '-R', 'CODEX_SANDBOX_ENV_VAR', '-n', '.'],
    expected: [search('grep -R CODEX_SANDBOX_ENV_VAR -n .', 'CODEX_SANDBOX_ENV_VAR', '.')],
  },
  {
    name: 'grep -R in a file shortens the path',
    command: ['grep', '-R', 'CODEX_SANDBOX_ENV_VAR', '-n', 'core/src/spawn.rs'],
    expected: [search('grep -R CODEX_SANDBOX_ENV_VAR -n core/src/spawn.rs', 'CODEX_SANDBOX_ENV_VAR', 'spawn.rs')],
  },
  { name: 'egrep searches', command: split('egrep -R TODO src'), expected: [search('egrep -R TODO src', 'TODO', 'src')] },
  { name: 'fgrep -l searches', command: split('fgrep -l TODO src'), expected: [search('fgrep -l TODO src', 'TODO', 'src')] },
  { name: 'grep -l searches', command: split('grep -l TODO src'), expected: [search('grep -l TODO src', 'TODO', 'src')] },
  { name: 'grep -L searches', command: split('grep -L TODO src'), expected: [search('grep -L TODO src', 'TODO', 'src')] },
  {
    name: 'a grep query with slashes is kept whole',
    command: split('grep -R src/main.rs -n .'),
    expected: [search('grep -R src/main.rs -n .', 'src/main.rs', '.')],
  },
  {
    name: 'a backtick in a grep query is quoted back',
    command: split('grep -R COD`EX_SANDBOX -n'),
    expected: [search("grep -R 'COD`EX_SANDBOX' -n", 'COD`EX_SANDBOX')],
  },
  { name: 'cd then rg --files', command: split('cd codex-rs && rg --files'), expected: [list('rg --files')] },
  {
    name: 'cd, rg and head in one script',
    command: bash('cd /Users/pakrym/code/codex && rg -n "codex_api" codex-rs -S | head -n 50'),
    expected: [search('rg -n codex_api codex-rs -S', 'codex_api', 'codex-rs')],
  },
  {
    name: 'python listing a directory lists files',
    command: bash(`python -c "import os; print(os.listdir('.'))"`),
    expected: [list(shlexJoin(split(`python -c "import os; print(os.listdir('.'))"`)))],
  },
  {
    name: 'python3 globbing lists files',
    command: bash(`python3 -c "import glob; print(glob.glob('*.rs'))"`),
    expected: [list(shlexJoin(split(`python3 -c "import glob; print(glob.glob('*.rs'))"`)))],
  },
  {
    name: 'python doing something else is unknown',
    command: bash(`python -c "print('hello')"`),
    expected: [unknown(`python -c "print('hello')"`)],
  },
  {
    name: 'nl piped to sed -n reads the file',
    command: bash("nl -ba core/src/parse_command.rs | sed -n '1200,1720p'"),
    expected: [read("nl -ba core/src/parse_command.rs | sed -n '1200,1720p'", 'parse_command.rs', 'core/src/parse_command.rs')],
  },
  {
    name: 'sed -n with a file reads',
    command: bash("sed -n '2000,2200p' tui/src/history_cell.rs"),
    expected: [read("sed -n '2000,2200p' tui/src/history_cell.rs", 'history_cell.rs', 'tui/src/history_cell.rs')],
  },
  { name: 'awk with a file reads', command: bash("awk '{print $1}' Cargo.toml"), expected: [read("awk '{print $1}' Cargo.toml", 'Cargo.toml', 'Cargo.toml')] },
  {
    name: 'printf before cat is dropped',
    command: bash('printf "\\n===== ansi-escape/Cargo.toml =====\\n"; cat -- ansi-escape/Cargo.toml'),
    expected: [read('cat -- ansi-escape/Cargo.toml', 'Cargo.toml', 'ansi-escape/Cargo.toml')],
  },
  { name: 'yes piped into rg is dropped', command: bash('yes | rg --files'), expected: [list('rg --files')] },
  {
    name: 'sed -n piped to nl reads the file',
    command: split("sed -n '260,640p' exec/src/event_processor_with_human_output.rs | nl -ba"),
    expected: [
      read(
        "sed -n '260,640p' exec/src/event_processor_with_human_output.rs",
        'event_processor_with_human_output.rs',
        'exec/src/event_processor_with_human_output.rs',
      ),
    ],
  },
  { name: 'an rg pattern with spaces', command: split("yes | rg -n 'foo bar' -S"), expected: [search("rg -n 'foo bar' -S", 'foo bar')] },
  { name: 'ls -I with a glob value', command: split("ls -I '*.test.js'"), expected: [list("ls -I '*.test.js'")] },
  { name: 'a leading true is dropped', command: split('true && rg --files'), expected: [list('rg --files')] },
  { name: 'a trailing true is dropped', command: split('rg --files && true'), expected: [list('rg --files')] },
  { name: 'true is dropped inside bash', command: bash('true && rg --files'), expected: [list('rg --files')] },
  { name: '|| true is dropped inside bash', command: bash('rg --files || true'), expected: [list('rg --files')] },
  {
    name: 'head -nN without a space',
    command: split("bash -lc 'head -n50 Cargo.toml'"),
    expected: [read('head -n50 Cargo.toml', 'Cargo.toml', 'Cargo.toml')],
  },
  { name: 'bash -c pipelines parse like -lc', command: ['bash', '-c', 'rg --files | head -n 1'], expected: [list('rg --files')] },
  {
    name: 'tail -n+N without a space',
    command: split("bash -lc 'tail -n+10 README.md'"),
    expected: [read('tail -n+10 README.md', 'README.md', 'README.md')],
  },
  { name: 'grep with a query and a path', command: split('grep -R TODO src'), expected: [search('grep -R TODO src', 'TODO', 'src')] },
  { name: 'ag searches', command: split('ag TODO src'), expected: [search('ag TODO src', 'TODO', 'src')] },
  { name: 'ack searches', command: split('ack TODO src'), expected: [search('ack TODO src', 'TODO', 'src')] },
  { name: 'pt searches', command: split('pt TODO src'), expected: [search('pt TODO src', 'TODO', 'src')] },
  { name: 'rga searches', command: split('rga TODO src'), expected: [search('rga TODO src', 'TODO', 'src')] },
  { name: 'ag -l searches', command: split('ag -l TODO src'), expected: [search('ag -l TODO src', 'TODO', 'src')] },
  {
    name: 'rg with an --opt=value flag',
    command: split('rg --colors=never -n foo src'),
    expected: [search("rg '--colors=never' -n foo src", 'foo', 'src')],
  },
  {
    name: 'cat -- of a strange name',
    command: split('cat -- ./-strange-file-name'),
    expected: [read('cat -- ./-strange-file-name', '-strange-file-name', './-strange-file-name')],
  },
  {
    name: 'sed -n with a quoted range',
    command: split("sed -n '12,20p' Cargo.toml"),
    expected: [read("sed -n '12,20p' Cargo.toml", 'Cargo.toml', 'Cargo.toml')],
  },
  { name: 'a trailing flags-only nl is dropped', command: split('rg --files | nl -ba'), expected: [list('rg --files')] },
  {
    name: 'ls with --time-style shows a short path',
    command: split('ls --time-style=long-iso ./dist'),
    expected: [list("ls '--time-style=long-iso' ./dist", '.')],
  },
  { name: 'fd with a path lists files', command: split('fd -t f src/'), expected: [list('fd -t f src/', 'src')] },
  { name: 'fd with a query and a path searches', command: split('fd main src'), expected: [search('fd main src', 'main', 'src')] },
  { name: 'find -name searches', command: split("find . -name '*.rs'"), expected: [search("find . -name '*.rs'", '*.rs', '.')] },
  { name: 'find -type lists files', command: split('find src -type f'), expected: [list('find src -type f', 'src')] },
  {
    name: '/bin/bash -lc sed reads',
    command: split("/bin/bash -lc 'sed -n '1,10p' Cargo.toml'"),
    expected: [read("sed -n '1,10p' Cargo.toml", 'Cargo.toml', 'Cargo.toml')],
  },
  {
    name: '/bin/zsh -lc sed reads',
    command: split("/bin/zsh -lc 'sed -n '1,10p' Cargo.toml'"),
    expected: [read("sed -n '1,10p' Cargo.toml", 'Cargo.toml', 'Cargo.toml')],
  },
  { name: 'powershell -Command is stripped', command: ['powershell', '-Command', 'Get-ChildItem'], expected: [unknown('Get-ChildItem')] },
  {
    name: 'pwsh -NoProfile -c is stripped',
    command: ['pwsh', '-NoProfile', '-c', 'Write-Host hi'],
    expected: [unknown('Write-Host hi')],
  },
];

/** What the 0.169 app-server reported for commands run through `exec_command` (cwd /ws). */
const OBSERVED_SCENARIOS: Scenario[] = [
  { name: 'a read is resolved against the cwd', command: ['/bin/bash', '-lc', 'cat src/a.txt'], cwd: '/ws', expected: [read('cat src/a.txt', 'a.txt', '/ws/src/a.txt')] },
  {
    name: 'cd and the cwd combine',
    command: ['/bin/bash', '-lc', 'cd src && sed -n 1,5p a.txt'],
    cwd: '/ws',
    expected: [read("sed -n '1,5p' a.txt", 'a.txt', '/ws/src/a.txt')],
  },
  {
    name: 'a pipe into sed -n keeps the script as the command',
    command: ['/bin/bash', '-lc', 'nl -ba src/a.txt | sed -n 1,2p'],
    cwd: '/ws',
    expected: [read('nl -ba src/a.txt | sed -n 1,2p', 'a.txt', '/ws/src/a.txt')],
  },
  { name: 'a parent path is normalized', command: ['/bin/bash', '-lc', 'cat ../x.txt'], cwd: '/ws/a', expected: [read('cat ../x.txt', 'x.txt', '/ws/x.txt')] },
  { name: 'an absolute read stays as is', command: ['/bin/bash', '-lc', 'cat /etc/hostname'], cwd: '/ws', expected: [read('cat /etc/hostname', 'hostname', '/etc/hostname')] },
  {
    name: 'two steps give two actions',
    command: ['/bin/bash', '-lc', 'ls src && cat src/a.txt'],
    cwd: '/ws',
    expected: [list('ls src', 'src'), read('cat src/a.txt', 'a.txt', '/ws/src/a.txt')],
  },
  {
    name: 'head and tail of the same file stay two reads',
    command: ['/bin/bash', '-lc', 'head -n 3 src/a.txt && tail -n 2 src/a.txt'],
    cwd: '/ws',
    expected: [read('head -n 3 src/a.txt', 'a.txt', '/ws/src/a.txt'), read('tail -n 2 src/a.txt', 'a.txt', '/ws/src/a.txt')],
  },
  { name: 'a search keeps its short path', command: ['/bin/bash', '-lc', 'rg -n foo src'], cwd: '/ws', expected: [search('rg -n foo src', 'foo', 'src')] },
  { name: 'find with a quoted glob', command: ['/bin/bash', '-lc', 'find . -name "*.txt"'], cwd: '/ws', expected: [search("find . -name '*.txt'", '*.txt', '.')] },
  { name: 'a lone cd has no actions', command: ['/bin/bash', '-lc', 'cd src'], cwd: '/ws', expected: [] },
  { name: 'echo is unknown', command: ['/bin/bash', '-lc', 'echo hi'], cwd: '/ws', expected: [unknown('echo hi')] },
  {
    name: 'a leading echo is dropped',
    command: ['/bin/bash', '-lc', 'echo a && cat src/a.txt'],
    cwd: '/ws',
    expected: [read('cat src/a.txt', 'a.txt', '/ws/src/a.txt')],
  },
  { name: 'a trailing true is dropped', command: ['/bin/bash', '-lc', 'ls; true'], cwd: '/ws', expected: [list('ls')] },
  { name: 'a formatting stage is dropped', command: ['/bin/bash', '-lc', 'cat src/a.txt | wc -l'], cwd: '/ws', expected: [read('cat src/a.txt', 'a.txt', '/ws/src/a.txt')] },
  { name: 'a quoted grep query', command: ['/bin/bash', '-lc', 'grep -rn "a b" src'], cwd: '/ws', expected: [search("grep -rn 'a b' src", 'a b', 'src')] },
  {
    name: 'an --opt=value argument',
    command: ['/bin/bash', '-lc', 'grep -rn foo src --include=x.txt'],
    cwd: '/ws',
    expected: [search("grep -rn foo src '--include=x.txt'", 'foo', 'src')],
  },
  // tree-sitter turns globs, tildes, braces, escapes and `#` into nodes the reference rejects.
  { name: 'an unquoted glob is unknown', command: ['/bin/bash', '-lc', 'ls *.txt'], cwd: '/ws', expected: [unknown('ls *.txt')] },
  { name: 'a tilde is unknown', command: ['/bin/bash', '-lc', 'ls ~/foo'], cwd: '/ws', expected: [unknown('ls ~/foo')] },
  { name: 'a backslash escape is unknown', command: ['/bin/bash', '-lc', 'cat a\\ b.txt'], cwd: '/ws', expected: [unknown('cat a\\ b.txt')] },
  { name: 'a brace expansion is unknown', command: ['/bin/bash', '-lc', 'ls {a,b}'], cwd: '/ws', expected: [unknown('ls {a,b}')] },
  { name: 'a # inside a word is unknown', command: ['/bin/bash', '-lc', 'ls a#b'], cwd: '/ws', expected: [unknown('ls a#b')] },
  { name: 'a comment is unknown', command: ['/bin/bash', '-lc', 'cat src/a.txt # why'], cwd: '/ws', expected: [unknown('cat src/a.txt # why')] },
  { name: 'a ? glob is unknown', command: ['/bin/bash', '-lc', 'ls src/a?.txt'], cwd: '/ws', expected: [unknown('ls src/a?.txt')] },
  { name: 'git status is unknown', command: ['/bin/bash', '-lc', 'git status'], cwd: '/ws', expected: [unknown('git status')] },
  { name: 'ls -la lists files', command: ['/bin/bash', '-lc', 'ls -la'], cwd: '/ws', expected: [list('ls -la')] },
  { name: 'a non-login shell parses the same', command: ['/bin/bash', '-c', 'ls'], cwd: '/ws', expected: [list('ls')] },
];

describe('parseCommandActions', () => {
  describe('reference scenarios', () => {
    for (const scenario of REFERENCE_SCENARIOS) {
      it(scenario.name, () => {
        assert.deepEqual(parseCommandActions(scenario.command, scenario.cwd), scenario.expected);
      });
    }
  });

  describe('observed with the 0.169 app-server', () => {
    for (const scenario of OBSERVED_SCENARIOS) {
      it(scenario.name, () => {
        assert.deepEqual(parseCommandActions(scenario.command, scenario.cwd), scenario.expected);
      });
    }
  });

  it('treats a string as a shell script', () => {
    assert.deepEqual(parseCommandActions('cd foo && rg bar', '/ws'), [search('rg bar', 'bar')]);
    assert.deepEqual(parseCommandActions('cd foo && cat a.txt', '/ws'), [read('cat a.txt', 'a.txt', '/ws/foo/a.txt')]);
    assert.deepEqual(parseCommandActions('make build'), [unknown('make build')]);
  });

  it('collapses consecutive duplicates', () => {
    assert.deepEqual(parseCommandActions(bash('ls && ls')), [list('ls')]);
  });
});
