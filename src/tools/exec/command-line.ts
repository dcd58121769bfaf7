import { resolve } from 'node:path';
import type { ExecCommandArgs } from './arguments.js';
import { shellArgv, type ShellArgvOptions } from './shell-argv.js';

/**
 * Where and how `exec_command` runs: the shell argv for `cmd` ({@link shellArgv}) and the working directory,
 * `workdir` resolved against the thread's cwd (an empty `workdir` means the cwd itself, as in the reference).
 */
export type CommandLine =
  | { readonly ok: true; readonly argv: readonly string[]; readonly cwd: string }
  | { readonly ok: false; /** The text for the model. */ readonly message: string };

export interface CommandLineContext {
  /** The thread's (turn's) working directory, absolute. */
  readonly threadCwd: string;
  readonly env?: ShellArgvOptions['env'];
  readonly userShellPath?: ShellArgvOptions['userShellPath'];
  readonly allowLoginShell?: boolean | undefined;
}

export function commandLine(args: ExecCommandArgs, context: CommandLineContext): CommandLine {
  const argv = shellArgv(args.cmd, {
    shell: args.shell ?? undefined,
    login: args.login ?? undefined,
    env: context.env,
    userShellPath: context.userShellPath,
    allowLoginShell: context.allowLoginShell,
  });
  if (!argv.ok) return argv;
  return { ok: true, argv: argv.argv, cwd: resolveWorkdir(context.threadCwd, args.workdir) };
}

export function resolveWorkdir(threadCwd: string, workdir: string | null | undefined): string {
  return workdir === undefined || workdir === null || workdir === '' ? threadCwd : resolve(threadCwd, workdir);
}
