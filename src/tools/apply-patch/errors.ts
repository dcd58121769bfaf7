import type { PlannedOperation } from './plan.js';

/**
 * Errors of the apply_patch engine. Their `message` is the reference's `Display` text for the same failure
 * (codex-rs/apply-patch `ParseError`, `ApplyPatchError`, and the `anyhow` contexts of the writer), because the
 * model reads it; `patchResultText` (result-text.ts) adds the prefix the reference puts in front of it.
 */

/**
 * Which stage failed, which decides how the model is told:
 * - `parse`: the envelope is malformed (`invalid patch: …`, `invalid hunk at line N, …`), including two
 *   operations on one file (`invalid patch: multiple operations target <path>`);
 * - `emptyPatch`: a well-formed envelope with no operation (`patch rejected: empty patch`);
 * - `io`: a file the patch needs could not be read (`Failed to read file to update <path>: …`);
 * - `compute`: an update's context is not in the file (`Failed to find expected lines in <path>:\n…`);
 * - `commit`: writing failed after planning succeeded ({@link ApplyPatchCommitError}).
 */
export type ApplyPatchErrorKind = 'parse' | 'emptyPatch' | 'io' | 'compute' | 'commit';

/** A patch that cannot be (fully) applied. Thrown by `parsePatch`, `planPatch` and `commitPatch`. */
export class ApplyPatchError extends Error {
  readonly kind: ApplyPatchErrorKind;

  constructor(kind: ApplyPatchErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApplyPatchError';
    this.kind = kind;
  }
}

/** `ParseError::InvalidPatchError`: the envelope as a whole is wrong. */
export function invalidPatch(detail: string): ApplyPatchError {
  return new ApplyPatchError('parse', `invalid patch: ${detail}`);
}

/** `ParseError::InvalidHunkError`: one operation of the envelope is wrong; `lineNumber` is 1-based. */
export function invalidHunk(detail: string, lineNumber: number): ApplyPatchError {
  return new ApplyPatchError('parse', `invalid hunk at line ${lineNumber}, ${detail}`);
}

/**
 * Writing a planned patch failed part-way. Operations before `failed` are on disk (the reference keeps them too);
 * `failed` and everything after it are not, and no file is left half-written. `message` is the reference's
 * context line (`Failed to write file <path>`, `Failed to delete file <path>`, `Failed to remove original
 * <path>`), without the OS error, as the reference reports it; `cause` carries the OS error.
 */
export class ApplyPatchCommitError extends ApplyPatchError {
  readonly committed: readonly PlannedOperation[];
  readonly failed: PlannedOperation;

  constructor(
    message: string,
    committed: readonly PlannedOperation[],
    failed: PlannedOperation,
    options?: ErrorOptions,
  ) {
    super('commit', message, options);
    this.name = 'ApplyPatchCommitError';
    this.committed = committed;
    this.failed = failed;
  }
}
