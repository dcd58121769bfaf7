import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplyPatchError } from '../../../../src/tools/apply-patch/errors.js';
import { parsePatch } from '../../../../src/tools/apply-patch/parser.js';
import { envelope } from './workspace.js';

/** The message `parsePatch` throws for `text`. */
function parseError(text: string): string {
  try {
    parsePatch(text);
  } catch (error) {
    assert.ok(error instanceof ApplyPatchError);
    assert.equal(error.kind, 'parse');
    return error.message;
  }
  assert.fail(`parsed: ${JSON.stringify(text)}`);
}

const HUNK_HEADERS = "Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'";
const LINE_RULE = "Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)";

describe('parsePatch', () => {
  it('parses add, delete and update-with-move operations in order', () => {
    const patch = parsePatch(
      envelope(
        '*** Add File: path/add.py',
        '+abc',
        '+',
        '+def',
        '*** Delete File: path/delete.py',
        '*** Update File: path/update.py',
        '*** Move to: path/update2.py',
        '@@ def f():',
        '-    pass',
        '+    return 123',
      ),
    );
    assert.deepEqual(patch.hunks, [
      { type: 'add', path: 'path/add.py', contents: 'abc\n\ndef\n' },
      { type: 'delete', path: 'path/delete.py' },
      {
        type: 'update',
        path: 'path/update.py',
        movePath: 'path/update2.py',
        chunks: [
          {
            changeContext: 'def f():',
            oldLines: ['    pass'],
            newLines: ['    return 123'],
            contextLineIndices: [],
            isEndOfFile: false,
          },
        ],
      },
    ]);
  });

  it('records context lines, blank lines as empty context, and the end-of-file marker', () => {
    const [hunk] = parsePatch(
      envelope('*** Update File: f', '@@ change_context', '', ' context', '-remove', '+add', ' context2', '*** End of File'),
    ).hunks;
    assert.deepEqual(hunk, {
      type: 'update',
      path: 'f',
      movePath: null,
      chunks: [
        {
          changeContext: 'change_context',
          oldLines: ['', 'context', 'remove', 'context2'],
          newLines: ['', 'context', 'add', 'context2'],
          contextLineIndices: [
            [0, 0],
            [1, 1],
            [3, 3],
          ],
          isEndOfFile: true,
        },
      ],
    });
  });

  it('accepts a first chunk without an @@ line, and splits chunks at each @@', () => {
    const [hunk] = parsePatch(envelope('*** Update File: f', ' import foo', '+bar', '@@', '-x', '@@ y', '+z')).hunks;
    assert.equal(hunk?.type, 'update');
    assert.deepEqual(
      hunk?.type === 'update' && hunk.chunks.map((c) => [c.changeContext, c.oldLines, c.newLines]),
      [
        [null, ['import foo'], ['import foo', 'bar']],
        [null, ['x'], []],
        ['y', [], ['z']],
      ],
    );
  });

  it('accepts an envelope without operations (planning refuses it)', () => {
    assert.deepEqual(parsePatch('*** Begin Patch\n*** End Patch').hunks, []);
  });

  it('keeps the envelope text without a heredoc wrapper', () => {
    const inner = '*** Begin Patch\n*** Add File: h.txt\n+h\n*** End Patch';
    for (const opener of ['<<EOF', "<<'EOF'", '<<"EOF"']) {
      const patch = parsePatch(`${opener}\n${inner}\nEOF\n`);
      assert.equal(patch.text, inner);
      assert.deepEqual(patch.hunks, [{ type: 'add', path: 'h.txt', contents: 'h\n' }]);
    }
    assert.equal(
      parseError(`<<"EOF'\n${inner}\nEOF\n`),
      "invalid patch: The first line of the patch must be '*** Begin Patch'",
    );
    assert.equal(
      parseError('<<EOF\n*** Begin Patch\n*** Update File: file2.py\nEOF\n'),
      "invalid patch: The last line of the patch must be '*** End Patch'",
    );
  });

  it('tolerates whitespace around the envelope and file headers, and CRLF line endings', () => {
    const padded = parsePatch(' *** Begin Patch \n  *** Update File: f.txt  \n@@\n-one\n+two\n *** End Patch \n');
    assert.equal(padded.hunks[0]?.path, 'f.txt');
    const crlf = parsePatch('*** Begin Patch\r\n*** Add File: a\r\n+x\r\n*** End Patch\r\n');
    assert.deepEqual(crlf.hunks, [{ type: 'add', path: 'a', contents: 'x\n' }]);
  });

  it('drops trailing whitespace of @@, *** Move to: and *** End of File lines, but keeps leading whitespace', () => {
    const [hunk] = parsePatch(
      envelope('*** Update File: f', '*** Move to: m v.txt  ', '@@   x  ', '-y', '+Y', '*** End of File \t', '@@ \t', '+z'),
    ).hunks;
    assert.ok(hunk?.type === 'update');
    assert.equal(hunk.movePath, 'm v.txt');
    assert.equal(hunk.chunks[0]?.changeContext, '  x');
    assert.equal(hunk.chunks[0]?.isEndOfFile, true);
    assert.equal(hunk.chunks[1]?.changeContext, null);
  });

  it('ignores end-of-file markers before the first chunk and blank lines after one', () => {
    const [hunk] = parsePatch(
      envelope('*** Update File: f', '*** End of File', '@@', '-a', '+b', '*** End of File', '', '  ', '@@', '+c'),
    ).hunks;
    assert.ok(hunk?.type === 'update');
    assert.equal(hunk.chunks.length, 2);
  });

  it('reports a missing or wrong first or last line', () => {
    assert.equal(parseError('bad'), "invalid patch: The first line of the patch must be '*** Begin Patch'");
    assert.equal(parseError('*** Begin Patch\nbad'), "invalid patch: The last line of the patch must be '*** End Patch'");
    assert.equal(parseError(''), "invalid patch: The last line of the patch must be '*** End Patch'");
  });

  it('reports invalid hunks with their line number', () => {
    assert.equal(
      parseError(envelope('*** Frobnicate File: a.txt')),
      `invalid hunk at line 2, '*** Frobnicate File: a.txt' is not a valid hunk header. ${HUNK_HEADERS}`,
    );
    assert.equal(
      parseError(envelope('*** Update File: test.py')),
      "invalid hunk at line 2, Update file hunk for path 'test.py' is empty",
    );
    assert.equal(
      parseError(envelope('*** Update File: x', '@@', 'bad')),
      `invalid hunk at line 4, Unexpected line found in update hunk: 'bad'. ${LINE_RULE}`,
    );
    // Without an @@ line the problem is reported at the line itself.
    assert.equal(
      parseError(envelope('*** Update File: x', '#bad')),
      `invalid hunk at line 3, Unexpected line found in update hunk: '#bad'. ${LINE_RULE}`,
    );
    assert.equal(
      parseError(envelope('*** Update File: x', '@@', '@@', '-a')),
      `invalid hunk at line 4, Unexpected line found in update hunk: '@@'. ${LINE_RULE}`,
    );
    assert.equal(
      parseError(envelope('*** Update File: x', '@@', '*** End of File')),
      'invalid hunk at line 4, Update hunk does not contain any lines',
    );
    assert.equal(
      parseError(envelope('*** Update File: x', '@@', '-b', '+c', '@@')),
      'invalid hunk at line 7, Update hunk does not contain any lines',
    );
    assert.equal(
      parseError(envelope('*** Update File: x', '@@', '-a', '+b', '*** Frob')),
      "invalid hunk at line 6, Expected update hunk to start with a @@ context marker, got: '*** Frob'",
    );
    // An empty line ends an add; what follows must be a header.
    assert.equal(
      parseError(envelope('*** Add File: z', '+a', '', '*** Delete File: q')),
      `invalid hunk at line 4, '' is not a valid hunk header. ${HUNK_HEADERS}`,
    );
  });

  it('treats an indented marker inside an update as a context line', () => {
    const [hunk] = parsePatch(envelope('*** Update File: x', ' *** Move to: y', '@@', '-a', '+b')).hunks;
    assert.ok(hunk?.type === 'update');
    assert.equal(hunk.movePath, null);
    assert.deepEqual(hunk.chunks[0]?.oldLines, ['*** Move to: y']);
  });
});
