import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/**
 * How apply_patch is offered to the model. Models that support it get a freeform (custom) tool whose input is
 * constrained by a Lark grammar of the envelope; the others get a function tool taking the patch as `input`.
 * The descriptions and the grammar are ours; the shapes are the reference's.
 */

export const APPLY_PATCH_TOOL_NAME = 'apply_patch';

/** The function variant's arguments. */
export const ApplyPatchFunctionArgumentsSchema = lazySchema(() => z.object({ input: z.string() }));
export type ApplyPatchFunctionArguments = z.infer<typeof ApplyPatchFunctionArgumentsSchema>;

/**
 * The envelope's grammar. It accepts what the engine's parser accepts when the model writes it canonically
 * (the parser is more lenient: padded markers, a heredoc wrapper, blank lines between chunks).
 */
export const APPLY_PATCH_LARK_GRAMMAR = [
  'start: "*** Begin Patch" LF file_op+ "*** End Patch" LF?',
  '',
  'file_op: create_file | remove_file | edit_file',
  'create_file: "*** Add File: " PATH LF new_line+',
  'remove_file: "*** Delete File: " PATH LF',
  'edit_file: "*** Update File: " PATH LF rename? section?',
  'rename: "*** Move to: " PATH LF',
  '',
  'section: (anchor | diff_line)+ eof_marker?',
  'anchor: ("@@" | "@@ " TEXT) LF',
  'diff_line: (" " | "-" | "+") TEXT? LF',
  'new_line: "+" TEXT? LF',
  'eof_marker: "*** End of File" LF',
  '',
  'PATH: /.+/',
  'TEXT: /.+/',
  '',
  '%import common.LF',
  '',
].join('\n');

const FREEFORM_DESCRIPTION =
  'Create, edit, move or delete files with a patch in the apply_patch format. Send the raw patch text as the ' +
  'input (it is not JSON).';

const FUNCTION_DESCRIPTION = `Create, edit, move or delete files by sending a patch as \`input\`.

The patch is plain text between \`*** Begin Patch\` and \`*** End Patch\`. Inside, one section per file:
- \`*** Add File: <path>\` followed by the new file's lines, each prefixed with \`+\`.
- \`*** Delete File: <path>\` alone.
- \`*** Update File: <path>\`, optionally followed by \`*** Move to: <new path>\`, then one or more change blocks.
  A change block starts with \`@@\` (optionally \`@@ <a line near the change, such as a function header>\`) and
  lists lines prefixed with a space (unchanged, for context), \`-\` (removed) or \`+\` (added). Give about three
  unchanged lines before and after each change so it can be located; add \`*** End of File\` after a block that
  must match the end of the file.
Paths are relative to the working directory (absolute paths also work). Example:

*** Begin Patch
*** Update File: src/app.py
@@ def main():
     args = parse()
-    run(args)
+    run(args, verbose=True)
*** End Patch`;

/** The freeform tool: the model sends the patch as the call's raw input, checked against the grammar. */
export function applyPatchToolSpec(): Record<string, unknown> {
  return {
    type: 'custom',
    name: APPLY_PATCH_TOOL_NAME,
    description: FREEFORM_DESCRIPTION,
    format: { type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_LARK_GRAMMAR },
  };
}

/** The function tool, for models that call apply_patch with JSON arguments `{"input": "<patch>"}`. */
export function applyPatchFunctionToolSpec(): Record<string, unknown> {
  return {
    type: 'function',
    name: APPLY_PATCH_TOOL_NAME,
    description: FUNCTION_DESCRIPTION,
    strict: false,
    parameters: {
      type: 'object',
      properties: { input: { type: 'string', description: 'The whole patch, from *** Begin Patch to *** End Patch.' } },
      required: ['input'],
      additionalProperties: false,
    },
  };
}
