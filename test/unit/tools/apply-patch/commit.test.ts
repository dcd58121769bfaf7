import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commitPatch } from '../../../../src/tools/apply-patch/commit.js';
import { ApplyPatchCommitError } from '../../../../src/tools/apply-patch/errors.js';
import { parsePatch } from '../../../../src/tools/apply-patch/parser.js';
import { planPatch } from '../../../../src/tools/apply-patch/plan.js';
import { applyPatchText, envelope, makeWorkspace, readTree } from './workspace.js';

/** Commits `patch` and returns the commit error it must fail with. */
async function commitError(patch: string, cwd: string): Promise<ApplyPatchCommitError> {
  const plan = await planPatch(parsePatch(patch), cwd);
  try {
    await commitPatch(plan);
  } catch (error) {
    assert.ok(error instanceof ApplyPatchCommitError, String(error));
    return error;
  }
  assert.fail('committed');
}

/** Every entry under `root`, directories and hidden files included (to spot leftover temporary files). */
async function allEntries(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true })).map(String).sort();
}

describe('commitPatch', () => {
  it('keeps earlier operations and reports the failed one when a write fails part-way', async (t) => {
    const cwd = await makeWorkspace(t, { 'a.txt': 'a\n' });
    // The second add needs a directory where a file is: its write fails after the first add is on disk.
    const error = await commitError(envelope('*** Add File: ok.txt', '+ok', '*** Add File: a.txt/x.txt', '+x'), cwd);
    assert.equal(error.kind, 'commit');
    assert.equal(error.message, `Failed to write file ${join(cwd, 'a.txt/x.txt')}`);
    assert.deepEqual(
      error.committed.map((operation) => operation.path),
      ['ok.txt'],
    );
    assert.equal(error.failed.path, 'a.txt/x.txt');
    assert.ok(error.cause instanceof Error);
    assert.deepEqual(await readTree(cwd), { 'a.txt': 'a\n', 'ok.txt': 'ok\n' });
  });

  it('never leaves a half-written file or a temporary file when the final rename fails', async (t) => {
    const cwd = await makeWorkspace(t, { 'dir/inside.txt': 'inside\n' });
    // Renaming a file over a non-empty directory fails after the temporary file was fully written.
    const error = await commitError(envelope('*** Add File: dir', '+would replace a directory'), cwd);
    assert.equal(error.message, `Failed to write file ${join(cwd, 'dir')}`);
    assert.deepEqual(await allEntries(cwd), ['dir', 'dir/inside.txt']);
    assert.deepEqual(await readTree(cwd), { 'dir/inside.txt': 'inside\n' });
  });

  it('fails a move onto a directory without touching the source', async (t) => {
    const cwd = await makeWorkspace(t, { 'm.txt': 'm\n', 'dir/keep.txt': 'k\n' });
    const error = await commitError(envelope('*** Update File: m.txt', '*** Move to: dir', '@@', '-m', '+M'), cwd);
    assert.equal(error.message, `Failed to write file ${join(cwd, 'dir')}`);
    assert.deepEqual(await allEntries(cwd), ['dir', 'dir/keep.txt', 'm.txt']);
    assert.deepEqual(await readTree(cwd), { 'dir/keep.txt': 'k\n', 'm.txt': 'm\n' });
  });

  it('reports a delete that fails', async (t) => {
    const cwd = await makeWorkspace(t, { 'gone.txt': 'x\n' });
    const plan = await planPatch(parsePatch(envelope('*** Delete File: gone.txt')), cwd);
    await commitPatch(plan);
    await assert.rejects(commitPatch(plan), (error: unknown) => {
      assert.ok(error instanceof ApplyPatchCommitError);
      assert.equal(error.message, `Failed to delete file ${join(cwd, 'gone.txt')}`);
      return true;
    });
  });

  it("keeps an updated file's mode, and gives a moved file its source's mode", async (t) => {
    const cwd = await makeWorkspace(t, { 'run.sh': '#!/bin/sh\necho hi\n', 'tool.sh': '#!/bin/sh\n' });
    await chmod(join(cwd, 'run.sh'), 0o751);
    await chmod(join(cwd, 'tool.sh'), 0o700);
    await applyPatchText(
      envelope(
        '*** Update File: run.sh',
        '@@',
        '-echo hi',
        '+echo HI',
        '*** Update File: tool.sh',
        '*** Move to: bin/tool.sh',
        '@@',
        ' #!/bin/sh',
        '+true',
      ),
      cwd,
    );
    assert.equal((await stat(join(cwd, 'run.sh'))).mode & 0o7777, 0o751);
    assert.equal((await stat(join(cwd, 'bin/tool.sh'))).mode & 0o7777, 0o700);
    assert.equal(await readFile(join(cwd, 'run.sh'), 'utf8'), '#!/bin/sh\necho HI\n');
  });

  it('updates the file a symbolic link points to and keeps the link', async (t) => {
    const cwd = await makeWorkspace(t, { 'real/target.txt': 'a\n' });
    await symlink('real/target.txt', join(cwd, 'link.txt'));
    await applyPatchText(envelope('*** Update File: link.txt', '@@', '-a', '+b'), cwd);
    assert.ok((await lstat(join(cwd, 'link.txt'))).isSymbolicLink());
    assert.equal(await readFile(join(cwd, 'real/target.txt'), 'utf8'), 'b\n');
  });

  it('leaves no temporary file behind after a successful patch', async (t) => {
    const cwd = await makeWorkspace(t, { 'a.txt': 'a\n' });
    await mkdir(join(cwd, 'empty'));
    await writeFile(join(cwd, 'empty/.keep'), '');
    await applyPatchText(envelope('*** Update File: a.txt', '@@', '-a', '+A', '*** Add File: empty/n.txt', '+n'), cwd);
    assert.deepEqual(await allEntries(cwd), ['a.txt', 'empty', 'empty/.keep', 'empty/n.txt']);
  });
});
