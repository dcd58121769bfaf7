import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitPatch } from '../../../../src/tools/apply-patch/commit.js';
import { ApplyPatchError, type ApplyPatchErrorKind } from '../../../../src/tools/apply-patch/errors.js';
import { parsePatch } from '../../../../src/tools/apply-patch/parser.js';
import { planPatch } from '../../../../src/tools/apply-patch/plan.js';
import { makeWorkspace, readTree } from './workspace.js';

/**
 * The situations of the reference's fixture scenarios (codex-rs/apply-patch/tests/fixtures/scenarios), with
 * inputs and expectations written here. One difference is deliberate: the reference's standalone binary writes
 * operations as it goes, but the app-server verifies the whole patch first, so a patch that fails to plan
 * writes nothing (015).
 */
interface Scenario {
  readonly name: string;
  readonly input: Readonly<Record<string, string>>;
  readonly patch: string;
  /** The files afterwards, or, for a refused patch, the error kind (and the files stay as they were). */
  readonly expected: Readonly<Record<string, string>> | { readonly refused: ApplyPatchErrorKind };
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: '001 adds a file',
    input: {},
    patch: '*** Begin Patch\n*** Add File: bar.md\n+This is a new file\n*** End Patch\n',
    expected: { 'bar.md': 'This is a new file\n' },
  },
  {
    name: '002 applies several operations',
    input: { 'delete.txt': 'obsolete\n', 'modify.txt': 'line1\nline2\n' },
    patch:
      '*** Begin Patch\n*** Add File: nested/new.txt\n+created\n*** Delete File: delete.txt\n' +
      '*** Update File: modify.txt\n@@\n-line2\n+changed\n*** End Patch\n',
    expected: { 'modify.txt': 'line1\nchanged\n', 'nested/new.txt': 'created\n' },
  },
  {
    name: '003 applies several chunks to one file',
    input: { 'multi.txt': 'line1\nline2\nline3\nline4\n' },
    patch: '*** Begin Patch\n*** Update File: multi.txt\n@@\n-line2\n+changed2\n@@\n-line4\n+changed4\n*** End Patch\n',
    expected: { 'multi.txt': 'line1\nchanged2\nline3\nchanged4\n' },
  },
  {
    name: '004 moves a file to a new directory',
    input: { 'old/name.txt': 'old content\n', 'old/other.txt': 'unrelated\n' },
    patch:
      '*** Begin Patch\n*** Update File: old/name.txt\n*** Move to: renamed/dir/name.txt\n@@\n-old content\n' +
      '+new content\n*** End Patch\n',
    expected: { 'old/other.txt': 'unrelated\n', 'renamed/dir/name.txt': 'new content\n' },
  },
  {
    name: '005 rejects an empty patch',
    input: { 'foo.txt': 'stable\n' },
    patch: '*** Begin Patch\n*** End Patch\n',
    expected: { refused: 'emptyPatch' },
  },
  {
    name: '006 rejects context that is not there',
    input: { 'modify.txt': 'line1\nline2\n' },
    patch: '*** Begin Patch\n*** Update File: modify.txt\n@@\n-missing\n+changed\n*** End Patch\n',
    expected: { refused: 'compute' },
  },
  {
    name: '007 rejects deleting a missing file',
    input: { 'foo.txt': 'stable\n' },
    patch: '*** Begin Patch\n*** Delete File: missing.txt\n*** End Patch\n',
    expected: { refused: 'io' },
  },
  {
    name: '008 rejects an update without chunks',
    input: { 'foo.txt': 'stable\n' },
    patch: '*** Begin Patch\n*** Update File: foo.txt\n*** End Patch\n',
    expected: { refused: 'parse' },
  },
  {
    name: '009 requires the file to update to exist',
    input: { 'foo.txt': 'stable\n' },
    patch: '*** Begin Patch\n*** Update File: missing.txt\n@@\n-old\n+new\n*** End Patch\n',
    expected: { refused: 'io' },
  },
  {
    name: '010 moves over an existing destination',
    input: { 'old/name.txt': 'from\n', 'old/other.txt': 'unrelated\n', 'renamed/dir/name.txt': 'existing\n' },
    patch:
      '*** Begin Patch\n*** Update File: old/name.txt\n*** Move to: renamed/dir/name.txt\n@@\n-from\n+new\n' +
      '*** End Patch\n',
    expected: { 'old/other.txt': 'unrelated\n', 'renamed/dir/name.txt': 'new\n' },
  },
  {
    name: '011 adds over an existing file',
    input: { 'duplicate.txt': 'old content\n' },
    patch: '*** Begin Patch\n*** Add File: duplicate.txt\n+new content\n*** End Patch\n',
    expected: { 'duplicate.txt': 'new content\n' },
  },
  {
    name: '012 refuses to delete a directory',
    input: { 'dir/foo.txt': 'stable\n' },
    patch: '*** Begin Patch\n*** Delete File: dir\n*** End Patch\n',
    expected: { refused: 'io' },
  },
  {
    name: '013 rejects an unknown hunk header',
    input: { 'foo.txt': 'stable\n' },
    patch: '*** Begin Patch\n*** Frobnicate File: foo\n*** End Patch\n',
    expected: { refused: 'parse' },
  },
  {
    name: '014 terminates the last line of an updated file',
    input: { 'no_newline.txt': 'no newline at end' },
    patch: '*** Begin Patch\n*** Update File: no_newline.txt\n@@\n-no newline at end\n+first line\n+second line\n*** End Patch\n',
    expected: { 'no_newline.txt': 'first line\nsecond line\n' },
  },
  {
    name: '015 writes nothing when a later operation fails to plan',
    input: {},
    patch:
      '*** Begin Patch\n*** Add File: created.txt\n+hello\n*** Update File: missing.txt\n@@\n-old\n+new\n' +
      '*** End Patch\n',
    expected: { refused: 'io' },
  },
  {
    name: '016 appends a pure addition chunk',
    input: { 'input.txt': 'line1\nline2\n' },
    patch: '*** Begin Patch\n*** Update File: input.txt\n@@\n+added line 1\n+added line 2\n*** End Patch\n',
    expected: { 'input.txt': 'line1\nline2\nadded line 1\nadded line 2\n' },
  },
  {
    name: '017 accepts a padded file header',
    input: { 'foo.txt': 'old\n' },
    patch: '*** Begin Patch\n  *** Update File: foo.txt\n@@\n-old\n+new\n*** End Patch\n',
    expected: { 'foo.txt': 'new\n' },
  },
  {
    name: '018 accepts padded envelope markers',
    input: { 'file.txt': 'one\n' },
    patch: ' *** Begin Patch\n*** Update File: file.txt\n@@\n-one\n+two\n*** End Patch \n',
    expected: { 'file.txt': 'two\n' },
  },
  {
    name: '019 updates non-ASCII text',
    input: { 'foo.txt': 'line1\nna\u00efve caf\u00e9\nline3\n' },
    patch: '*** Begin Patch\n*** Update File: foo.txt\n@@\n line1\n-na\u00efve caf\u00e9\n+na\u00efve caf\u00e9 \u2705\n*** End Patch \n',
    expected: { 'foo.txt': 'line1\nna\u00efve caf\u00e9 \u2705\nline3\n' },
  },
  {
    name: '020 deletes a file',
    input: { 'keep.txt': 'keep\n', 'obsolete.txt': 'remove\n' },
    patch: '*** Begin Patch\n*** Delete File: obsolete.txt\n*** End Patch\n',
    expected: { 'keep.txt': 'keep\n' },
  },
  {
    name: '021 applies a chunk that only deletes',
    input: { 'lines.txt': 'line1\nline2\nline3\n' },
    patch: '*** Begin Patch\n*** Update File: lines.txt\n@@\n line1\n-line2\n line3\n*** End Patch\n',
    expected: { 'lines.txt': 'line1\nline3\n' },
  },
  {
    name: '022 anchors a chunk at the end of the file',
    input: { 'tail.txt': 'first\nsecond\n' },
    patch: '*** Begin Patch\n*** Update File: tail.txt\n@@\n first\n-second\n+second updated\n*** End of File\n*** End Patch\n',
    expected: { 'tail.txt': 'first\nsecond updated\n' },
  },
];

describe('reference fixture scenarios', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async (t) => {
      const cwd = await makeWorkspace(t, scenario.input);
      const { expected } = scenario;
      if ('refused' in expected) {
        await assert.rejects(
          async () => planPatch(parsePatch(scenario.patch), cwd),
          (error: unknown) => error instanceof ApplyPatchError && error.kind === expected.refused,
        );
        assert.deepEqual(await readTree(cwd), scenario.input);
      } else {
        await commitPatch(await planPatch(parsePatch(scenario.patch), cwd));
        assert.deepEqual(await readTree(cwd), expected);
      }
    });
  }
});
