import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ThreadSummary } from '../../../../src/persistence/thread-index.js';
import { ThreadTextSearch } from '../../../../src/runtime/search/thread-text-search.js';

function summary(i: number, updatedAtMs = 1000): ThreadSummary {
  return {
    threadId: `thread-${i}`,
    path: `/rollouts/${i}.jsonl`,
    archived: false,
    createdAtMs: 1000,
    updatedAtMs,
    preview: `task ${i}`,
    name: null,
    cwd: '/work',
    modelProvider: 'mock',
    model: 'mock-model',
    source: 'vscode',
    sourceKind: 'vscode',
    cliVersion: '0.169.0',
    originator: 'test',
    git: null,
    forkedFromId: null,
  };
}

function message(role: string, text: string) {
  return { type: 'response_item', payload: { type: 'message', role, content: [{ type: 'input_text', text }] } };
}

/** Rollout lines of thread `i`: base instructions, a user message, an answer naming its number. */
function linesOf(path: string) {
  const i = Number(/(\d+)\.jsonl$/.exec(path)?.[1]);
  return [
    { type: 'session_meta', payload: {} },
    message('developer', 'the base instructions mention kiwi but are not searched'),
    message('user', `task ${i}:\n  please   look`),
    message('assistant', i % 100 === 7 ? `found the kiwi in ${i}` : 'nothing special'),
  ];
}

describe('ThreadTextSearch', () => {
  it('reads each of a thousand rollouts once, and again only the one that changed', async () => {
    const reads: string[] = [];
    const search = new ThreadTextSearch(async (path) => {
      reads.push(path);
      return linesOf(path);
    });
    const threads = Array.from({ length: 1000 }, (_, i) => summary(i));

    const first = await search.snippets(threads, 'KIWI');
    assert.equal(reads.length, 1000);
    assert.deepEqual([...first.keys()].sort(), Array.from({ length: 10 }, (_, k) => `thread-${k * 100 + 7}`).sort());
    assert.equal(first.get('thread-107'), 'found the kiwi in 107');

    const again = await search.snippets(threads, 'please look');
    assert.equal(reads.length, 1000, 'the second search reads no file');
    assert.equal(again.size, 1000);
    assert.equal(again.get('thread-3'), 'task 3: please look', 'whitespace runs collapse');

    threads[5] = summary(5, 2000);
    await search.snippets(threads, 'kiwi');
    assert.deepEqual(reads.slice(1000), ['/rollouts/5.jsonl']);
  });

  it('skips a rollout it cannot read', async () => {
    const search = new ThreadTextSearch(async (path) => {
      if (path.endsWith('/1.jsonl')) throw new Error('gone');
      return linesOf(path);
    });
    const found = await search.snippets([summary(1), summary(2)], 'task');
    assert.deepEqual([...found.keys()], ['thread-2']);
  });
});
