import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { startReferenceServer } from '../../helpers/reference-server.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { resultOf, startThreadRig } from '../../helpers/thread-server.js';
import { leftBehind } from '../../helpers/temp-home.js';

interface FileMatch {
  root: string;
  path: string;
  match_type: string;
  file_name: string;
  score: number;
  indices: number[];
}

/** A project directory with the given files (and their directories), removed when the test ends. */
async function makeProject(t: TestContext, files: readonly string[], options: { git?: boolean } = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'fuzzy-project-'));
  t.after(() => rm(root, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  if (options.git === true) execFileSync('git', ['init', '-q'], { cwd: root });
  for (const file of files) {
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), file === '.gitignore' ? 'ignored/\n*.log\n' : 'x');
  }
  return root;
}

function filesOf(response: ServerMessage): FileMatch[] {
  return resultOf(response).files as FileMatch[];
}

const PROJECT = [
  '.gitignore',
  'README.md',
  'src/reader.ts',
  'src/main.ts',
  'src/deep/readme-notes.txt',
  'ignored/read.txt',
  'debug-read.log',
  'node_modules/x/read.js',
  '.hidden-read',
];

describe('fuzzyFileSearch', () => {
  it('ranks files and directories under the roots, with the reference result shape', async (t) => {
    const rig = await startThreadRig(t);
    const root = await makeProject(t, PROJECT, { git: true });
    const files = filesOf(await rig.client.request('fuzzyFileSearch', { query: 'READ', roots: [root] }));
    const paths = files.map((file) => file.path);
    assert.ok(paths.includes('README.md') && paths.includes('src/reader.ts') && paths.includes('.hidden-read'));
    assert.ok(paths.includes('node_modules/x/read.js'), 'only .gitignore decides what is skipped');
    assert.ok(!paths.includes('ignored/read.txt') && !paths.includes('debug-read.log'), '.gitignore is honoured');
    const readme = files.find((file) => file.path === 'README.md');
    assert.deepEqual(readme && { ...readme, score: 0 }, {
      root,
      path: 'README.md',
      match_type: 'file',
      file_name: 'README.md',
      score: 0,
      indices: [0, 1, 2, 3],
    });
    const deep = files.find((file) => file.path === 'src/deep/readme-notes.txt');
    assert.deepEqual(deep?.indices, [9, 10, 11, 12]);
    for (let i = 1; i < files.length; i++) {
      const [a, b] = [files[i - 1] as FileMatch, files[i] as FileMatch];
      assert.ok(a.score > b.score || (a.score === b.score && a.path < b.path), 'best first, ties by path');
    }
    const src = filesOf(await rig.client.request('fuzzyFileSearch', { query: 'src', roots: [root] }));
    assert.deepEqual(src[0] && { path: src[0].path, type: src[0].match_type }, { path: 'src', type: 'directory' });
  });

  it('finds the same files as the reference, in the same order, with the same match positions', async (t) => {
    const rig = await startThreadRig(t);
    const root = await makeProject(t, PROJECT);
    const referenceHome = await mkdtemp(join(tmpdir(), 'reference-home-'));
    const reference = await startReferenceServer(t, referenceHome, root);
    // Registered after the reference, so it runs once the reference has exited.
    t.after(() => rm(referenceHome, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    // Scores are each server's own; what a user sees (which entries, their order, the highlighted letters) is not.
    const seen = (response: ServerMessage) =>
      filesOf(response).map((file) => [file.path, file.match_type, file.file_name, file.indices]);
    for (const query of ['read', 'rdme', 'src', 'NOTES']) {
      const params = { query, roots: [root] };
      assert.deepEqual(
        seen(await rig.client.request('fuzzyFileSearch', params)),
        seen(await reference.request('fuzzyFileSearch', params)),
        query,
      );
    }
  });

  it('applies .gitignore only inside a git work tree, as the reference does', async (t) => {
    const rig = await startThreadRig(t);
    const root = await makeProject(t, PROJECT);
    const paths = filesOf(await rig.client.request('fuzzyFileSearch', { query: 'read', roots: [root] })).map(
      (file) => file.path,
    );
    assert.ok(paths.includes('ignored/read.txt'));
  });

  it('answers no files for an empty query, a missing or relative root, and at most 50', async (t) => {
    const rig = await startThreadRig(t);
    const root = await makeProject(t, Array.from({ length: 120 }, (_, i) => `file${i}.txt`));
    for (const params of [
      { query: '', roots: [root] },
      { query: 'file', roots: [] },
      { query: 'file', roots: ['/nonexistent-root-for-test'] },
      { query: 'file', roots: ['relative'] },
    ]) {
      assert.deepEqual(await rig.client.call('fuzzyFileSearch', params), { files: [] });
    }
    assert.equal(filesOf(await rig.client.request('fuzzyFileSearch', { query: 'f', roots: [root] })).length, 50);
    const missing = await rig.client.request('fuzzyFileSearch', { query: 'x' });
    assert.deepEqual(missing.error, { code: -32600, message: 'Invalid request: missing field `roots`' });
  });
});

describe('fuzzyFileSearch sessions', () => {
  it('reports each query of a session with sessionUpdated then sessionCompleted', async (t) => {
    const rig = await startThreadRig(t);
    const root = await makeProject(t, PROJECT, { git: true });
    const { client } = rig;
    assert.deepEqual(await client.call('fuzzyFileSearch/sessionStart', { sessionId: 's1', roots: [root] }), {});
    assert.deepEqual(await client.call('fuzzyFileSearch/sessionUpdate', { sessionId: 's1', query: 'rdme' }), {});
    const updated = await client.notification('fuzzyFileSearch/sessionUpdated');
    const params = updated.params;
    assert.equal(params.sessionId, 's1');
    assert.equal(params.query, 'rdme');
    assert.deepEqual(
      params.files.map((file) => file.path),
      ['README.md', 'src/deep/readme-notes.txt'],
    );
    const completed = await client.notification('fuzzyFileSearch/sessionCompleted');
    assert.deepEqual(completed.params, { sessionId: 's1' });

    assert.deepEqual(await client.call('fuzzyFileSearch/sessionStop', { sessionId: 's1' }), {});
    assert.deepEqual(await client.call('fuzzyFileSearch/sessionStop', { sessionId: 's1' }), {});
    const after = await client.request('fuzzyFileSearch/sessionUpdate', { sessionId: 's1', query: 'x' });
    assert.deepEqual(after.error, { code: -32600, message: 'fuzzy file search session not found: s1' });
  });

  it('refuses a session without roots, and sessions are per connection', async (t) => {
    const rig = await startThreadRig(t);
    const empty = await rig.client.request('fuzzyFileSearch/sessionStart', { sessionId: 's', roots: [] });
    assert.deepEqual(empty.error, {
      code: -32603,
      message: 'failed to start fuzzy file search session: at least one search directory is required',
    });
    const unnamed = await rig.client.request('fuzzyFileSearch/sessionStart', { sessionId: '', roots: [] });
    assert.deepEqual(unnamed.error, { code: -32600, message: 'sessionId must not be empty' });
    const root = await makeProject(t, ['a.txt']);
    await rig.client.call('fuzzyFileSearch/sessionStart', { sessionId: 'mine', roots: [root] });
    const other = await rig.connect('other');
    const update = await other.request('fuzzyFileSearch/sessionUpdate', { sessionId: 'mine', query: 'x' });
    assert.deepEqual(update.error, { code: -32600, message: 'fuzzy file search session not found: mine' });
    await rig.client.call('fuzzyFileSearch/sessionStop', { sessionId: 'mine' });
  });
});
