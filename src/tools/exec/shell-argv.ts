import { accessSync, constants } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, delimiter, extname, isAbsolute, join } from 'node:path';

/**
 * How `exec_command {cmd, shell?, login?}` becomes an argv, as the reference's `get_command` and
 * `Shell::derive_exec_args` (`codex-rs/core/src/shell.rs`, `codex-rs/shell-command/src/shell_detect.rs`):
 * `[shell, '-lc' | '-c', cmd]` for POSIX shells. Without `shell` the user's shell is used as configured; a
 * model-provided `shell` only selects the kind of shell, whose binary is then looked up on PATH (probed:
 * `"shell":"/bin/sh"` runs `/usr/bin/sh` when PATH lists /usr/bin first), and an unknown kind falls back to
 * /bin/sh.
 */

export type ShellType = 'bash' | 'zsh' | 'sh' | 'powershell' | 'cmd';

export interface ShellArgvOptions {
  /** The model's `shell` argument. */
  readonly shell?: string | undefined;
  /** The model's `login` argument; omitted means "login shell when allowed". */
  readonly login?: boolean | undefined;
  /** Environment used for the PATH lookup (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The user's login shell (default: the passwd entry's). `$SHELL` is not consulted, as in the reference. */
  readonly userShellPath?: string | undefined;
  /** Config `allow_login_shell` (default true). When false, `login: true` is refused and the default is `-c`. */
  readonly allowLoginShell?: boolean | undefined;
}

export type ShellArgvResult =
  | { readonly ok: true; readonly argv: readonly string[]; readonly shellType: ShellType }
  | { readonly ok: false; readonly message: string };

/** The reference's answer to `login: true` when login shells are disabled by config. */
export const LOGIN_SHELL_DISABLED_MESSAGE = 'login shell is disabled by config; omit `login` or set it to false.';

export function shellArgv(cmd: string, options: ShellArgvOptions = {}): ShellArgvResult {
  const env = options.env ?? process.env;
  const allowLogin = options.allowLoginShell ?? true;
  if (options.login === true && !allowLogin) return { ok: false, message: LOGIN_SHELL_DISABLED_MESSAGE };
  const login = options.login ?? allowLogin;
  const shell =
    options.shell === undefined ? defaultUserShell(env, options.userShellPath ?? passwdShell()) : modelShell(options.shell, env);
  return { ok: true, argv: deriveExecArgs(shell, cmd, login), shellType: shell.type };
}

export interface DetectedShell {
  readonly type: ShellType;
  readonly path: string;
}

const ULTIMATE_FALLBACK: DetectedShell = { type: 'sh', path: '/bin/sh' };

function deriveExecArgs(shell: DetectedShell, cmd: string, login: boolean): string[] {
  switch (shell.type) {
    case 'bash':
    case 'zsh':
    case 'sh':
      return [shell.path, login ? '-lc' : '-c', cmd];
    case 'powershell':
      return [shell.path, ...(login ? [] : ['-NoProfile']), '-Command', cmd];
    case 'cmd':
      return [shell.path, '/c', cmd];
  }
}

/**
 * The user's default shell, as the reference decides it (probed: `<shell>` in the environment context follows the
 * passwd entry and ignores `$SHELL`): the login shell when it is a kind we know and can find, else bash, else zsh,
 * else /bin/sh.
 */
export function defaultUserShell(
  env: Readonly<Record<string, string | undefined>>,
  loginShell: string | undefined = passwdShell(),
): DetectedShell {
  const type = loginShell === undefined ? undefined : detectShellType(loginShell);
  if (loginShell !== undefined && type !== undefined) {
    const found = isAbsolute(loginShell) && isExecutable(loginShell) ? loginShell : findShell(type, env);
    if (found !== undefined) return { type, path: found };
  }
  for (const fallback of ['bash', 'zsh'] as const) {
    const path = findShell(fallback, env);
    if (path !== undefined) return { type: fallback, path };
  }
  return ULTIMATE_FALLBACK;
}

/** A model-provided shell: only its kind counts; the binary is discovered. */
function modelShell(shell: string, env: Readonly<Record<string, string | undefined>>): DetectedShell {
  const type = detectShellType(shell);
  const path = type === undefined ? undefined : findShell(type, env);
  return type === undefined || path === undefined ? ULTIMATE_FALLBACK : { type, path };
}

const SHELL_NAMES: Readonly<Record<string, ShellType>> = {
  zsh: 'zsh',
  sh: 'sh',
  cmd: 'cmd',
  bash: 'bash',
  pwsh: 'powershell',
  powershell: 'powershell',
};

/** The kind of shell a name or path denotes (by its file stem), if any. */
export function detectShellType(shell: string): ShellType | undefined {
  const direct = SHELL_NAMES[shell];
  if (direct !== undefined) return direct;
  const name = basename(shell);
  const stem = name.slice(0, name.length - extname(name).length);
  return stem !== shell && stem !== '' ? SHELL_NAMES[stem] : undefined;
}

const FALLBACK_PATHS: Readonly<Record<ShellType, readonly string[]>> = {
  zsh: ['/bin/zsh'],
  bash: ['/bin/bash'],
  sh: ['/bin/sh'],
  powershell: ['/usr/local/bin/pwsh'],
  cmd: [],
};

function findShell(type: ShellType, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const names = type === 'powershell' ? ['pwsh', 'powershell'] : [type];
  for (const name of names) {
    const found = which(name, env);
    if (found !== undefined) return found;
  }
  return FALLBACK_PATHS[type].find(isExecutable);
}

function which(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function passwdShell(): string | undefined {
  try {
    return nonEmpty(userInfo().shell ?? undefined);
  } catch {
    // No passwd entry for this uid (containers): the caller falls back to bash.
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
