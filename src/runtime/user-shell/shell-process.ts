import { performance } from 'node:perf_hooks';
import { spawnPipeProcess } from '../../tools/process/pipe-process.js';
import { shellExitStatus } from '../../tools/process/subprocess.js';
import { rustDebugString } from '../../tools/exec/rust-format.js';
import { shellArgv } from '../../tools/exec/shell-argv.js';

/**
 * One `!` command of the user (thread/shellCommand), run the way the reference 0.169.0 runs it [observed]: through
 * the user's shell as a login shell (`/bin/bash -lc '<command>'`), in the thread's working directory, with no
 * sandbox and no approval (the user typed it), stdin on /dev/null, stdout and stderr merged as they arrive. It
 * reuses the exec tool's machinery: the shell detection of `exec_command` and the process layer's process-group child.
 */

/** The reference's default: one hour. */
export const DEFAULT_SHELL_TIMEOUT_MS = 60 * 60 * 1000;
/** What the reference reports for a command it killed at its timeout. */
const TIMED_OUT_EXIT_CODE = -1;

export interface ShellRunOptions {
  readonly command: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  /** Decoded output as it arrives. */
  readonly onOutput: (chunk: string) => void;
  /** Ends the command early (the thread is unloaded, the server stops): the process group is killed. */
  readonly signal?: AbortSignal;
  /**
   * Wraps the command before it is spawned (a tenant's jail); `release` is called once it has ended. Default: the
   * command runs as is.
   */
  readonly prepare?: (argv: readonly string[], cwd: string) => Promise<PreparedShellCommand>;
}

export interface PreparedShellCommand {
  readonly file: string;
  readonly args: readonly string[];
  release(): void;
}

export interface ShellOutcome {
  readonly exitCode: number;
  readonly aggregatedOutput: string;
  readonly durationMs: number;
}

/** The argv the command runs as, e.g. `['/bin/bash', '-lc', 'echo hi']`. */
export function userShellArgv(command: string, env: Readonly<Record<string, string | undefined>>): readonly string[] {
  const argv = shellArgv(command, { env, login: true });
  // A login shell is always allowed here (no config forbids it for the user's own commands).
  return argv.ok ? argv.argv : ['/bin/sh', '-c', command];
}

/** Runs the command to its end; a spawn failure is an outcome too (exit code -1 and the error as output). */
export async function runShellCommand(argv: readonly string[], options: ShellRunOptions): Promise<ShellOutcome> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  const started = performance.now();
  const [file, ...args] = argv as [string, ...string[]];
  let child;
  let release = () => {};
  try {
    const prepared = options.prepare ? await options.prepare(argv, options.cwd) : { file, args, release };
    release = () => prepared.release();
    child = await spawnPipeProcess({ file: prepared.file, args: prepared.args, cwd: options.cwd, env }, { stdin: false });
  } catch (error) {
    release();
    return {
      exitCode: TIMED_OUT_EXIT_CODE,
      aggregatedOutput: `execution error: ${error instanceof Error ? error.message : String(error)}`,
      durationMs: 0,
    };
  }
  const decoder = new TextDecoder('utf-8');
  let output = '';
  child.onOutput((_stream, bytes) => {
    const text = decoder.decode(bytes, { stream: true });
    if (text === '') return;
    output += text;
    options.onOutput(text);
  });
  const exited = child.exited.then(shellExitStatus);
  const closed = child.outputClosed;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, options.timeoutMs));
  });
  const aborted = new Promise<'aborted'>((resolve) => {
    if (options.signal?.aborted) resolve('aborted');
    options.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    const first = await Promise.race([exited.then((code) => ({ code })), timedOut, aborted]);
    if (typeof first === 'object') {
      await closed;
      const rest = decoder.decode();
      if (rest !== '') {
        output += rest;
        options.onOutput(rest);
      }
      return { exitCode: first.code, aggregatedOutput: output, durationMs: Math.round(performance.now() - started) };
    }
    child.killGroup();
    const elapsedMs = performance.now() - started;
    return { exitCode: TIMED_OUT_EXIT_CODE, aggregatedOutput: timeoutText(output, elapsedMs), durationMs: 0 };
  } finally {
    clearTimeout(timer);
    release();
  }
}

/**
 * What the reference shows (and tells the model) for a command killed at its timeout: its internal error, Rust
 * debug formatting included. Our pipes merge stdout and stderr, so the output is reported as stdout.
 */
function timeoutText(output: string, elapsedMs: number): string {
  const stream = (text: string) => `StreamOutput { text: ${rustDebugString(text)}, truncated_after_lines: None }`;
  return (
    'execution error: Sandbox(Timeout { output: ExecToolCallOutput { exit_code: 124, ' +
    `stdout: ${stream(output)}, stderr: ${stream('')}, aggregated_output: ${stream(output)}, ` +
    `duration: ${rustDuration(elapsedMs)}, timed_out: true } })`
  );
}

/** Rust's `{:?}` of a Duration: `104.872913ms`, `1.5s`. */
function rustDuration(ms: number): string {
  const trim = (value: string) => value.replace(/\.?0+$/, '');
  return ms >= 1000 ? `${trim((ms / 1000).toFixed(9))}s` : `${trim(ms.toFixed(6))}ms`;
}
