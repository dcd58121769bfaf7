import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileUpdateChangeSchema } from '../../../../src/protocol/v2/items-tools.js';
import { fileUpdateChanges } from '../../../../src/tools/apply-patch/file-changes.js';
import { parsePatch } from '../../../../src/tools/apply-patch/parser.js';
import { planPatch } from '../../../../src/tools/apply-patch/plan.js';
import { MIXED_PATCH, MIXED_WORKSPACE, envelope, makeWorkspace } from './workspace.js';

describe('fileUpdateChanges', () => {
  // Expected values are what 0.169.0 put in item/started and item/completed for the same patch.
  it('gives absolute paths sorted, contents for add and delete, one-line-context hunks for updates', async (t) => {
    const cwd = await makeWorkspace(t, MIXED_WORKSPACE);
    const plan = await planPatch(parsePatch(MIXED_PATCH), cwd);
    const changes = fileUpdateChanges(plan);
    assert.deepEqual(changes, [
      { path: join(cwd, 'del.txt'), kind: { type: 'delete' }, diff: 'gone\n' },
      {
        path: join(cwd, 'mv.txt'),
        kind: { type: 'update', move_path: join(cwd, 'moved/mv2.txt') },
        diff: `@@ -1,2 +1,2 @@\n a\n-b\n+B\n\n\nMoved to: ${join(cwd, 'moved/mv2.txt')}`,
      },
      { path: join(cwd, 'sub/new.txt'), kind: { type: 'add' }, diff: 'hello\nworld\n' },
      {
        path: join(cwd, 'upd.txt'),
        kind: { type: 'update', move_path: null },
        diff: '@@ -1,3 +1,3 @@\n foo\n-bar\n+BAR\n baz\n',
      },
    ]);
    for (const change of changes) FileUpdateChangeSchema.parse(change);
  });

  it('renders a move without a text change, a missing final newline and CRLF lines as the reference does', async (t) => {
    const cwd = await makeWorkspace(t, { 'f.txt': 'a\n', 'nonl.txt': 'no newline', 'crlf.txt': 'one\r\ntwo\r\n' });
    const plan = await planPatch(
      parsePatch(
        envelope(
          '*** Update File: f.txt',
          '*** Move to: f2.txt',
          '@@',
          '-a',
          '+a',
          '*** Update File: nonl.txt',
          '@@',
          '-no newline',
          '+with newline',
          '*** Update File: crlf.txt',
          '@@',
          ' one',
          '-two',
          '+TWO',
        ),
      ),
      cwd,
    );
    assert.deepEqual(
      fileUpdateChanges(plan).map((change) => change.diff),
      [
        '@@ -1,2 +1,2 @@\n one\r\n-two\r\n+TWO\r\n',
        `\n\nMoved to: ${join(cwd, 'f2.txt')}`,
        '@@ -1 +1 @@\n-no newline\n\\ No newline at end of file\n+with newline\n',
      ],
    );
  });
});
