import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { spawnPipeProcess } from '../process/pipe-process.js';
import { spawnPtyProcess } from '../process/pty-process.js';
import type { Subprocess } from '../process/subprocess.js';
import { collectOutputUntilDeadline } from './collect-output.js';
import { UnifiedExecError, spawnFailure } from './errors.js';
import { unifiedExecEnv } from './exec-env.js';
import { ExecProcess } from './exec-process.js';
import {
  EARLY_EXIT_GRACE_MS,
  POST_WRITE_SETTLE_MS,
  TTY_COLS,
  TTY_ROWS,
  WARNING_PROCESSES,
  clampExecYieldTime,
  clampWriteStdinYieldTime,
} from './limits.js';
import { ProcessStore, type StoredProcess } from './process-store.js';
import { formatExecResponse, generateChunkId } from './response-text.js';
import { FALLBACK_TRUNCATION_POLICY, approxTokenCount, type TruncationPolicy } from './truncation.js';

/**
 * The unified-exec engine behind `exec_command` and `write_stdin` (the reference's `UnifiedExecProcessManager`),
 * one per thread. `exec_command` starts a command and reads its output for a window; a command still running
 * then stays alive as a session the model continues with `write_stdin` (more input, or an empty poll).
 * Approvals, items and notifications are the caller's: it is told about starts, output and exits through hooks.
 */

/** The command to start after sandbox wrapping (e.g. `bwrap … -- bash -lc cmd`), and its environment. */
export interface PreparedCommand {
  readonly file: string;
  readonly args: readonly string[];
  /** Replaces the environment the request would otherwise use. */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** Wraps a command for the sandbox; the default runs argv as is. */
export type PrepareCommand = (argv: readonly string[], cwd: string) => PreparedCommand | Promise<PreparedCommand>;

export interface UnifiedExecOptions {
  /** The thread the processes belong to (`CODEX_THREAD_ID` in their environment). */
  readonly threadId?: string | undefined;
  readonly prepare?: PrepareCommand | undefined;
  /** The model's tool-output budget (its catalogue `truncation_policy`); default: the fallback `bytes` 10 000. */
  readonly truncationPolicy?: TruncationPolicy | undefined;
  /** Upper bound of an empty `write_stdin` poll (config `background_terminal_max_timeout`, default 300 s). */
  readonly maxBackgroundTerminalTimeoutMs?: number | undefined;
  /**
   * Called with the text of a warning for the model once 60 or more sessions are open; the reference records
   * it in the history as a user message with exactly this text.
   */
  readonly onWarning?: ((text: string) => void) | undefined;
  /** Draws a process id in [1000, 100000); tests make it deterministic. */
  readonly randomProcessId?: (() => number) | undefined;
}

export interface ExecCommandRequest {
  /** The full command, e.g. from {@link shellArgv}: `['/bin/bash', '-lc', 'ls']`. */
  readonly argv: readonly string[];
  /** Absolute working directory (the thread's cwd joined with `workdir`). */
  readonly cwd: string;
  readonly tty?: boolean | undefined;
  readonly yieldTimeMs?: number | undefined;
  readonly maxOutputTokens?: number | null | undefined;
  /** The model's call id (`CODEX_TOOL_CALL_ID`; identifies the command's item in hooks and results). */
  readonly callId?: string | undefined;
  /** The environment; default: this process's environment plus the unified-exec variables. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly truncationPolicy?: TruncationPolicy | undefined;
  /** Stops the wait (the call rejects with the reason); a running process stays as a session. */
  readonly signal?: AbortSignal | undefined;
  /** Overrides the manager's `prepare` for this command (e.g. an approved escalation runs unsandboxed). */
  readonly prepare?: PrepareCommand | undefined;
  /** Right after the process started, before any output is delivered. */
  readonly onStarted?: ((started: ExecStarted) => void) | undefined;
  /** Decoded output as it arrives (stdout and stderr merged), for the whole life of the process. */
  readonly onOutput?: ((chunk: string) => void) | undefined;
  /** Once, when the process has exited and its output is complete — also when nobody is polling. */
  readonly onExit?: ((exited: ExecExited) => void) | undefined;
}

export interface WriteStdinRequest {
  readonly sessionId: number;
  /** Bytes for the terminal; empty means "just poll". */
  readonly chars?: string | null | undefined;
  readonly yieldTimeMs?: number | null | undefined;
  readonly maxOutputTokens?: number | null | undefined;
  readonly truncationPolicy?: TruncationPolicy | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface ExecStarted {
  readonly processId: number;
  readonly pid: number;
  readonly callId: string | undefined;
  readonly command: readonly string[];
  readonly cwd: string;
}

export interface ExecExited {
  readonly processId: number;
  readonly callId: string | undefined;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly exitCode: number;
  /** From the start of the first read window to the exit (0 for a command that ended at once). */
  readonly durationMs: number;
  /** The whole output (head and tail of 1 MiB when longer). */
  readonly aggregatedOutput: string;
}

/** What one `exec_command` or `write_stdin` call produced. */
export interface ExecCallResult {
  /** The process (= session) id; `processId` of the `commandExecution` item. */
  readonly processId: number;
  /** The `exec_command` call that started the process (for `write_stdin`, the original one). */
  readonly callId: string | undefined;
  readonly command: readonly string[];
  /** Still running: the model continues with `write_stdin {session_id: processId}`. */
  readonly running: boolean;
  readonly exitCode: number | null;
  /** The output read during this call, untruncated. */
  readonly output: string;
  readonly originalTokenCount: number;
  readonly wallTimeMs: number;
  /** Set once the process has exited (see {@link ExecExited.durationMs}). */
  readonly durationMs: number | null;
  /** Everything the process printed so far (for the item's `aggregatedOutput`). */
  readonly aggregatedOutput: string;
  readonly chunkId: string;
  /** The function call output for the model. */
  readonly text: string;
}

export class UnifiedExecManager {
  readonly #options: UnifiedExecOptions;
  readonly #store: ProcessStore;
  /** Every process not yet finished, stored or not (a command in its first window is not stored yet). */
  readonly #live = new Set<ExecProcess>();

  constructor(options: UnifiedExecOptions = {}) {
    this.#options = options;
    this.#store = new ProcessStore(options.randomProcessId);
  }

  /** Number of live sessions. */
  get sessionCount(): number {
    return this.#store.size;
  }

  /**
   * Runs a command. Resolves when it exits or its window (`yield_time_ms` clamped to 250 ms..30 s, default
   * 10 s) ends; rejects with a {@link UnifiedExecError} when it cannot start (see `modelText('exec_command')`).
   */
  async execCommand(request: ExecCommandRequest): Promise<ExecCallResult> {
    if (request.argv.length === 0) throw new UnifiedExecError({ type: 'missingCommandLine' });
    const processId = this.#store.allocateId();
    let process: ExecProcess;
    try {
      process = await this.#spawn(request);
    } catch (error) {
      this.#store.release(processId);
      throw error;
    }
    this.#live.add(process);
    request.onStarted?.({
      processId,
      pid: process.pid,
      callId: request.callId,
      command: request.argv,
      cwd: request.cwd,
    });
    // A command that fails at once is reported as such before the clock starts (the reference's early-exit wait).
    await process.waitForExit(EARLY_EXIT_GRACE_MS);
    const startedAt = performance.now();
    const notifyExit = once(() => {
      this.#live.delete(process);
      request.onExit?.({
        processId,
        callId: request.callId,
        command: request.argv,
        cwd: request.cwd,
        exitCode: process.exitCode ?? -1,
        durationMs: Math.max((process.exitedAt ?? performance.now()) - startedAt, 0),
        aggregatedOutput: process.transcript(),
      });
    });
    // Fire-and-forget: `finished` never rejects, and the exit is reported whoever waits for it.
    void process.finished().then(notifyExit);
    const startedAlive = !process.hasExited;
    if (startedAlive) {
      this.#storeSession({
        id: processId,
        process,
        callId: request.callId,
        command: request.argv,
        cwd: request.cwd,
        lastUsed: startedAt,
        startedAt,
      });
    }

    const deadline = startedAt + clampExecYieldTime(request.yieldTimeMs);
    let collected: Buffer;
    try {
      collected = await collectOutputUntilDeadline(process, deadline, request.signal);
    } catch (error) {
      if (!startedAlive) this.#finishUnstored(processId, process);
      throw error;
    }
    const wallTimeMs = performance.now() - startedAt;

    let running: boolean;
    if (startedAlive) {
      const status = this.#refresh(processId);
      if (status === 'unknown') throw new UnifiedExecError({ type: 'unknownProcessId', processId });
      running = status === 'alive';
    } else {
      running = false;
    }
    if (!running) {
      await process.finished();
      notifyExit();
      if (!startedAlive) this.#finishUnstored(processId, process);
    }
    return this.#result({
      processId,
      callId: request.callId,
      command: request.argv,
      process,
      running,
      output: process.decodeRead(collected),
      wallTimeMs,
      startedAt,
      maxOutputTokens: request.maxOutputTokens,
      truncationPolicy: request.truncationPolicy,
    });
  }

  /**
   * Writes `chars` to a session's terminal (or just polls when empty) and reads its output for a window
   * (250 ms..30 s after a write, default 250 ms; at least 5 s for a poll). Rejects with a
   * {@link UnifiedExecError} for an unknown or finished session, or input to a session without a terminal.
   */
  async writeStdin(request: WriteStdinRequest): Promise<ExecCallResult> {
    const processId = request.sessionId;
    const session = this.#store.get(processId);
    if (session === undefined) throw new UnifiedExecError({ type: 'unknownProcessId', processId });
    session.lastUsed = performance.now();
    const chars = request.chars ?? '';
    if (chars !== '') {
      if (!session.process.child.hasStdin) throw new UnifiedExecError({ type: 'stdinClosed' });
      try {
        await session.process.child.writeStdin(chars);
        // Let the program react so its answer lands in this read rather than the next.
        await delay(POST_WRITE_SETTLE_MS, undefined, request.signal === undefined ? {} : { signal: request.signal });
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        // A write that fails because the program just ended is no error: the read reports the exit.
        if (!session.process.hasExited) throw new UnifiedExecError({ type: 'writeToStdin' }, { cause: error });
      }
    }
    const window = clampWriteStdinYieldTime(
      request.yieldTimeMs ?? undefined,
      chars === '',
      this.#options.maxBackgroundTerminalTimeoutMs,
    );
    const start = performance.now();
    const collected = await collectOutputUntilDeadline(session.process, start + window, request.signal);
    const wallTimeMs = performance.now() - start;
    const status = this.#refresh(processId);
    if (status === 'unknown') throw new UnifiedExecError({ type: 'unknownProcessId', processId });
    if (status === 'exited') await session.process.finished();
    return this.#result({
      processId,
      callId: session.callId,
      command: session.command,
      process: session.process,
      running: status === 'alive',
      output: session.process.decodeRead(collected),
      wallTimeMs,
      startedAt: session.startedAt,
      maxOutputTokens: request.maxOutputTokens,
      truncationPolicy: request.truncationPolicy,
    });
  }

  /** Kills one session's process group; false when there is no such session. */
  terminate(sessionId: number): boolean {
    const session = this.#store.release(sessionId);
    session?.process.terminate();
    return session !== undefined;
  }

  /**
   * Kills every process group this manager started (turn or thread end, server shutdown) and forgets all
   * sessions. Resolves once they have exited, or after `timeoutMs`.
   */
  async terminateAll(timeoutMs = 2_000): Promise<void> {
    this.#store.drain();
    const processes = [...this.#live];
    for (const process of processes) process.terminate();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(processes.map((process) => process.finished())), timeout]);
    clearTimeout(timer);
  }

  async #spawn(request: ExecCommandRequest): Promise<ExecProcess> {
    try {
      const info = await stat(request.cwd);
      if (!info.isDirectory()) throw Object.assign(new Error(`not a directory: ${request.cwd}`), { code: 'ENOTDIR' });
    } catch (error) {
      throw spawnFailure(error);
    }
    const env = request.env ?? unifiedExecEnv({ threadId: this.#options.threadId, callId: request.callId });
    const prepare = request.prepare ?? this.#options.prepare;
    const prepared =
      prepare === undefined
        ? { file: request.argv[0] as string, args: request.argv.slice(1) }
        : await prepare(request.argv, request.cwd);
    const spec = { file: prepared.file, args: prepared.args, cwd: request.cwd, env: prepared.env ?? env };
    const tty = request.tty ?? false;
    let child: Subprocess;
    try {
      child = tty
        ? await spawnPtyProcess(spec, { size: { rows: TTY_ROWS, cols: TTY_COLS }, defaultTerm: 'dumb' })
        : await spawnPipeProcess(spec, { stdin: false });
    } catch (error) {
      throw spawnFailure(error);
    }
    return new ExecProcess(child, request.onOutput);
  }

  #storeSession(session: StoredProcess): void {
    const { pruned, count } = this.#store.insert(session);
    pruned?.process.terminate();
    if (count >= WARNING_PROCESSES) {
      this.#options.onWarning?.(
        `Warning: The maximum number of unified exec processes you can keep open is ${WARNING_PROCESSES} and you ` +
          `currently have ${count} processes open. Reuse older processes or close them to prevent automatic ` +
          'pruning of old processes',
      );
    }
  }

  /**
   * Whether a stored session still runs. An exited one is released here — its exit is being reported — and
   * its process group killed, so background jobs it left behind end with it (the reference drops the process).
   */
  #refresh(id: number): 'alive' | 'exited' | 'unknown' {
    const session = this.#store.get(id);
    if (session === undefined) return 'unknown';
    if (!session.process.hasExited) return 'alive';
    this.#store.release(id);
    session.process.terminate();
    return 'exited';
  }

  /** A command that ended within its first window was never stored: free its id and its group. */
  #finishUnstored(id: number, process: ExecProcess): void {
    this.#store.release(id);
    if (process.hasExited) process.terminate();
  }

  #result(fields: {
    readonly processId: number;
    readonly callId: string | undefined;
    readonly command: readonly string[];
    readonly process: ExecProcess;
    readonly running: boolean;
    readonly output: string;
    readonly wallTimeMs: number;
    readonly startedAt: number;
    readonly maxOutputTokens: number | null | undefined;
    readonly truncationPolicy: TruncationPolicy | undefined;
  }): ExecCallResult {
    const exitCode = fields.running ? null : fields.process.exitCode;
    const chunkId = generateChunkId();
    const originalTokenCount = approxTokenCount(fields.output);
    const exitedAt = fields.process.exitedAt;
    const text = formatExecResponse({
      chunkId,
      wallTimeMs: fields.wallTimeMs,
      exitCode,
      sessionId: fields.running ? fields.processId : null,
      originalTokenCount,
      output: fields.output,
      maxOutputTokens: fields.maxOutputTokens ?? undefined,
      truncationPolicy: fields.truncationPolicy ?? this.#options.truncationPolicy ?? FALLBACK_TRUNCATION_POLICY,
    });
    return {
      processId: fields.processId,
      callId: fields.callId,
      command: fields.command,
      running: fields.running,
      exitCode,
      output: fields.output,
      originalTokenCount,
      wallTimeMs: fields.wallTimeMs,
      durationMs: fields.running || exitedAt === null ? null : Math.max(exitedAt - fields.startedAt, 0),
      aggregatedOutput: fields.process.transcript(),
      chunkId,
      text,
    };
  }
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
