import type { FileUpdateChange } from '../../protocol/v2/items-tools.js';
import type { PatchPlan, PlannedOperation } from './plan.js';
import { compareRustStrings } from './rust-text.js';
import { unifiedDiff } from './unified-diff.js';

/** Context lines around each change in a fileChange item's update diff (the reference uses a radius of 1). */
const ITEM_DIFF_CONTEXT = 1;

/**
 * The `changes` of the fileChange item for `plan`, as the reference's app-server builds them
 * (`convert_patch_changes` / `format_file_change_diff`, confirmed by probing 0.169.0):
 * - one entry per operation, `path` absolute, sorted by path (byte order);
 * - add: `diff` is the new file's text; delete: the deleted file's text;
 * - update: hunks only (`@@ -1,3 +1,3 @@ …`, no `---`/`+++`), one line of context; with a move,
 *   `kind.move_path` is absolute and the diff is followed by `\n\nMoved to: <absolute path>` (even when the text
 *   did not change, giving `\n\nMoved to: …`).
 */
export function fileUpdateChanges(plan: PatchPlan): FileUpdateChange[] {
  return plan.operations.map(fileUpdateChange).sort((a, b) => compareRustStrings(a.path, b.path));
}

function fileUpdateChange(operation: PlannedOperation): FileUpdateChange {
  const path = operation.absolutePath;
  switch (operation.type) {
    case 'add':
      return { path, kind: { type: 'add' }, diff: operation.content };
    case 'delete':
      return { path, kind: { type: 'delete' }, diff: operation.previousContent };
    case 'update': {
      const hunks = unifiedDiff(operation.previousContent, operation.newContent, ITEM_DIFF_CONTEXT);
      const movePath = operation.absoluteMovePath;
      return {
        path,
        kind: { type: 'update', move_path: movePath },
        diff: movePath === null ? hunks : `${hunks}\n\nMoved to: ${movePath}`,
      };
    }
    default: {
      const unknown: never = operation;
      throw new Error(`unknown operation ${JSON.stringify(unknown)}`);
    }
  }
}
