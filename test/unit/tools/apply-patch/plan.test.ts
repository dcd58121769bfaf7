import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApplyPatchError } from '../../../../src/tools/apply-patch/errors.js';
import { parsePatch } from '../../../../src/tools/apply-patch/parser.js';
import { planPatch } from '../../../../src/tools/apply-patch/plan.js';
import { applyPatchText, envelope, makeWorkspace, readTree } from './workspace.js';

/** The error `planPatch` throws for `patch` in `cwd`, with `<cwd>` in place of the directory. */
async function planError(patch: string, cwd: string): Promise<{ kind: string; message: string }> {
  try {
    await planPatch(parsePatch(patch), cwd);
  } catch (error) {
    assert.ok(error instanceof ApplyPatchError, String(error));
    return { kind: error.kind, message: error.message.split(cwd).join('<cwd>') };
  }
  assert.fail('planned');
}

describe('planPatch and commitPatch', () => {
  it('adds a file, creating its directories', async (t) => {
    const cwd = await makeWorkspace(t);
    await applyPatchText(envelope('*** Add File: sub/dir/new.txt', '+hello', '+world'), cwd);
    assert.deepEqual(await readTree(cwd), { 'sub/dir/new.txt': 'hello\nworld\n' });
  });

  it('overwrites an existing file on add, as the reference does', async (t) => {
    const cwd = await makeWorkspace(t, { 'dup.txt': 'exists\n' });
    const plan = await applyPatchText(envelope('*** Add File: dup.txt', '+new'), cwd);
    assert.deepEqual(await readTree(cwd), { 'dup.txt': 'new\n' });
    assert.deepEqual(plan.operations[0], {
      type: 'add',
      path: 'dup.txt',
      absolutePath: join(cwd, 'dup.txt'),
      content: 'new\n',
      overwrittenContent: 'exists\n',
    });
  });

  it('updates with context found exactly, without trailing whitespace, with other indentation, or typographic', async (t) => {
    const cwd = await makeWorkspace(t, {
      'exact.txt': 'foo\nbar\nbaz\n',
      'trailing.txt': 'foo   \nbar\t\nbaz\n',
      'indent.py': 'class A:\n    def f(self):\n        return 1\n',
      'unicode.py': 'import asyncio  # local import \u2013 avoids top\u2011level dep\n',
    });
    await applyPatchText(
      envelope(
        '*** Update File: exact.txt',
        '@@',
        ' foo',
        '-bar',
        '+BAR',
        '*** Update File: trailing.txt',
        '@@',
        ' foo',
        '-bar',
        '+BAR',
        '*** Update File: indent.py',
        '@@ class A:',
        ' def f(self):',
        '-    return 1',
        '+    return 2',
        '*** Update File: unicode.py',
        '@@',
        '-import asyncio  # local import - avoids top-level dep',
        '+import asyncio  # HELLO',
      ),
      cwd,
    );
    assert.deepEqual(await readTree(cwd), {
      'exact.txt': 'foo\nBAR\nbaz\n',
      // A context line keeps the file's own text; replaced lines take the patch's.
      'trailing.txt': 'foo   \nBAR\nbaz\n',
      'indent.py': 'class A:\n    def f(self):\n    return 2\n',
      'unicode.py': 'import asyncio  # HELLO\n',
    });
  });

  it('moves a file into a new directory', async (t) => {
    const cwd = await makeWorkspace(t, { 'old/name.txt': 'old content\n', 'old/other.txt': 'other\n' });
    await applyPatchText(
      envelope('*** Update File: old/name.txt', '*** Move to: renamed/dir/name.txt', '@@', '-old content', '+new content'),
      cwd,
    );
    assert.deepEqual(await readTree(cwd), { 'old/other.txt': 'other\n', 'renamed/dir/name.txt': 'new content\n' });
  });

  it('moves over an existing destination', async (t) => {
    const cwd = await makeWorkspace(t, { 'a.txt': '1\n', 'b.txt': 'old\n' });
    const plan = await applyPatchText(envelope('*** Update File: a.txt', '*** Move to: b.txt', '@@', '-1', '+one'), cwd);
    assert.deepEqual(await readTree(cwd), { 'b.txt': 'one\n' });
    const [operation] = plan.operations;
    assert.ok(operation?.type === 'update');
    assert.equal(operation.overwrittenMoveContent, 'old\n');
  });

  it('treats a move onto the same path as an in-place update (the file is not lost)', async (t) => {
    const cwd = await makeWorkspace(t, { 'a.txt': 'a\n' });
    await applyPatchText(envelope('*** Update File: a.txt', '*** Move to: ./a.txt', '@@', '-a', '+A'), cwd);
    assert.deepEqual(await readTree(cwd), { 'a.txt': 'A\n' });
  });

  it('deletes a file', async (t) => {
    const cwd = await makeWorkspace(t, { 'obsolete.txt': 'x\n', 'keep.txt': 'k\n' });
    await applyPatchText(envelope('*** Delete File: obsolete.txt'), cwd);
    assert.deepEqual(await readTree(cwd), { 'keep.txt': 'k\n' });
  });

  it('applies several chunks in order, including an end-of-file insertion', async (t) => {
    const cwd = await makeWorkspace(t, { 'f.txt': 'a\nb\nc\nd\ne\nf\n' });
    await applyPatchText(
      envelope('*** Update File: f.txt', '@@', ' a', '-b', '+B', '@@', ' c', ' d', '-e', '+E', '@@', ' f', '+g', '*** End of File'),
      cwd,
    );
    assert.deepEqual(await readTree(cwd), { 'f.txt': 'a\nB\nc\nd\nE\nf\ng\n' });
  });

  it('seeks an @@ header before the chunk lines', async (t) => {
    const cwd = await makeWorkspace(t, { 's.py': 'def f():\n    return 1\n\ndef g():\n    return 1\n' });
    await applyPatchText(envelope('*** Update File: s.py', '@@ def g():', '-    return 1', '+    return 2'), cwd);
    assert.deepEqual(await readTree(cwd), { 's.py': 'def f():\n    return 1\n\ndef g():\n    return 2\n' });
  });

  it('anchors an *** End of File chunk at the end of the file', async (t) => {
    const cwd = await makeWorkspace(t, { 'e.txt': 'x\ny\nx\ny\n' });
    await applyPatchText(envelope('*** Update File: e.txt', '@@', ' x', '-y', '+Y', '*** End of File'), cwd);
    assert.deepEqual(await readTree(cwd), { 'e.txt': 'x\ny\nx\nY\n' });
  });

  it('appends the lines of a pure insertion at the end of the file, whatever its @@ header', async (t) => {
    const cwd = await makeWorkspace(t, { 'p.py': 'def f():\n    pass\ndef g():\n    pass\n', 'blank.txt': 'a\nb\n\n' });
    await applyPatchText(
      envelope('*** Update File: p.py', '@@ def f():', '+    x = 1', '*** Update File: blank.txt', '@@', '+c'),
      cwd,
    );
    assert.deepEqual(await readTree(cwd), {
      'blank.txt': 'a\nb\n\nc\n',
      'p.py': 'def f():\n    pass\ndef g():\n    pass\n    x = 1\n',
    });
  });

  it("keeps each line's ending; new lines take the file's first ending; the last line gets terminated", async (t) => {
    const cwd = await makeWorkspace(t, {
      'crlf.txt': 'one\r\ntwo\r\n',
      'mixed.txt': 'a\nb\r\nc\r\n',
      'unterminated.txt': 'a\r\nb',
      'nonl.txt': 'no newline',
    });
    await applyPatchText(
      envelope(
        '*** Update File: crlf.txt',
        '@@',
        ' one',
        '-two',
        '+TWO',
        '*** Update File: mixed.txt',
        '@@',
        ' b',
        '-c',
        '+C',
        '+D',
        '*** Update File: unterminated.txt',
        '@@',
        '-a',
        '+A',
        '*** Update File: nonl.txt',
        '@@',
        '-no newline',
        '+with newline',
      ),
      cwd,
    );
    assert.deepEqual(await readTree(cwd), {
      'crlf.txt': 'one\r\nTWO\r\n',
      'mixed.txt': 'a\nb\r\nC\nD\n',
      'nonl.txt': 'with newline\n',
      'unterminated.txt': 'A\r\nb\r\n',
    });
  });

  it('resolves absolute paths as given and relative ones against the cwd', async (t) => {
    const cwd = await makeWorkspace(t);
    const other = await makeWorkspace(t, { 'o.txt': 'o\n' });
    const plan = await applyPatchText(
      envelope('*** Add File: sub/../rel.txt', '+r', `*** Update File: ${join(other, 'o.txt')}`, '@@', '-o', '+O'),
      cwd,
    );
    assert.deepEqual(
      plan.operations.map((operation) => [operation.path, operation.absolutePath]),
      [
        ['sub/../rel.txt', join(cwd, 'rel.txt')],
        [join(other, 'o.txt'), join(other, 'o.txt')],
      ],
    );
    assert.deepEqual(await readTree(cwd), { 'rel.txt': 'r\n' });
    assert.deepEqual(await readTree(other), { 'o.txt': 'O\n' });
  });

  it('lets a later operation see what an earlier one wrote', async (t) => {
    const cwd = await makeWorkspace(t, { a: '1\n' });
    await applyPatchText(envelope('*** Update File: a', '*** Move to: b', '@@', '-1', '+2', '*** Update File: b', '@@', '-2', '+3'), cwd);
    assert.deepEqual(await readTree(cwd), { b: '3\n' });
  });

  it('refuses an envelope without operations', async (t) => {
    const cwd = await makeWorkspace(t);
    assert.deepEqual(await planError('*** Begin Patch\n*** End Patch', cwd), {
      kind: 'emptyPatch',
      message: 'patch rejected: empty patch',
    });
  });

  it('refuses two operations on one path', async (t) => {
    const cwd = await makeWorkspace(t, { 'a.txt': 'a\n' });
    const expected = { kind: 'parse', message: 'invalid patch: multiple operations target <cwd>/a.txt' };
    assert.deepEqual(await planError(envelope('*** Delete File: a.txt', '*** Add File: ./a.txt', '+x'), cwd), expected);
    assert.deepEqual(
      await planError(envelope('*** Update File: a.txt', '@@', '-a', '+A', '*** Update File: a.txt', '@@', '-zzz', '+Q'), cwd),
      expected,
    );
    // A move's destination is not its key: an add of it is allowed.
    await applyPatchText(envelope('*** Update File: a.txt', '*** Move to: b.txt', '@@', '-a', '+A', '*** Add File: b.txt', '+x'), cwd);
    assert.deepEqual(await readTree(cwd), { 'b.txt': 'x\n' });
  });

  it('reports files that cannot be read, in the reference words', async (t) => {
    const cwd = await makeWorkspace(t, { 'f.txt': 'a\n', 'bin.txt': Buffer.from([0xff, 0xfe, 0x0a]) });
    await mkdir(join(cwd, 'dir'));
    const cases: [string, string][] = [
      [
        envelope('*** Update File: missing.txt', '@@', '-a', '+b'),
        'Failed to read file to update <cwd>/missing.txt: No such file or directory (os error 2)',
      ],
      [envelope('*** Delete File: missing.txt'), 'Failed to read <cwd>/missing.txt: No such file or directory (os error 2)'],
      [envelope('*** Delete File: dir'), 'Failed to read <cwd>/dir: path `<cwd>/dir` is not a file'],
      [
        envelope('*** Update File: dir', '@@', '-x', '+y'),
        'Failed to read file to update <cwd>/dir: path `<cwd>/dir` is not a file',
      ],
      [
        envelope('*** Update File: bin.txt', '@@', '-x', '+y'),
        'Failed to read file to update <cwd>/bin.txt: invalid utf-8 sequence of 1 bytes from index 0',
      ],
      [
        envelope('*** Update File: f.txt/sub.txt', '@@', '-a', '+b'),
        'Failed to read file to update <cwd>/f.txt/sub.txt: Not a directory (os error 20)',
      ],
    ];
    for (const [patch, message] of cases) assert.deepEqual(await planError(patch, cwd), { kind: 'io', message });
  });

  it('reports context that is not in the file', async (t) => {
    const cwd = await makeWorkspace(t, { 'a.txt': 'foo\nbar\n', 'o.txt': 'a\nb\nc\n' });
    assert.deepEqual(await planError(envelope('*** Update File: a.txt', '@@', '-nothere', '-either', '+x'), cwd), {
      kind: 'compute',
      message: 'Failed to find expected lines in <cwd>/a.txt:\nnothere\neither',
    });
    assert.deepEqual(await planError(envelope('*** Update File: a.txt', '@@ nocontext', '-foo', '+y'), cwd), {
      kind: 'compute',
      message: "Failed to find context 'nocontext' in <cwd>/a.txt",
    });
    // Chunks must come in file order.
    assert.deepEqual(await planError(envelope('*** Update File: o.txt', '@@', '-c', '+C', '@@', '-a', '+A'), cwd), {
      kind: 'compute',
      message: 'Failed to find expected lines in <cwd>/o.txt:\na',
    });
  });

  it('writes nothing when the second file of a patch fails to plan', async (t) => {
    const files = { 'a.txt': 'a\n', 'b.txt': 'b\n' };
    const cwd = await makeWorkspace(t, files);
    const patch = envelope(
      '*** Add File: created.txt',
      '+hi',
      '*** Update File: a.txt',
      '@@',
      '-a',
      '+A',
      '*** Update File: b.txt',
      '@@',
      '-zzz',
      '+Z',
    );
    await assert.rejects(planPatch(parsePatch(patch), cwd), ApplyPatchError);
    assert.deepEqual(await readTree(cwd), files);
  });
});
