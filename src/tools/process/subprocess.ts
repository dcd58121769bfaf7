import { constants } from 'node:os';

/**
 * A started child process, on pipes or on a pseudo-terminal: the one process layer under the model's exec tools
 * (tools/exec/), `command/exec` (runtime/command-exec/) and the user's `!` commands (runtime/user-shell/). The child
 * leads its own session and process group, so `killGroup` reaches everything it started. What differs between
 * those callers (merging the two output streams, how a signal death is numbered, output caps) stays with them.
 */
export interface Subprocess {
  /** The leader's pid; its process group has the same id. */
  readonly pid: number;
  /** Whether it runs on a pseudo-terminal (then all output arrives as `stdout`, with CRLF line ends). */
  readonly terminal: boolean;
  /** Whether stdin is open: a terminal always, pipes only when asked for (else /dev/null). */
  readonly hasStdin: boolean;
  /** Output bytes as they arrive, per stream. */
  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): void;
  /** Resolves once, with how the process ended. */
  readonly exited: Promise<ProcessExit>;
  /** Resolves when no more output can arrive (every output stream closed). */
  readonly outputClosed: Promise<void>;
  /** Resolves per stream when that stream closed (a terminal's `stderr` with its `stdout`: it has none of its own). */
  readonly streamClosed: Readonly<Record<OutputStream, Promise<void>>>;
  /** Stops reading output (a background job may keep a pipe open long after the command exited). */
  abandonOutput(): void;
  /** Writes to stdin; resolves once handed to the OS, or at once when stdin is closed or gone (nothing is written). */
  writeStdin(data: Buffer | string): Promise<void>;
  /**
   * Ends stdin. A terminal has no stdin of its own to close: it gets a newline and the EOF character (^D), which
   * ends a reading program, as the reference's PTY library does when it drops its writer.
   */
  closeStdin(): void;
  /** Resizes the terminal. @throws NotATerminalError on pipes */
  resize(size: TerminalSize): void;
  /** SIGKILL to the whole process group; a no-op once it is gone. */
  killGroup(): void;
}

export type OutputStream = 'stdout' | 'stderr';

export interface TerminalSize {
  readonly rows: number;
  readonly cols: number;
}

/** How a process ended: its exit code, or the number of the signal that killed it (then `code` is null). */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: number | null;
}

/** What to start: the program and arguments after sandbox wrapping, if any. */
export interface SubprocessSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** `resize` of a process on pipes; worded as the reference words it. */
export class NotATerminalError extends Error {
  constructor() {
    super('process is not attached to a PTY');
    this.name = 'NotATerminalError';
  }
}

/** A shell's `$?` for the way a process ended: the code, or 128 + the signal number (-1 if neither is known). */
export function shellExitStatus(exit: ProcessExit): number {
  if (exit.code !== null) return exit.code;
  return exit.signal === null ? -1 : 128 + exit.signal;
}

/** The exit as Node's child_process reports it (a signal by name). */
export function exitFromNode(code: number | null, signal: NodeJS.Signals | null): ProcessExit {
  if (code !== null) return { code, signal: null };
  const number = signal === null ? undefined : constants.signals[signal];
  return { code: null, signal: number ?? null };
}
