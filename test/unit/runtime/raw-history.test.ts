import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseRollout } from '../../../src/persistence/rollout-reader.js';
import { turnsFromRollout } from '../../../src/runtime/rollout/rollout-turns.js';
import { pieceText } from '../../../src/util/message-pieces.js';
import { RawJsonStrings, serializeWithRawStrings } from '../../../src/util/raw-json-strings.js';
import { inflatedRollout, ODD_ESCAPES } from '../../helpers/inflated-rollout.js';

/**
 * thread/read of a stored thread keeps long strings as the rollout's raw bytes (util/raw-json-strings.ts). Its
 * answer must be byte for byte the straightforward one: every fixture rollout (tool calls, reasoning, images,
 * compaction, failed and interrupted turns, the legacy dialect) is inflated so that its strings are long and full
 * of unusual characters, in canonical JSON and in escapes JSON.stringify does not write, and both readings of it
 * are serialized and compared.
 */

const FIXTURES = fileURLToPath(new URL('../../fixtures/rollouts/', import.meta.url));
const FIXTURE_ROLLOUTS = ['reference-0.169.0', 'edited-0.169.0'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((file) => file.endsWith('.jsonl'))
    .sort()
    .map((file) => ({ name: `${dir}/${file}`, text: readFileSync(join(FIXTURES, dir, file), 'utf8') })),
);

/** Item kinds the fixtures lack whose strings the rebuild transforms: a file URL path, Text parts joined. */
function syntheticRollout(): string {
  const meta = (FIXTURE_ROLLOUTS[0]?.text ?? '').split('\n')[0] ?? '';
  const turn = '01a20274-0272-78f2-9828-621acad3570b';
  const line = (ordinal: number, payload: Record<string, unknown>) =>
    JSON.stringify({ timestamp: '2026-11-22T08:51:27.000Z', ordinal, type: 'event_msg', payload });
  const completed = (ordinal: number, item: Record<string, unknown>) =>
    line(ordinal, { type: 'item_completed', thread_id: 't', turn_id: turn, item, started_at_ms: 1, completed_at_ms: 2 });
  return [
    meta,
    line(1, { type: 'task_started', turn_id: turn, started_at: 1 }),
    completed(2, { type: 'ImageView', id: 'i1', path: 'file:///tmp/a%20b.png' }),
    completed(3, { type: 'AgentMessage', id: 'a1', content: [{ type: 'Text', text: 'one' }, { type: 'Text', text: 'two' }] }),
    completed(4, { type: 'WebSearch', id: 'w1', query: 'q', action: { type: 'search', query: 'q' } }),
    completed(5, { type: 'Reasoning', id: 'r1', summary_text: ['s1', 's2'], raw_content: ['c1'] }),
    line(6, { type: 'task_complete', turn_id: turn, last_agent_message: 'onetwo', completed_at: 3, duration_ms: 2 }),
    '',
  ].join('\n');
}

const ROLLOUTS = [...FIXTURE_ROLLOUTS, { name: 'synthetic', text: syntheticRollout() }];

function straightforward(bytes: Buffer): string {
  return JSON.stringify({ id: 1, result: { turns: turnsFromRollout(parseRollout(bytes, 'x').lines) } });
}

function withRawStrings(bytes: Buffer): { text: string; placeholders: number } {
  const raw = new RawJsonStrings();
  const content = parseRollout(bytes, 'x', { rawLongStrings: raw });
  const pieces = serializeWithRawStrings({ id: 1, result: { turns: turnsFromRollout(content.lines, raw) } }, raw);
  const text = pieces.map(pieceText).join('');
  return { text, placeholders: raw.size };
}

describe('thread/read with raw long strings answers exactly what decoding everything answers', () => {
  for (const { name, text } of ROLLOUTS) {
    for (const [kind, escape] of Object.entries(ODD_ESCAPES)) {
      for (const inflateIds of [false, true]) {
        it(`${name}, ${kind} escapes${inflateIds ? ', long item ids' : ''}`, () => {
          const bytes = inflatedRollout(text, escape, inflateIds);
          const expected = straightforward(bytes);
          const actual = withRawStrings(bytes);
          assert.equal(actual.text, expected);
          // Canonical strings are kept raw; a non-canonical escape makes its string go the straightforward way.
          if (kind === 'canonical') assert.ok(actual.placeholders > 0, 'no string was kept raw');
          else assert.equal(actual.placeholders, 0);
        });
      }
    }
  }
});
