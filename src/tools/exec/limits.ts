/**
 * The numbers that shape unified exec, as the reference 0.169.0 has them (`codex-rs/core/src/unified_exec/mod.rs`,
 * `process.rs`, `process_manager.rs`, `tools/handlers/unified_exec.rs`), and the clamps applied to the model's
 * `yield_time_ms`. Probed against the reference binary where a value is observable.
 */

/** `exec_command` and non-empty `write_stdin` never wait less than this (a smaller request is raised to it). */
export const MIN_YIELD_TIME_MS = 250;
/** …nor longer than this. */
export const MAX_YIELD_TIME_MS = 30_000;
/** An empty `write_stdin` (a poll) waits at least this long: polling in a tight loop wastes turns. */
export const MIN_EMPTY_YIELD_TIME_MS = 5_000;
/** Default upper bound of an empty poll (config `background_terminal_max_timeout`). */
export const DEFAULT_MAX_BACKGROUND_TERMINAL_TIMEOUT_MS = 300_000;

/** `yield_time_ms` of `exec_command` when the model omits it. */
export const DEFAULT_EXEC_YIELD_TIME_MS = 10_000;
/** `yield_time_ms` of `write_stdin` when the model omits it. */
export const DEFAULT_WRITE_STDIN_YIELD_TIME_MS = 250;

/** `max_output_tokens` when the model omits it. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 10_000;

/** Output kept per process between two reads (and for the whole transcript): half head, half tail. */
export const OUTPUT_MAX_BYTES = 1024 * 1024;

/** Live processes kept at most; storing one more prunes an old one. */
export const MAX_PROCESSES = 64;
/** From this many live processes on, the model is warned that old ones will be pruned. */
export const WARNING_PROCESSES = 60;
/** The most recently used processes are never pruned. */
export const PRUNE_PROTECTED_RECENT = 8;

/**
 * Process ids (= session ids the model sees) are drawn at random from [MIN, MAX); the reference does so in
 * production (deterministic ids are a test-only switch there).
 */
export const PROCESS_ID_MIN = 1_000;
export const PROCESS_ID_MAX = 100_000;

/**
 * After spawning, the reference waits up to this long for an early exit before it starts the wall clock (a
 * command that fails at once reports ~0 s); so a short command's `Wall time` is about 0.
 */
export const EARLY_EXIT_GRACE_MS = 150;
/** Once the process has exited, output still in flight is awaited at most this long. */
export const POST_EXIT_CLOSE_WAIT_MS = 50;
/** After writing to a terminal, give the program this long to react before the read window starts. */
export const POST_WRITE_SETTLE_MS = 100;

/** The terminal size of a `tty: true` process (rows × cols), the reference's default. */
export const TTY_ROWS = 24;
export const TTY_COLS = 80;

/** `exec_command`'s window: the model's value (default 10 s) clamped to 250 ms..30 s. */
export function clampExecYieldTime(requested: number | undefined): number {
  return clamp(requested ?? DEFAULT_EXEC_YIELD_TIME_MS, MIN_YIELD_TIME_MS, MAX_YIELD_TIME_MS);
}

/**
 * `write_stdin`'s window. A poll (empty `chars`) waits 5 s..`maxBackgroundTimeoutMs`; a write waits 250 ms..30 s
 * so an interactive session stays responsive.
 */
export function clampWriteStdinYieldTime(
  requested: number | undefined,
  isPoll: boolean,
  maxBackgroundTimeoutMs: number = DEFAULT_MAX_BACKGROUND_TERMINAL_TIMEOUT_MS,
): number {
  const time = Math.max(requested ?? DEFAULT_WRITE_STDIN_YIELD_TIME_MS, MIN_YIELD_TIME_MS);
  if (!isPoll) return Math.min(time, MAX_YIELD_TIME_MS);
  return clamp(time, MIN_EMPTY_YIELD_TIME_MS, Math.max(maxBackgroundTimeoutMs, MIN_EMPTY_YIELD_TIME_MS));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
