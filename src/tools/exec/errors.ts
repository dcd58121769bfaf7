import { constants } from 'node:os';
import { rustDebugString } from './rust-format.js';

/**
 * Why an `exec_command` or `write_stdin` call failed, with the texts the reference returns to the model
 * (`codex-rs/core/src/unified_exec/errors.rs`; wording probed against 0.169.0):
 *
 * - `write_stdin failed: Unknown process id 4711`  — `write_stdin` shows the error's Display form;
 * - `exec_command failed: CreateProcess { message: "Rejected(\"Failed to create unified exec process: No such
 *   file or directory (os error 2)\")" }` — `exec_command` shows its Debug form, including the orchestrator's
 *   `Rejected(…)` wrapping of a spawn failure.
 */
export type UnifiedExecErrorKind =
  | { readonly type: 'unknownProcessId'; readonly processId: number }
  | { readonly type: 'stdinClosed' }
  | { readonly type: 'writeToStdin' }
  | { readonly type: 'missingCommandLine' }
  | {
      readonly type: 'createProcess';
      /** Already in the reference's words (see {@link spawnFailure}). */ readonly message: string;
    };

export class UnifiedExecError extends Error {
  readonly kind: UnifiedExecErrorKind;

  constructor(kind: UnifiedExecErrorKind, options?: ErrorOptions) {
    super(displayOf(kind), options);
    this.name = 'UnifiedExecError';
    this.kind = kind;
  }

  /** The tool output for the model when `tool` failed with this error. */
  modelText(tool: 'exec_command' | 'write_stdin'): string {
    return tool === 'write_stdin'
      ? `write_stdin failed: ${this.message}`
      : `exec_command failed: ${debugOf(this.kind)}`;
  }
}

function displayOf(kind: UnifiedExecErrorKind): string {
  switch (kind.type) {
    case 'unknownProcessId':
      return `Unknown process id ${kind.processId}`;
    case 'stdinClosed':
      return 'stdin is closed for this session; rerun exec_command with tty=true to keep stdin open';
    case 'writeToStdin':
      return 'failed to write to stdin';
    case 'missingCommandLine':
      return 'missing command line for unified exec request';
    case 'createProcess':
      return `Failed to create unified exec process: ${kind.message}`;
  }
}

function debugOf(kind: UnifiedExecErrorKind): string {
  switch (kind.type) {
    case 'unknownProcessId':
      return `UnknownProcessId { process_id: ${kind.processId} }`;
    case 'stdinClosed':
      return 'StdinClosed';
    case 'writeToStdin':
      return 'WriteToStdin';
    case 'missingCommandLine':
      return 'MissingCommandLine';
    case 'createProcess':
      return `CreateProcess { message: ${rustDebugString(kind.message)} }`;
  }
}

/**
 * The error for a process that could not be started (missing working directory or program, …), worded as the
 * reference's orchestrator reports it: `Rejected("Failed to create unified exec process: <os error>")`.
 */
export function spawnFailure(cause: unknown): UnifiedExecError {
  const inner = `Failed to create unified exec process: ${osErrorText(cause)}`;
  return new UnifiedExecError({ type: 'createProcess', message: `Rejected(${rustDebugString(inner)})` }, { cause });
}

/** Rust's `io::Error` Display for the errno codes a spawn can hit: `No such file or directory (os error 2)`. */
export function osErrorText(cause: unknown): string {
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
  if (typeof code === 'string') {
    const text = STRERROR[code];
    const errno = (constants.errno as Readonly<Record<string, number | undefined>>)[code];
    if (text !== undefined && errno !== undefined) return `${text} (os error ${errno})`;
  }
  return cause instanceof Error ? cause.message : String(cause);
}

const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  E2BIG: 'Argument list too long',
  ENOEXEC: 'Exec format error',
  ENOMEM: 'Cannot allocate memory',
  EAGAIN: 'Resource temporarily unavailable',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
};
