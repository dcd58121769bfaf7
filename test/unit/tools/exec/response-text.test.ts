import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatExecResponse, generateChunkId } from '../../../../src/tools/exec/response-text.js';
import { FALLBACK_TRUNCATION_POLICY } from '../../../../src/tools/exec/truncation.js';

describe('exec response text', () => {
  it('reports an exited command as the reference does', () => {
    const text = formatExecResponse({
      chunkId: '0bd89e',
      wallTimeMs: 0.1,
      exitCode: 0,
      sessionId: null,
      originalTokenCount: 1,
      output: 'ok\n',
      truncationPolicy: FALLBACK_TRUNCATION_POLICY,
    });
    assert.equal(
      text,
      'Chunk ID: 0bd89e\nWall time: 0.0001 seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\nok\n',
    );
  });

  it('reports a running command with its session id and no exit code', () => {
    const text = formatExecResponse({
      chunkId: 'abc123',
      wallTimeMs: 250.7,
      exitCode: null,
      sessionId: 4711,
      originalTokenCount: 0,
      output: '',
      truncationPolicy: FALLBACK_TRUNCATION_POLICY,
    });
    assert.equal(
      text,
      'Chunk ID: abc123\nWall time: 0.2507 seconds\nProcess running with session ID 4711\nOriginal token count: 0\nOutput:\n',
    );
  });

  it('truncates the output in the middle to max_output_tokens', () => {
    const text = formatExecResponse({
      chunkId: '',
      wallTimeMs: 0,
      exitCode: 0,
      sessionId: null,
      originalTokenCount: 3,
      output: 'abc',
      maxOutputTokens: 0,
      truncationPolicy: FALLBACK_TRUNCATION_POLICY,
    });
    assert.equal(
      text,
      'Wall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 3\nOutput:\n' +
        'Warning: truncated output (original token count: 1)\nTotal output lines: 1\n\n…1 tokens truncated…',
    );
  });

  it('draws six hex digits for a chunk id', () => {
    for (let i = 0; i < 20; i++) assert.match(generateChunkId(), /^[0-9a-f]{6}$/);
  });
});
