import type { CommandExecOutputStream, CommandExecTerminalSize } from '../../protocol/v2/command-exec.js';
import type { Subprocess } from '../../tools/process/subprocess.js';
import { decodeOutput } from './decode-output.js';
import { CommandExecRequestError, processIdRepr } from './errors.js';
import { OutputByteCap } from './output-cap.js';
import { commandExitCode } from './spawn-command.js';

/**
 * One running `command/exec` or `process/spawn` process, from spawn to its outcome (the reference's `run_command`
 * and `run_process`): output is capped per stream and either streamed as deltas or buffered for the outcome; a
 * timeout or a terminate kills the whole process group; once the process exited, output still in the pipes is read
 * for up to {@link IO_DRAIN_TIMEOUT_MS}, then whatever is left of the process group is killed, and only then is the
 * outcome produced — so every delta precedes the response or `process/exited` built from it.
 */

/** The reference's `EXEC_TIMEOUT_EXIT_CODE`: what a command killed by its timeout reports. */
export const TIMEOUT_EXIT_CODE = 124;
/** The reference's default timeout (`DEFAULT_EXEC_COMMAND_TIMEOUT_MS`; probed: `sleep 11` → 124 after 10 s). */
export const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * How long output is still read after the process exited (`IO_DRAIN_TIMEOUT_MS`): a background child holding the
 * pipes open delays the response by this much, then dies with the rest of the group (probed: `sleep 82 & echo done`
 * answered after about 2 s with exit code 0, and the sleep was gone).
 */
export const IO_DRAIN_TIMEOUT_MS = 2_000;
/** setTimeout's limit; a longer timeout is as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One streamed chunk of output; the caller names the process in the notification it sends. */
export interface OutputChunk {
  readonly stream: CommandExecOutputStream;
  readonly deltaBase64: string;
  /** This chunk is the one with which the stream reached its cap. */
  readonly capReached: boolean;
}

/** How a run ended, once its output was read (or abandoned). */
export interface RunOutcome {
  readonly exitCode: number;
  /** Buffered output (empty when streamed). */
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutCapReached: boolean;
  readonly stderrCapReached: boolean;
  /**
   * A stream short of its cap was still open when the post-exit drain deadline passed (a background child held it).
   */
  readonly outputDrainTimedOut: boolean;
}

export interface CommandRunOptions {
  /** The client's id, or a generated number for a buffered command without one (never sent to the client). */
  readonly processId: string | number;
  /** What the errors call a run: `command/exec` (`… is no longer running`) or `process`. */
  readonly noun: string;
  readonly child: Subprocess;
  /** `streamStdin` (or `tty`): `command/exec/write` may write to the process. */
  readonly streamStdin: boolean;
  /** `streamStdoutStderr` (or `tty`): output goes out as deltas and the response's texts stay empty. */
  readonly streamOutput: boolean;
  /** Per-stream cap in bytes; null: none. */
  readonly outputBytesCap: number | null;
  /** null: no timeout. */
  readonly timeoutMs: number | null;
  /** Sends one chunk (called only when `streamOutput`). */
  readonly onDelta: (chunk: OutputChunk) => void;
}

export class CommandRun {
  /** The outcome, once the process exited and its output was read (or abandoned). Never rejects. */
  readonly finished: Promise<RunOutcome>;
  readonly #options: CommandRunOptions;
  readonly #buffers: Record<CommandExecOutputStream, Buffer[]> = { stdout: [], stderr: [] };
  readonly #caps: Record<CommandExecOutputStream, OutputByteCap>;
  #running = true;
  #timedOut = false;
  #stdinClosed = false;
  /** Writes are applied in request order, each after the previous one was handed to the OS. */
  #writes: Promise<void> = Promise.resolve();

  constructor(options: CommandRunOptions) {
    this.#options = options;
    const cap = options.outputBytesCap;
    this.#caps = { stdout: new OutputByteCap(cap), stderr: new OutputByteCap(cap) };
    options.child.onOutput((stream, chunk) => this.#onOutput(stream, chunk));
    this.finished = this.#run();
  }

  /**
   * `command/exec/write` and `process/writeStdin`: `bytes` to stdin (if any), then EOF if `closeStdin`.
   * @throws CommandExecRequestError when the process is gone, stdin was not opened for streaming, or already closed
   */
  write(bytes: Buffer, closeStdin: boolean): Promise<void> {
    this.#assertRunning();
    if (!this.#options.streamStdin) {
      throw new CommandExecRequestError(`stdin streaming is not enabled for this ${this.#options.noun}`);
    }
    if (bytes.length > 0 && this.#stdinClosed) throw new CommandExecRequestError('stdin is already closed');
    const { child } = this.#options;
    if (closeStdin) this.#stdinClosed = true;
    const write = this.#writes.then(async () => {
      if (bytes.length > 0) await child.writeStdin(bytes);
      if (closeStdin) child.closeStdin();
    });
    this.#writes = write;
    return write;
  }

  /**
   * `command/exec/resize` and `process/resizePty`.
   * @throws CommandExecRequestError when the process is gone or not on a terminal
   */
  resize(size: CommandExecTerminalSize): void {
    this.#assertRunning();
    try {
      this.#options.child.resize(size);
    } catch (error) {
      // NotATerminalError for pipes; node-pty's own error if the terminal is already gone.
      throw new CommandExecRequestError(`failed to resize PTY: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * `command/exec/terminate`, `process/kill`, and the end of the connection: kills the process group. The process
   * then reports the exit of a killed process (137 on pipes, 1 on a terminal).
   * @throws CommandExecRequestError when the process is gone
   */
  terminate(): void {
    this.#assertRunning();
    this.#options.child.killGroup();
  }

  /** Kills the process group if it still runs; for a closing connection, which waits for no answer. */
  kill(): void {
    if (this.#running) this.#options.child.killGroup();
  }

  #assertRunning(): void {
    if (!this.#running) {
      throw new CommandExecRequestError(
        `${this.#options.noun} ${processIdRepr(this.#options.processId)} is no longer running`,
      );
    }
  }

  #onOutput(stream: CommandExecOutputStream, chunk: Buffer): void {
    const { kept, capReached } = this.#caps[stream].accept(chunk);
    const { streamOutput, onDelta } = this.#options;
    if (!streamOutput) {
      if (kept.length > 0) this.#buffers[stream].push(kept);
      return;
    }
    if (kept.length === 0 && !capReached) return;
    onDelta({ stream, deltaBase64: kept.toString('base64'), capReached });
  }

  async #run(): Promise<RunOutcome> {
    const { child, timeoutMs } = this.#options;
    const timer =
      timeoutMs === null
        ? undefined
        : setTimeout(() => {
            this.#timedOut = true;
            child.killGroup();
          }, Math.min(timeoutMs, MAX_TIMER_MS));
    const status = commandExitCode(child, await child.exited);
    clearTimeout(timer);
    this.#running = false;
    const exitCode = this.#timedOut ? TIMEOUT_EXIT_CODE : status;

    let drainTimer: NodeJS.Timeout | undefined;
    const drainExpired = new Promise<void>((resolve) => {
      drainTimer = setTimeout(resolve, IO_DRAIN_TIMEOUT_MS);
    });
    const closed: Record<CommandExecOutputStream, boolean> = { stdout: false, stderr: false };
    for (const stream of ['stdout', 'stderr'] as const) {
      void child.streamClosed[stream].then(() => {
        closed[stream] = true;
      });
    }
    const expired = await Promise.race([child.outputClosed.then(() => false), drainExpired.then(() => true)]);
    clearTimeout(drainTimer);
    // The reference counts the drain as timed out only for a stream still open short of its cap (probed: a capped
    // stdout held open by a background child still waits the full drain, but reports `false`).
    const outputDrainTimedOut =
      expired && (['stdout', 'stderr'] as const).some((stream) => !closed[stream] && !this.#caps[stream].reached);
    // The reference kills the process group when it lets go of the process (probed: `sleep 81 >/dev/null &` did not
    // outlive its command), so nothing a command started in the background survives it.
    child.killGroup();
    child.abandonOutput();

    return {
      exitCode,
      stdout: decodeOutput(Buffer.concat(this.#buffers.stdout)),
      stderr: decodeOutput(Buffer.concat(this.#buffers.stderr)),
      stdoutCapReached: this.#caps.stdout.reached,
      stderrCapReached: this.#caps.stderr.reached,
      outputDrainTimedOut,
    };
  }
}
