import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countLines,
  execOutputPolicy,
  FALLBACK_TRUNCATION_POLICY,
  formattedTruncateText,
  truncateMiddleChars,
  truncateMiddleWithTokenBudget,
  approxTokenCount,
} from '../../../../src/tools/exec/truncation.js';

describe('exec output truncation', () => {
  it('estimates tokens as a quarter of the UTF-8 bytes, rounded up', () => {
    assert.equal(approxTokenCount(''), 0);
    assert.equal(approxTokenCount('ok\n'), 1);
    assert.equal(approxTokenCount('€'.repeat(30)), 23);
  });

  it('leaves text within the token budget alone', () => {
    assert.deepEqual(truncateMiddleWithTokenBudget('short output', 100), {
      text: 'short output',
      originalTokens: null,
    });
  });

  it('keeps head and tail on character boundaries and counts removed tokens', () => {
    // The reference's own test vectors (codex-rs/utils/string/src/truncate/tests.rs).
    const text = '😀😀😀😀😀😀😀😀😀😀\nsecond line with text\n';
    assert.deepEqual(truncateMiddleWithTokenBudget(text, 8), {
      text: '😀😀😀😀…8 tokens truncated… line with text\n',
      originalTokens: 16,
    });
    assert.equal(truncateMiddleChars(text, 20), '😀😀…21 chars truncated…with text\n');
    assert.deepEqual(truncateMiddleWithTokenBudget('abcdef', 0), { text: '…2 tokens truncated…', originalTokens: 2 });
  });

  it('prefixes truncated output with the warning and the line count', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `${i + 1}\n`).join('');
    const out = formattedTruncateText(text, { mode: 'tokens', limit: 20 });
    // Probed against the reference: `seq 1 2000` with max_output_tokens 20.
    assert.equal(
      out,
      'Warning: truncated output (original token count: 2224)\nTotal output lines: 2000\n\n' +
        '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n1…2204 tokens truncated…' +
        '1993\n1994\n1995\n1996\n1997\n1998\n1999\n2000\n',
    );
  });

  it('cuts with the model policy unless max_output_tokens is below it', () => {
    assert.deepEqual(execOutputPolicy(undefined, FALLBACK_TRUNCATION_POLICY), FALLBACK_TRUNCATION_POLICY);
    assert.deepEqual(execOutputPolicy(2500, FALLBACK_TRUNCATION_POLICY), FALLBACK_TRUNCATION_POLICY);
    assert.deepEqual(execOutputPolicy(2000, FALLBACK_TRUNCATION_POLICY), { mode: 'tokens', limit: 2000 });
    assert.deepEqual(execOutputPolicy(undefined, { mode: 'tokens', limit: 10_000 }), { mode: 'tokens', limit: 10_000 });
    const out = formattedTruncateText('a'.repeat(50_000), FALLBACK_TRUNCATION_POLICY);
    assert.match(
      out,
      /^Warning: truncated output \(original token count: 12500\)\nTotal output lines: 1\n\na{5000}…40000 chars truncated…a{5000}$/,
    );
  });

  it('counts lines as Rust does: a final newline ends the last line', () => {
    assert.equal(countLines(''), 0);
    assert.equal(countLines('a'), 1);
    assert.equal(countLines('a\n'), 1);
    assert.equal(countLines('a\r\nb'), 2);
  });
});
