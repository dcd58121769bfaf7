import type { CommandExecOutputStream, CommandExecTerminalSize } from '../../protocol/v2/command-exec.js';

/**
 * A started `command/exec` process, on pipes or on a pseudo-terminal. Unlike the model's exec sessions
 * (tools/exec/child.ts), stdout and stderr stay apart, stdin is optional and takes raw bytes, and a terminal can
 * be resized.
 */
export interface CommandChild {
  /** The leader's pid; it leads its own process group (and session), so the group id is the same. */
  readonly pid: number;
  /** Output bytes as they arrive, per stream; a terminal delivers everything as `stdout`. */
  onOutput(listener: (stream: CommandExecOutputStream, chunk: Buffer) => void): void;
  /** Resolves once with the exit code the reference reports for the way the process ended. */
  readonly exited: Promise<number>;
  /** Resolves when no more output can arrive (every output stream ended). */
  readonly outputClosed: Promise<void>;
  /** Stops reading output (a background process may keep a pipe open long after the command exited). */
  abandonOutput(): void;
  /** Writes stdin bytes; resolves once they are handed to the OS (or stdin turned out to be gone). */
  writeStdin(bytes: Buffer): Promise<void>;
  /** Ends stdin: EOF for the program. */
  closeStdin(): void;
  /** Only a terminal can be resized; pipes throw {@link NotATerminalError}. */
  resize(size: CommandExecTerminalSize): void;
  /** SIGKILL to the whole process group; a no-op once it is gone. */
  killGroup(): void;
}

/** What to start: the program and arguments after sandbox wrapping. */
export interface CommandChildSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** `resize` of a process on pipes; the reference words it `process is not attached to a PTY`. */
export class NotATerminalError extends Error {
  constructor() {
    super('process is not attached to a PTY');
    this.name = 'NotATerminalError';
  }
}
