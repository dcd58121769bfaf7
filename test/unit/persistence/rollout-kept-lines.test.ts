import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseRollout, readRollout } from '../../../src/persistence/rollout-reader.js';
import type { RolloutContent } from '../../../src/persistence/rollout-reader.js';
import { makeTempFile } from '../../helpers/temp-home.js';

/**
 * readRollout with `skip` reads only the kept lines (persistence/rollout-kept-lines.ts). It must answer what
 * parsing the whole file with the same `skip` answers: the same lines, torn tail, valid byte count, or error.
 */

const SKIP = { skip: new Set(['response_item']) };
const FIXTURES = fileURLToPath(new URL('../../fixtures/rollouts/', import.meta.url));
const FIXTURE_TEXTS = ['reference-0.169.0', 'edited-0.169.0', 'negative', 'tolerated'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((file) => file.endsWith('.jsonl'))
    .map((file) => ({ name: `${dir}/${file}`, text: readFileSync(join(FIXTURES, dir, file), 'utf8') })),
);

const META = FIXTURE_TEXTS.find((fixture) => fixture.name.startsWith('reference-'))?.text.split('\n')[0] ?? '';
const line = (ordinal: number, type: string, payload: unknown) =>
  JSON.stringify({ timestamp: '2026-11-22T08:51:27.000Z', ordinal, type, payload });
const item = (ordinal: number, text: string) => line(ordinal, 'response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
const event = (ordinal: number, text: string) => line(ordinal, 'event_msg', { type: 'agent_message', message: text });
const MiB = 1024 * 1024;

/** Files that meet the reader's edge cases: lines across its 1 MiB reads, torn and unterminated tails, blanks. */
const EDGES: Record<string, string> = {
  'long lines of both kinds': [META, item(1, 'a'.repeat(3 * MiB)), event(2, 'b'.repeat(2 * MiB)), item(3, 'c'), ''].join('\n'),
  'a line starting just before a read boundary': [META, event(1, 'x'.repeat(MiB - META.length - 120)), item(2, 'y'), event(3, 'z'), ''].join('\n'),
  'CRLF and blank lines': [META, '', item(1, 'a'), '   ', event(2, 'b'), item(3, 'c'), ''].join('\r\n'),
  'unterminated skipped last line': [META, event(1, 'a'), item(2, 'b')].join('\n'),
  'torn skipped last line': [META, event(1, 'a'), item(2, 'b').slice(0, 60)].join('\n'),
  'torn long skipped last line': [META, event(1, 'a'), item(2, 'b'.repeat(2 * MiB)).slice(0, MiB + 10)].join('\n'),
  'invalid kept line before skipped ones': [META, '{"type":"event_msg", broken', item(1, 'a'), ''].join('\n'),
  'skipped type before session_meta': [item(0, 'a'), META, ''].join('\n'),
  'blank lines before session_meta': ['', '  ', META, item(1, 'a'), ''].join('\n'),
  'no newline at all': META,
};

async function outcome(read: () => Promise<RolloutContent> | RolloutContent): Promise<unknown> {
  try {
    const { lines, tornTail, validBytes, meta } = await read();
    return { lines, tornTail, validBytes, meta };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('readRollout with skipped line types', () => {
  const cases = [...FIXTURE_TEXTS.map(({ name, text }) => [name, text] as const), ...Object.entries(EDGES)];
  for (const [name, text] of cases) {
    it(`reads ${name} as parsing the whole file does`, async (t) => {
      const path = await makeTempFile(t, 'rollout.jsonl', text);
      const bytes = Buffer.from(text);
      assert.deepEqual(await outcome(() => readRollout(path, SKIP)), await outcome(() => parseRollout(bytes, path, SKIP)));
    });
  }
});
