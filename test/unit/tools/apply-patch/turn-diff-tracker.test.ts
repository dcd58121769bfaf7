import assert from 'node:assert/strict';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TurnDiffTracker } from '../../../../src/tools/apply-patch/turn-diff-tracker.js';
import { gitBlobOid } from '../../../../src/tools/apply-patch/unified-diff.js';
import { MIXED_PATCH, MIXED_WORKSPACE, applyPatchText, envelope, makeWorkspace } from './workspace.js';

/** Applies `patch` in `cwd` and records it in `tracker`, as the agent loop does after a successful patch. */
async function applyAndTrack(tracker: TurnDiffTracker, patch: string, cwd: string): Promise<void> {
  tracker.track((await applyPatchText(patch, cwd)).operations);
}

describe('TurnDiffTracker', () => {
  // The expected texts are the `turn/diff/updated` diffs 0.169.0 sent for the same patches.
  it('renders adds, deletes, updates and moves as a git diff sorted by path', async (t) => {
    const cwd = await makeWorkspace(t, MIXED_WORKSPACE);
    const tracker = new TurnDiffTracker(cwd);
    assert.equal(tracker.unifiedDiff(), null);
    await applyAndTrack(tracker, MIXED_PATCH, cwd);
    assert.equal(
      tracker.unifiedDiff(),
      [
        'diff --git a/del.txt b/del.txt',
        'deleted file mode 100644',
        'index 286c5f5776916d7d7d5849988ca9d83e722cf9c2..0000000000000000000000000000000000000000',
        '--- a/del.txt',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-gone',
        'diff --git a/mv.txt b/moved/mv2.txt',
        'index 422c2b7ab3b3c668038da977e4e93a5fc623169c..55dce135f5939fc45738aec42a917794a39cbfce',
        '--- a/mv.txt',
        '+++ b/moved/mv2.txt',
        '@@ -1,2 +1,2 @@',
        ' a',
        '-b',
        '+B',
        'diff --git a/sub/new.txt b/sub/new.txt',
        'new file mode 100644',
        'index 0000000000000000000000000000000000000000..94954abda49de8615a048f8d2e64b5de848e27a1',
        '--- /dev/null',
        '+++ b/sub/new.txt',
        '@@ -0,0 +1,2 @@',
        '+hello',
        '+world',
        'diff --git a/upd.txt b/upd.txt',
        'index ab9b661144498de3e5f8788ddaaf4b767c670041..661abe33b8d57b01bc10ca59072beae4e41d3aa0',
        '--- a/upd.txt',
        '+++ b/upd.txt',
        '@@ -1,4 +1,4 @@',
        ' foo',
        '-bar',
        '+BAR',
        ' baz',
        ' qux',
        '',
      ].join('\n'),
    );
  });

  it('accumulates patches against each file\'s first baseline, relative to the git work tree', async (t) => {
    const root = await makeWorkspace(t, {
      'repo/sub/x.txt': 'x1\nx2\n',
      'repo/sub/run.sh': '#!/bin/sh\necho hi\n',
      'repo/sub/over.txt': 'old\n',
      'outside/o.txt': 'o\n',
    });
    await mkdir(join(root, 'repo/.git'));
    await chmod(join(root, 'repo/sub/run.sh'), 0o755);
    const cwd = join(root, 'repo/sub');
    const outside = join(root, 'outside/o.txt');
    const tracker = await TurnDiffTracker.forCwd(cwd);
    await applyAndTrack(
      tracker,
      envelope(
        '*** Update File: x.txt',
        '@@',
        '-x1',
        '+X1',
        '*** Update File: run.sh',
        '@@',
        '-echo hi',
        '+echo HI',
        `*** Update File: ${outside}`,
        '@@',
        '-o',
        '+O',
      ),
      cwd,
    );
    await applyAndTrack(tracker, envelope('*** Update File: x.txt', '@@', '-x2', '+X2', '*** Add File: over.txt', '+new'), cwd);
    assert.equal(
      tracker.unifiedDiff(),
      [
        // Outside the work tree the absolute path is shown, hence the reference's `a//…`.
        `diff --git a/${outside} b/${outside}`,
        'index 13e7564ea0c889e81bcba6f8e496b2a74cdb32fa..2638c45f8e7bc5b56f70e92390153572811782c3',
        `--- a/${outside}`,
        `+++ b/${outside}`,
        '@@ -1 +1 @@',
        '-o',
        '+O',
        // An add over an existing file is a modification of it.
        'diff --git a/sub/over.txt b/sub/over.txt',
        'index 3367afdbbf91e638efe983616377c60477cc6612..3e757656cf36eca53338e520d134963a44f793f8',
        '--- a/sub/over.txt',
        '+++ b/sub/over.txt',
        '@@ -1 +1 @@',
        '-old',
        '+new',
        // No mode lines: the tracker follows text only.
        'diff --git a/sub/run.sh b/sub/run.sh',
        'index 4163036efa65bd4a469e752267498f01ea36a55c..9be84c615b4973d0cf38d005c39a021f9f8e9b8a',
        '--- a/sub/run.sh',
        '+++ b/sub/run.sh',
        '@@ -1,2 +1,2 @@',
        ' #!/bin/sh',
        '-echo hi',
        '+echo HI',
        'diff --git a/sub/x.txt b/sub/x.txt',
        'index 9dbcf4325121b2358a91a9a178c1d0bd5feb60e4..f260e009c53992140fac3bb5214b53dd62d49142',
        '--- a/sub/x.txt',
        '+++ b/sub/x.txt',
        '@@ -1,2 +1,2 @@',
        '-x1',
        '-x2',
        '+X1',
        '+X2',
        '',
      ].join('\n'),
    );
  });

  it('shows nothing for a file created and deleted, or changed and changed back, within the turn', async (t) => {
    const cwd = await makeWorkspace(t, { 'a.txt': 'a\n' });
    const tracker = new TurnDiffTracker(cwd);
    await applyAndTrack(tracker, envelope('*** Add File: tmp.txt', '+x', '*** Update File: a.txt', '@@', '-a', '+A'), cwd);
    await applyAndTrack(tracker, envelope('*** Delete File: tmp.txt', '*** Update File: a.txt', '@@', '-A', '+a'), cwd);
    assert.equal(tracker.unifiedDiff(), null);
  });

  it('shows a file moved twice as one move from its origin, and a re-created origin as a new file', async (t) => {
    const cwd = await makeWorkspace(t, { 'a.txt': 'a\n' });
    const tracker = new TurnDiffTracker(cwd);
    await applyAndTrack(tracker, envelope('*** Update File: a.txt', '*** Move to: b.txt', '@@', '-a', '+b'), cwd);
    await applyAndTrack(tracker, envelope('*** Update File: b.txt', '*** Move to: c.txt', '@@', '-b', '+c'), cwd);
    assert.equal(
      tracker.unifiedDiff(),
      [
        'diff --git a/a.txt b/c.txt',
        'index 78981922613b2afb6025042ff6bd878ac1994e85..f2ad6c76f0115a6ba5b00456a849810e7ec0af20',
        '--- a/a.txt',
        '+++ b/c.txt',
        '@@ -1 +1 @@',
        '-a',
        '+c',
        '',
      ].join('\n'),
    );
    await applyAndTrack(tracker, envelope('*** Add File: a.txt', '+again'), cwd);
    assert.equal(
      tracker.unifiedDiff(),
      [
        'diff --git a/a.txt b/a.txt',
        `index 78981922613b2afb6025042ff6bd878ac1994e85..${gitBlobOid('again\n')}`,
        '--- a/a.txt',
        '+++ b/a.txt',
        '@@ -1 +1 @@',
        '-a',
        '+again',
        'diff --git a/c.txt b/c.txt',
        'new file mode 100644',
        'index 0000000000000000000000000000000000000000..f2ad6c76f0115a6ba5b00456a849810e7ec0af20',
        '--- /dev/null',
        '+++ b/c.txt',
        '@@ -0,0 +1 @@',
        '+c',
        '',
      ].join('\n'),
    );
  });
});
