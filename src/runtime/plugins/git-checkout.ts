import { execFile } from 'node:child_process';

/** A git command that failed, worded as the reference words it (an internal error, -32603). */
export class GitCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitCommandError';
  }
}

/** The server's environment, which git runs in (its config, credentials helpers, proxies). */
export type GitEnv = Readonly<Record<string, string | undefined>>;

/**
 * Runs git with prompts off (a server has nobody to ask for credentials); resolves with its stdout. A failure names
 * the command as `shown` (default: all of `args`).
 */
export function runGit(env: GitEnv, args: readonly string[], cwd?: string, shown: readonly string[] = args): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, env: { ...env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        const status = typeof error.code === 'number' ? `exit status: ${error.code}` : String(error.code ?? error.message);
        reject(
          new GitCommandError(`git ${shown.join(' ')} failed with status ${status}\nstdout:\n${stdout}\nstderr:\n${stderr}`),
        );
      },
    );
  });
}

/**
 * Clones `url` (at `ref` when given) into `destination`, checking out only `sparsePaths` when given. Resolves with
 * the commit checked out.
 */
export async function cloneRepository(
  env: GitEnv,
  url: string,
  ref: string | null,
  sparsePaths: readonly string[],
  destination: string,
): Promise<string> {
  const args = ['clone', '--depth', '1'];
  if (ref !== null) args.push('--branch', ref);
  if (sparsePaths.length > 0) args.push('--filter=blob:none', '--sparse');
  // Named as the reference names it (`git clone <url> <destination>`), without the options.
  await runGit(env, [...args, url, destination], undefined, ['clone', url, destination]);
  if (sparsePaths.length > 0) await runGit(env, ['sparse-checkout', 'set', ...sparsePaths], destination);
  return (await runGit(env, ['rev-parse', 'HEAD'], destination)).trim();
}

/** The commit `ref` (default: the remote's HEAD) points at, without cloning. */
export async function remoteRevision(env: GitEnv, url: string, ref: string | null): Promise<string | null> {
  const out = await runGit(env, ['ls-remote', url, ref ?? 'HEAD']);
  const first = out.split('\n').find((line) => line.trim() !== '');
  return first === undefined ? null : (first.split(/\s+/)[0] ?? null);
}
