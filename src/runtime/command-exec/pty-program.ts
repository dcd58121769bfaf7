import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * Where a terminal command starts, decided the way the reference's PTY library (portable-pty) decides before it
 * forks — node-pty would only fork and let the child fail. Probed on 0.169.0:
 *
 * - a cwd that is not a directory is replaced by the home directory (`pwd` printed `/root` for `/nonexistent`);
 * - a bare program name is searched on the command's PATH, and a miss is a spawn error
 *   `Unable to spawn <name> because:\nNo viable candidates found in PATH "<PATH>"`;
 * - an absolute program is exec'd as is, so a missing one fails with the OS error (`No such file or directory
 *   (os error 2)`, `Permission denied (os error 13)`), which we check for up front.
 */

/** The terminal's working directory: `cwd` if it is a directory, else the command's `HOME`, else the user's home. */
export function terminalCwd(cwd: string, env: Readonly<Record<string, string>>): string {
  return isDirectory(cwd) ? cwd : (env['HOME'] ?? homedir());
}

/** A program the terminal cannot start: `message` is portable-pty's text or the OS error's code. */
export class PtyProgramError extends Error {
  /** The errno name when the failure is an OS error (`ENOENT`, `EACCES`); absent for a PATH search miss. */
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'PtyProgramError';
    this.code = code;
  }
}

/**
 * The file to exec for `program`, resolved like portable-pty's `search_path`.
 * @throws PtyProgramError
 */
export function resolvePtyProgram(program: string, cwd: string, env: Readonly<Record<string, string>>): string {
  if (isAbsolute(program)) {
    const problem = execProblem(program);
    if (problem !== null) throw new PtyProgramError(`spawn ${program} ${problem}`, problem);
    return program;
  }
  // `./x` and `../x` are looked up only relative to the cwd.
  if (/^\.\.?(\/|$)/.test(program)) {
    const path = resolve(cwd, program);
    if (isDirectory(path)) throw new PtyProgramError(`Unable to spawn ${path} because it is a directory`);
    if (isExecutable(path)) return path;
    if (exists(path)) throw new PtyProgramError(`Unable to spawn ${path} because it is not executable`);
    throw new PtyProgramError(`Unable to spawn ${path} because it does not exist`);
  }
  const errors: string[] = [];
  const searchPath = env['PATH'];
  if (searchPath === undefined) {
    errors.push('Unable to resolve the PATH');
  } else {
    for (const directory of searchPath.split(delimiter)) {
      const candidate = join(resolve(cwd, directory), program);
      if (isDirectory(candidate)) errors.push(`${candidate} exists but is a directory`);
      else if (isExecutable(candidate)) return candidate;
      else if (exists(candidate)) errors.push(`${candidate} exists but is not executable`);
    }
    errors.push(`No viable candidates found in PATH ${JSON.stringify(searchPath)}`);
  }
  throw new PtyProgramError(`Unable to spawn ${program} because:\n${errors.join('.\n')}`);
}

/** Why exec would refuse `path` (`ENOENT`, `EACCES`), or null. */
function execProblem(path: string): string | null {
  if (!exists(path)) return 'ENOENT';
  return isExecutable(path) && !isDirectory(path) ? null : 'EACCES';
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
