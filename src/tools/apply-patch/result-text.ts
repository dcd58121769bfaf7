import type { ApplyPatchCommitError, ApplyPatchError } from './errors.js';
import type { PatchPlan } from './plan.js';

/**
 * What the model reads back from an apply_patch call (the tool call's output), in the reference's words
 * (probed on 0.169.0):
 * - parse or planning failure, nothing written: `apply_patch verification failed: <error>`; an envelope
 *   without operations: `patch rejected: empty patch`;
 * - written: the exec-style block `Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following
 *   files:\nA new.txt\nM changed.txt\nD gone.txt\n` (added, then modified, then deleted, each in patch order,
 *   paths as the model wrote them; a moved file is listed as `M <destination>`);
 * - a write failed part-way: `Exit code: 1\nWall time: 0 seconds\nOutput:\nFailed to write file <path>\n`.
 */
export type PatchOutcome =
  | { readonly status: 'rejected'; readonly error: ApplyPatchError }
  | { readonly status: 'applied'; readonly plan: PatchPlan; readonly wallTimeMs: number }
  | { readonly status: 'failed'; readonly error: ApplyPatchCommitError; readonly wallTimeMs: number };

/** The tool output text for `outcome` (see {@link PatchOutcome}). */
export function patchResultText(outcome: PatchOutcome): string {
  switch (outcome.status) {
    case 'rejected':
      return outcome.error.kind === 'emptyPatch'
        ? outcome.error.message
        : `apply_patch verification failed: ${outcome.error.message}`;
    case 'applied':
      return execStyleOutput(0, outcome.wallTimeMs, patchSummary(outcome.plan));
    case 'failed':
      return execStyleOutput(1, outcome.wallTimeMs, `${outcome.error.message}\n`);
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
    }
  }
}

/** The success summary the reference's apply_patch prints (`print_summary`). */
export function patchSummary(plan: PatchPlan): string {
  const added: string[] = [];
  const modified: string[] = [];
  const deleted: string[] = [];
  for (const operation of plan.operations) {
    if (operation.type === 'add') added.push(`A ${operation.path}\n`);
    else if (operation.type === 'delete') deleted.push(`D ${operation.path}\n`);
    else modified.push(`M ${operation.movePath ?? operation.path}\n`);
  }
  return ['Success. Updated the following files:\n', ...added, ...modified, ...deleted].join('');
}

/**
 * The reference runs apply_patch as a command and answers with its freeform exec rendering
 * (`format_exec_output_for_model_freeform`): exit code, wall time rounded to a tenth of a second and printed like
 * a Rust `f32` (`0`, `0.1`, `2`), then the output.
 */
function execStyleOutput(exitCode: number, wallTimeMs: number, output: string): string {
  const seconds = Math.round(Math.max(0, wallTimeMs) / 100) / 10;
  return `Exit code: ${exitCode}\nWall time: ${String(seconds)} seconds\nOutput:\n${output}`;
}
