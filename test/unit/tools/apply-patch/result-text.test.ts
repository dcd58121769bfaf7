import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commitPatch } from '../../../../src/tools/apply-patch/commit.js';
import { ApplyPatchCommitError, ApplyPatchError } from '../../../../src/tools/apply-patch/errors.js';
import { parsePatch } from '../../../../src/tools/apply-patch/parser.js';
import { planPatch } from '../../../../src/tools/apply-patch/plan.js';
import { patchResultText, patchSummary } from '../../../../src/tools/apply-patch/result-text.js';
import { envelope, makeWorkspace } from './workspace.js';

describe('patchResultText', () => {
  it('lists added, then modified, then deleted files, as written in the patch', async (t) => {
    const cwd = await makeWorkspace(t, { 'upd.txt': 'foo\n', 'del.txt': 'gone\n', 'mv.txt': 'a\n' });
    const other = await makeWorkspace(t);
    const plan = await planPatch(
      parsePatch(
        envelope(
          '*** Delete File: del.txt',
          '*** Update File: mv.txt',
          '*** Move to: moved/mv2.txt',
          '@@',
          '-a',
          '+A',
          '*** Add File: sub/new.txt',
          '+x',
          '*** Update File: upd.txt',
          '@@',
          '-foo',
          '+FOO',
          `*** Add File: ${join(other, 'abs.txt')}`,
          '+abs',
        ),
      ),
      cwd,
    );
    assert.equal(
      patchSummary(plan),
      `Success. Updated the following files:\nA sub/new.txt\nA ${join(other, 'abs.txt')}\nM moved/mv2.txt\nM upd.txt\nD del.txt\n`,
    );
    assert.equal(
      patchResultText({ status: 'applied', plan, wallTimeMs: 12 }),
      `Exit code: 0\nWall time: 0 seconds\nOutput:\n${patchSummary(plan)}`,
    );
  });

  it('rounds the wall time to a tenth of a second', async (t) => {
    const cwd = await makeWorkspace(t);
    const plan = await planPatch(parsePatch(envelope('*** Add File: a', '+a')), cwd);
    const wallTime = (ms: number): string =>
      /Wall time: (.*) seconds/.exec(patchResultText({ status: 'applied', plan, wallTimeMs: ms }))?.[1] ?? '';
    assert.deepEqual([0, 49, 50, 1000, 1234].map(wallTime), ['0', '0', '0.1', '1', '1.2']);
  });

  it('prefixes parse and planning failures, but not the empty patch', () => {
    const parse = new ApplyPatchError('parse', "invalid patch: The first line of the patch must be '*** Begin Patch'");
    assert.equal(
      patchResultText({ status: 'rejected', error: parse }),
      "apply_patch verification failed: invalid patch: The first line of the patch must be '*** Begin Patch'",
    );
    const compute = new ApplyPatchError('compute', 'Failed to find expected lines in /w/a.txt:\nnothere');
    assert.equal(
      patchResultText({ status: 'rejected', error: compute }),
      'apply_patch verification failed: Failed to find expected lines in /w/a.txt:\nnothere',
    );
    const empty = new ApplyPatchError('emptyPatch', 'patch rejected: empty patch');
    assert.equal(patchResultText({ status: 'rejected', error: empty }), 'patch rejected: empty patch');
  });

  it('reports a failed write as a failed command', async (t) => {
    const cwd = await makeWorkspace(t, { 'a.txt': 'a\n' });
    const plan = await planPatch(parsePatch(envelope('*** Add File: ok.txt', '+ok', '*** Add File: a.txt/x.txt', '+x')), cwd);
    const error = await commitPatch(plan).then(
      () => assert.fail('committed'),
      (failure: unknown) => failure,
    );
    assert.ok(error instanceof ApplyPatchCommitError);
    assert.equal(
      patchResultText({ status: 'failed', error, wallTimeMs: 0 }),
      `Exit code: 1\nWall time: 0 seconds\nOutput:\nFailed to write file ${join(cwd, 'a.txt/x.txt')}\n`,
    );
  });
});
