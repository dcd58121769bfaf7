import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandLine, resolveWorkdir } from '../../../../src/tools/exec/command-line.js';
import { defaultUserShell, detectShellType, LOGIN_SHELL_DISABLED_MESSAGE, shellArgv } from '../../../../src/tools/exec/shell-argv.js';

const ENV = { PATH: '/usr/bin:/bin' };
/** A user whose passwd entry names bash (what this machine's is does not matter). */
const BASH_USER = { env: ENV, userShellPath: '/bin/bash' };

describe('shellArgv', () => {
  it("runs cmd through the user's shell, as a login shell unless told otherwise", () => {
    assert.deepEqual(shellArgv('ls', BASH_USER), { ok: true, argv: ['/bin/bash', '-lc', 'ls'], shellType: 'bash' });
    assert.deepEqual(shellArgv('ls', { ...BASH_USER, login: false }), {
      ok: true,
      argv: ['/bin/bash', '-c', 'ls'],
      shellType: 'bash',
    });
  });

  it('uses a model-provided shell only for its kind and finds that binary on PATH', () => {
    const result = shellArgv('echo $0', { ...BASH_USER, shell: '/some/where/sh', login: false });
    assert.ok(result.ok);
    assert.equal(result.shellType, 'sh');
    assert.match(result.argv[0] as string, /\/sh$/);
    assert.deepEqual(result.argv.slice(1), ['-c', 'echo $0']);
    // An unknown kind falls back to /bin/sh.
    assert.deepEqual(shellArgv('x', { ...BASH_USER, shell: 'fish', login: false }), {
      ok: true,
      argv: ['/bin/sh', '-c', 'x'],
      shellType: 'sh',
    });
  });

  it('refuses login: true when login shells are disabled, and defaults to -c then', () => {
    assert.deepEqual(shellArgv('ls', { ...BASH_USER, login: true, allowLoginShell: false }), {
      ok: false,
      message: LOGIN_SHELL_DISABLED_MESSAGE,
    });
    assert.deepEqual(shellArgv('ls', { ...BASH_USER, allowLoginShell: false }), {
      ok: true,
      argv: ['/bin/bash', '-c', 'ls'],
      shellType: 'bash',
    });
  });

  it("follows the passwd entry, not $SHELL, and falls back to bash when it names a shell it does not know", () => {
    assert.deepEqual(shellArgv('ls', { env: { ...ENV, SHELL: '/bin/sh' }, userShellPath: '/bin/bash', login: false }), {
      ok: true,
      argv: ['/bin/bash', '-c', 'ls'],
      shellType: 'bash',
    });
    const sh = defaultUserShell({ ...ENV, SHELL: '/bin/bash' }, '/bin/sh');
    assert.deepEqual(sh, { type: 'sh', path: '/bin/sh' });
    const fish = defaultUserShell(ENV, '/usr/bin/fish');
    assert.equal(fish.type, 'bash');
    assert.match(fish.path, /\/bash$/);
    assert.equal(defaultUserShell(ENV, undefined).type, 'bash');
  });

  it('recognises shells by name or file stem', () => {
    assert.equal(detectShellType('zsh'), 'zsh');
    assert.equal(detectShellType('/usr/local/bin/bash'), 'bash');
    assert.equal(detectShellType('pwsh'), 'powershell');
    assert.equal(detectShellType('/usr/bin/fish'), undefined);
    assert.equal(detectShellType(''), undefined);
  });
});

describe('commandLine', () => {
  it('resolves workdir against the thread cwd; empty means the cwd', () => {
    assert.equal(resolveWorkdir('/work', 'sub/dir'), '/work/sub/dir');
    assert.equal(resolveWorkdir('/work', '/abs'), '/abs');
    assert.equal(resolveWorkdir('/work', ''), '/work');
    assert.equal(resolveWorkdir('/work', null), '/work');
    assert.deepEqual(commandLine({ cmd: 'pwd', workdir: 'sub', login: false }, { threadCwd: '/work', ...BASH_USER }), {
      ok: true,
      argv: ['/bin/bash', '-c', 'pwd'],
      cwd: '/work/sub',
    });
  });
});
