/**
 * A parsed apply_patch envelope: what each operation asks for, before any file is read. Paths are kept as the
 * model wrote them (relative to the thread's cwd, or absolute); `planPatch` resolves them.
 */

/** One `*** Add File:` / `*** Delete File:` / `*** Update File:` section, in patch order. */
export type Hunk = AddFileHunk | DeleteFileHunk | UpdateFileHunk;

export interface AddFileHunk {
  readonly type: 'add';
  readonly path: string;
  /** The `+` lines joined, each ending with `\n` (so a non-empty add always ends with a newline). */
  readonly contents: string;
}

export interface DeleteFileHunk {
  readonly type: 'delete';
  readonly path: string;
}

export interface UpdateFileHunk {
  readonly type: 'update';
  readonly path: string;
  /** The `*** Move to:` destination, or null to update in place. */
  readonly movePath: string | null;
  /** At least one; each must match later in the file than the previous one. */
  readonly chunks: readonly UpdateChunk[];
}

/** One `@@` section of an update: a block of old lines to find and the lines that replace it. */
export interface UpdateChunk {
  /** The text after `@@ `: a line (usually a class or function header) to seek before the old lines. */
  readonly changeContext: string | null;
  /** Context and `-` lines, in order, without their one-character prefix. Empty for a pure insertion. */
  readonly oldLines: readonly string[];
  /** Context and `+` lines, in order, without their prefix. */
  readonly newLines: readonly string[];
  /**
   * Where each context line (a ` ` line, or a blank line) sits in `oldLines` and in `newLines`. Applying keeps
   * the file's own version of these lines (its exact text and line ending), replacing only the runs between them.
   */
  readonly contextLineIndices: readonly (readonly [oldIndex: number, newIndex: number])[];
  /** `*** End of File` closed the chunk: the old lines must be the file's last lines. */
  readonly isEndOfFile: boolean;
}

/** The whole envelope. */
export interface Patch {
  readonly hunks: readonly Hunk[];
  /**
   * The envelope's lines from `*** Begin Patch` to `*** End Patch`, joined with `\n`, without a heredoc wrapper
   * the model may have put around them (what an approval prompt should show).
   */
  readonly text: string;
}
