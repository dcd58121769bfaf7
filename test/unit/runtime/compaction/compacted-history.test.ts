import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResponseItem } from '../../../../src/model/events.js';
import { autoCompactTokenLimit, contextIsFull } from '../../../../src/runtime/compaction/auto-compact-limit.js';
import {
  compactedHistory,
  keptUserMessages,
  summaryFromOutput,
  summaryMessage,
} from '../../../../src/runtime/compaction/compacted-history.js';
import { SUMMARY_PREFIX } from '../../../../src/runtime/compaction/summary-prompt.js';

const message = (role: string, text: string): ResponseItem => ({
  type: 'message',
  role,
  content: [{ type: role === 'assistant' ? 'output_text' : 'input_text', text }],
});
const textOf = (item: ResponseItem) => (item['content'] as { text: string }[]).map((part) => part.text).join('');

describe('the compacted conversation', () => {
  it('keeps the opening context, the user messages and ends with the handoff; answers and tools are dropped', () => {
    const history = [
      message('developer', 'be careful'),
      message('user', '<environment_context>\n  <cwd>/w</cwd>\n</environment_context>'),
      message('user', 'first'),
      message('assistant', 'answer'),
      { type: 'function_call', name: 'x', call_id: 'c', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c', output: 'out' },
      message('user', '<turn_aborted>\nstop\n</turn_aborted>'),
      summaryMessage('an older summary'),
      message('user', 'second'),
    ];
    const compacted = compactedHistory(history, summaryMessage('new summary'));
    assert.deepEqual(compacted.map((item) => `${String(item['role'])}: ${textOf(item)}`), [
      'developer: be careful',
      'user: <environment_context>\n  <cwd>/w</cwd>\n</environment_context>',
      'user: first',
      'user: second',
      `user: ${SUMMARY_PREFIX}new summary`,
    ]);
  });

  it('keeps the newest user messages within the budget, shortens the one that crosses it, drops older ones', () => {
    const history = [message('user', 'a'.repeat(400)), message('user', 'b'.repeat(400)), message('user', 'c'.repeat(40))];
    // 10 + 100 tokens fit a budget of 60 only with 'b' shortened to what is left (50 tokens ≈ 200 bytes).
    const kept = keptUserMessages(history, 60);
    assert.equal(kept.length, 2);
    assert.equal(textOf(kept[1] as ResponseItem), 'c'.repeat(40));
    const shortened = textOf(kept[0] as ResponseItem);
    assert.match(shortened, /^b{100}\n…50 tokens truncated…\nb{100}$/);
  });

  it('takes the summary from the last assistant message of the response', () => {
    assert.equal(summaryFromOutput([{ type: 'reasoning' }, message('assistant', 'the summary')]), 'the summary');
    assert.equal(summaryFromOutput([{ type: 'reasoning' }]), '');
  });
});

describe('the auto-compact limit', () => {
  it('is the configured limit, never above 90 % of the context window, else 90 % of the window', () => {
    assert.equal(autoCompactTokenLimit(1000, 258_400), 1000);
    assert.equal(autoCompactTokenLimit(500_000, 258_400), 232_560);
    assert.equal(autoCompactTokenLimit(undefined, 258_400), 232_560);
    assert.equal(autoCompactTokenLimit(1000, null), 1000);
    assert.equal(autoCompactTokenLimit(null, null), null);
  });

  it('is reached when the last response measured at least the limit', () => {
    assert.equal(contextIsFull(90_005, 1000), true);
    assert.equal(contextIsFull(1000, 1000), true);
    assert.equal(contextIsFull(999, 1000), false);
    assert.equal(contextIsFull(undefined, 1000), false);
    assert.equal(contextIsFull(90_005, null), false);
  });
});
