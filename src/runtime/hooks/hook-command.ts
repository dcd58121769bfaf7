import { spawn } from 'node:child_process';
import { sandboxCommand } from '../../tools/sandbox/sandbox-command.js';
import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import type { SandboxSupport } from '../../tools/sandbox/detect-bubblewrap.js';

/** What running one hook command produced. */
export interface HookCommandResult {
  /** Unix milliseconds. */
  readonly startedAtMs: number;
  readonly completedAtMs: number;
  /** The exit status; null when the process ended by a signal or never started. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why the command did not produce a result (it could not start, or ran past its timeout); null otherwise. */
  readonly error: string | null;
}

export interface HookCommandOptions {
  /** The command line, run by `/bin/sh -c`. */
  readonly command: string;
  readonly cwd: string;
  /** The event's input, written to the command's stdin as one JSON document. */
  readonly input: string;
  readonly timeoutSec: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A tenant's jail: the hook runs inside it like every other command of the tenant. */
  readonly jail?: { readonly jail: CommandJail; readonly support: Promise<SandboxSupport> } | undefined;
  /** The turn's signal: an interrupted turn kills its hooks. */
  readonly signal: AbortSignal;
}

/** Output past this size is dropped: a hook's answer is a small JSON document, not a log. */
const MAX_CAPTURED_BYTES = 1024 * 1024;

/**
 * Runs one hook command and collects its output. It never rejects: a command that cannot start, crashes or runs
 * past its timeout is a result with an `error` (the reference's texts: `hook timed out after <n>s`), so a broken
 * hook is reported and the turn goes on. The command runs in its own process group, which is killed at the
 * timeout or when the turn is interrupted, so a hook's children cannot outlive it.
 *
 * Hooks are commands the user configured and trusted: the reference runs them with the server's own rights, not
 * under the thread's sandbox policy [observed on 0.169.0: a hook wrote into the cwd of a read-only thread], and
 * so does this server. A tenant's hooks still run inside the tenant's jail.
 */
export async function runHookCommand(options: HookCommandOptions): Promise<HookCommandResult> {
  const startedAtMs = Date.now();
  const failed = (error: string): HookCommandResult => ({
    startedAtMs,
    completedAtMs: Date.now(),
    exitCode: null,
    stdout: '',
    stderr: '',
    error,
  });
  const argv = ['/bin/sh', '-c', options.command];
  let launch: { file: string; args: readonly string[]; release: () => void };
  try {
    launch = await launchable(argv, options);
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  }
  return new Promise<HookCommandResult>((resolve) => {
    const child = spawn(launch.file, [...launch.args], {
      cwd: options.cwd,
      env: definedEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout = new Capture();
    const stderr = new Capture();
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
    // A hook that exits without reading its input closes the pipe under us; that is not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    let error: string | null = null;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      error = `hook timed out after ${options.timeoutSec}s`;
      killGroup();
    }, options.timeoutSec * 1000);
    const onAbort = () => {
      error = 'hook was cancelled because the turn was interrupted';
      killGroup();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    const settle = (exitCode: number | null, spawnError: string | null) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      launch.release();
      resolve({
        startedAtMs,
        completedAtMs: Date.now(),
        exitCode: error === null ? exitCode : null,
        stdout: stdout.text(),
        stderr: stderr.text(),
        error: error ?? spawnError,
      });
    };
    child.once('error', (spawnError) => settle(null, `failed to run hook command: ${spawnError.message}`));
    // `close`, not `exit`: the output pipes are drained by then.
    child.once('close', (code) => settle(code, null));
    if (options.signal.aborted) onAbort();
  });
}

async function launchable(
  argv: readonly string[],
  options: HookCommandOptions,
): Promise<{ file: string; args: readonly string[]; release: () => void }> {
  const jail = options.jail;
  if (jail === undefined) return { file: argv[0] ?? '/bin/sh', args: argv.slice(1), release: () => {} };
  const command = sandboxCommand(argv, {
    policy: { type: 'dangerFullAccess' },
    cwd: options.cwd,
    support: await jail.support,
    jail: jail.jail,
  });
  return { file: command.file, args: command.args, release: () => command.release() };
}

function definedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}

/** Collects a stream's bytes up to MAX_CAPTURED_BYTES. */
class Capture {
  readonly #chunks: Buffer[] = [];
  #size = 0;

  add(chunk: Buffer): void {
    if (this.#size >= MAX_CAPTURED_BYTES) return;
    const kept = chunk.subarray(0, MAX_CAPTURED_BYTES - this.#size);
    this.#chunks.push(kept);
    this.#size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}
