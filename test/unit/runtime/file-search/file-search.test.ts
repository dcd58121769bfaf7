import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { loadFzf, matchFiles } from '../../../../src/runtime/file-search/fuzzy-file-matcher.js';
import { searchFiles } from '../../../../src/runtime/file-search/fuzzy-file-search.js';
import { walkProject } from '../../../../src/runtime/file-search/project-walker.js';

async function project(t: TestContext, files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'walker-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  execFileSync('git', ['init', '-q'], { cwd: root });
  for (const [file, content] of Object.entries(files)) {
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), content);
  }
  return root;
}

const live = () => new AbortController().signal;

describe('walkProject', () => {
  it('applies nested .gitignore files relative to their own directory, negations included', async (t) => {
    const root = await project(t, {
      '.gitignore': '*.tmp\n',
      'pkg/.gitignore': 'build/\n!keep.tmp\n',
      'pkg/build/out.js': '',
      'pkg/src/a.ts': '',
      'pkg/keep.tmp': '',
      'pkg/drop.tmp': '',
      'build/top.js': '',
    });
    const paths = (await walkProject(root, live())).filter((entry) => !entry.path.startsWith('.git/'));
    const listed = paths.map((entry) => `${entry.path}${entry.isDirectory ? '/' : ''}`).sort();
    assert.deepEqual(listed, [
      '.git/',
      '.gitignore',
      'build/',
      'build/top.js',
      'pkg/',
      'pkg/.gitignore',
      'pkg/keep.tmp',
      'pkg/src/',
      'pkg/src/a.ts',
    ]);
  });

  it('finds nothing once cancelled', async (t) => {
    const root = await project(t, { 'a.txt': '' });
    const abort = new AbortController();
    abort.abort();
    assert.deepEqual(await searchFiles([root], 'a', abort.signal), []);
  });
});

describe('matchFiles', () => {
  it('puts file-name matches first, then ties by path, with match positions in the path', async () => {
    const entries = ['src/reader/index.ts', 'src/read.ts', 'notes/READ.md', 'r/e/a/d.txt'].map((path) => ({
      root: '/p',
      path,
      isDirectory: false,
    }));
    const results = matchFiles(await loadFzf(), entries, 'read');
    assert.deepEqual(
      results.map((result) => result.path),
      ['notes/READ.md', 'src/read.ts', 'src/reader/index.ts', 'r/e/a/d.txt'],
    );
    assert.deepEqual(results[1]?.indices, [4, 5, 6, 7]);
    assert.equal(results[1]?.file_name, 'read.ts');
    assert.deepEqual(matchFiles(await loadFzf(), entries, ''), []);
  });
});
