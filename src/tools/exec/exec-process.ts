import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { shellExitStatus, type Subprocess } from '../process/subprocess.js';
import { HeadTailBuffer } from './head-tail-buffer.js';
import { POST_EXIT_CLOSE_WAIT_MS } from './limits.js';

/**
 * One running command and its output. Every byte goes to two capped buffers: the unread buffer, which each
 * `exec_command`/`write_stdin` call drains, and the transcript, which keeps the whole run for the
 * `commandExecution` item. Output is also streamed, decoded, to the `onOutput` listener as it arrives.
 */
export class ExecProcess {
  readonly child: Subprocess;
  /** performance.now() when the child was started. */
  readonly spawnedAt: number;
  #unread = new HeadTailBuffer();
  #transcript = new HeadTailBuffer();
  // Separate decoders: a character split across reads is held back until its last byte arrives.
  #streamDecoder = new StringDecoder('utf8');
  #readDecoder = new StringDecoder('utf8');
  #exitCode: number | null = null;
  #exitedAt: number | null = null;
  #outputClosed = false;
  #finished = false;
  #waiters = new Set<() => void>();
  readonly #finishedPromise: Promise<void>;
  #onOutput: ((chunk: string) => void) | undefined;

  constructor(child: Subprocess, onOutput?: (chunk: string) => void) {
    this.child = child;
    this.spawnedAt = performance.now();
    this.#onOutput = onOutput;
    let markFinished!: () => void;
    this.#finishedPromise = new Promise((resolve) => (markFinished = resolve));
    // Unified exec merges stdout and stderr in arrival order, as a terminal would show them.
    child.onOutput((_stream, chunk) => this.#push(chunk));
    void child.exited.then((exit) => {
      this.#exitCode = shellExitStatus(exit);
      this.#exitedAt = performance.now();
      this.#wake();
      // Output still in flight after the exit (a background job holding the pipe) is not waited for long.
      const grace = setTimeout(() => this.#finish(markFinished), POST_EXIT_CLOSE_WAIT_MS);
      grace.unref();
      if (this.#outputClosed) {
        clearTimeout(grace);
        this.#finish(markFinished);
      } else {
        void child.outputClosed.then(() => {
          clearTimeout(grace);
          this.#finish(markFinished);
        });
      }
    });
    void child.outputClosed.then(() => {
      this.#outputClosed = true;
      this.#wake();
    });
  }

  get pid(): number {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.#exitCode !== null;
  }

  get exitCode(): number | null {
    return this.#exitCode;
  }

  /** performance.now() of the exit, or null while running. */
  get exitedAt(): number | null {
    return this.#exitedAt;
  }

  /** Exited and its output fully read (or given up on after a short grace). */
  get isFinished(): boolean {
    return this.#finished;
  }

  /** Resolves once the process is {@link isFinished}. */
  finished(): Promise<void> {
    return this.#finishedPromise;
  }

  /** Everything the process printed so far (capped: head and tail of 1 MiB), decoded. */
  transcript(): string {
    return this.#transcript.snapshot().toString('utf8');
  }

  /** Takes the output nobody has read yet (raw bytes). */
  drainUnread(): Buffer {
    return this.#unread.drain();
  }

  /**
   * Decodes bytes taken with {@link drainUnread}. A character cut at the end is kept for the next read while
   * the process runs; once it has finished, whatever is left is decoded (invalid bytes become U+FFFD).
   */
  decodeRead(bytes: Buffer): string {
    const text = this.#readDecoder.write(bytes);
    return this.#finished ? text + this.#readDecoder.end() : text;
  }

  /**
   * Resolves on the next change (output, exit, output closed) or after `timeoutMs`; rejects when `signal`
   * aborts. Used by the read loop, never as a sleep.
   */
  waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        reject(signal?.reason);
      };
      const timer = setTimeout(done, Math.max(timeoutMs, 0));
      this.#waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Resolves when the process exits or after `timeoutMs`, whichever comes first. */
  async waitForExit(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!this.hasExited) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return;
      await this.waitForChange(remaining);
    }
  }

  /** Kills the process group; the exit follows asynchronously. */
  terminate(): void {
    this.child.killGroup();
  }

  #push(chunk: Buffer): void {
    this.#unread.push(chunk);
    this.#transcript.push(chunk);
    const text = this.#streamDecoder.write(chunk);
    if (text !== '') this.#onOutput?.(text);
    this.#wake();
  }

  #finish(markFinished: () => void): void {
    if (this.#finished) return;
    this.#finished = true;
    const rest = this.#streamDecoder.end();
    if (rest !== '') this.#onOutput?.(rest);
    markFinished();
    this.#wake();
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
