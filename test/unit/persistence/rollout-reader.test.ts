import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { RolloutFormatError } from '../../../src/persistence/errors.js';
import { parseRollout, readRollout, readSessionHeader } from '../../../src/persistence/rollout-reader.js';
import { parseRolloutLine, userMessageText } from '../../../src/persistence/rollout-schema.js';
import type { RolloutLine } from '../../../src/persistence/rollout-schema.js';
import { makeTempFile } from '../../helpers/temp-home.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/rollouts/', import.meta.url));
const TWO_TURNS = join(
  FIXTURES,
  'reference-0.169.0/rollout-2026-11-22T08-51-26-01a20274-0250-7a53-b773-0774080a263e.jsonl',
);
const GIT_REPO = join(
  FIXTURES,
  'reference-0.169.0/rollout-2026-11-22T08-51-51-01a20274-62eb-75f3-94ae-b97eb1ada864.jsonl',
);
const TORN = join(FIXTURES, 'tolerated/torn-last-line.jsonl');
const THREAD_ID = '01a20274-0250-7a53-b773-0774080a263e';

/** `type` plus the payload's own `type` (event kind, response item kind) and role, for order checks. */
function shape(line: RolloutLine): string {
  const payload = line.payload as { type?: unknown; role?: unknown } | null;
  const sub = line.type === 'event_msg' || line.type === 'response_item' ? `:${String(payload?.type)}` : '';
  const role = typeof payload?.role === 'string' ? `:${payload.role}` : '';
  return `${line.type}${sub}${role}`;
}

/** The line order the reference 0.169.0 wrote for one turn after the first (the first adds the context lines). */
const LATER_TURN = [
  'event_msg:task_started',
  'turn_context',
  'response_item:message:user',
  'event_msg:item_completed',
  'event_msg:item_completed',
  'response_item:message:assistant',
  'token_usage_record',
  'event_msg:token_count',
  'event_msg:task_complete',
];

describe('readRollout on reference 0.169.0 rollouts', () => {
  it('reads session_meta with the fields of docs/protocol.md#rollout-files', async () => {
    const { meta, lines } = await readRollout(TWO_TURNS);
    assert.equal(lines[0]?.type, 'session_meta');
    assert.equal(meta.id, THREAD_ID);
    assert.equal(meta.session_id, THREAD_ID);
    assert.equal(meta.timestamp, '2026-11-22T08:51:26.940Z');
    assert.equal(meta.cwd, '/tmp/fixture-cwd');
    assert.deepEqual(meta.runtime_workspace_roots, ['/tmp/fixture-cwd']);
    assert.equal(meta.originator, 'fixture_gen');
    assert.equal(meta.cli_version, '0.169.0');
    assert.equal(meta.source, 'vscode');
    assert.equal(meta.model_provider, 'mock');
    assert.deepEqual(meta.base_instructions?.provenance, { type: 'model', model: 'mock-model' });
    assert.match(meta.base_instructions?.text ?? '', /^You are a coding agent/);
    assert.equal(meta.history_mode, 'paginated');
    assert.match(meta.context_window?.window_id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(meta.account_scoped, true);
    assert.equal(meta.git, undefined);
  });

  it('reads git info when the thread ran in a repository', async () => {
    const { meta } = await readRollout(GIT_REPO);
    assert.deepEqual(meta.git, {
      commit_hash: '1f6e4e04bf251185c7fc84c054e12cc4c3afaad5',
      branch: 'main',
      repository_url: 'https://example.com/repo.git',
    });
  });

  it('reads every line, in the order the reference wrote two turns', async () => {
    const { lines, tornTail } = await readRollout(TWO_TURNS);
    assert.equal(tornTail, false);
    assert.deepEqual(
      lines.map((line) => line.ordinal),
      lines.map((_, i) => i),
    );
    assert.deepEqual(lines.map(shape), [
      'session_meta',
      'event_msg:task_started',
      'response_item:message:developer',
      'response_item:message:user',
      'world_state',
      'turn_context',
      'event_msg:thread_settings_applied',
      'response_item:message:user',
      'event_msg:item_completed',
      'event_msg:item_completed',
      'response_item:message:assistant',
      'token_usage_record',
      'event_msg:token_count',
      'event_msg:task_complete',
      ...LATER_TURN,
    ]);
  });

  it('keeps response items with their metadata, and event payloads as written', async () => {
    const { lines } = await readRollout(TWO_TURNS);
    const hello = lines[7];
    assert.ok(hello?.type === 'response_item');
    assert.deepEqual(hello.payload['content'], [{ type: 'input_text', text: 'hello' }]);
    assert.equal(hello.metadata?.['user_input_order'], 0);
    const assistant = lines[10];
    assert.ok(assistant?.type === 'response_item');
    assert.equal(assistant.payload['id'], 'msg_fake_1');
    const completed = lines[13];
    assert.ok(completed?.type === 'event_msg');
    assert.equal(completed.payload.type, 'task_complete');
    assert.equal(completed.payload['last_agent_message'], 'alpha beta gamma delta eps ');
    const context = lines[5];
    assert.ok(context?.type === 'turn_context');
    assert.equal(context.payload.model, 'mock-model');
    assert.deepEqual(context.payload.sandbox_policy, { type: 'read-only' });
    const usage = lines[11];
    assert.ok(usage?.type === 'token_usage_record');
    assert.equal((usage.payload as { response_id: string }).response_id, 'resp_fake_1');
  });

  it('finds the user messages, not the harness context, as user text', async () => {
    const { lines } = await readRollout(TWO_TURNS);
    const texts = lines.map(userMessageText).filter((text) => text !== null);
    assert.deepEqual(texts, ['hello', 'hello', 'second turn', 'second turn']);
  });
});

describe('readRollout tolerance', () => {
  it('drops a torn last line and reports where the good bytes end', async () => {
    const content = await readRollout(TORN);
    const bytes = await readFile(TORN);
    assert.equal(content.tornTail, true);
    assert.equal(content.lines.length, 10);
    assert.equal(content.validBytes, bytes.lastIndexOf(0x0a) + 1);
  });

  for (const [name, line, pattern] of [
    ['garbage-in-middle.jsonl', 3, /invalid JSON before the last line/],
    ['first-line-not-session-meta.jsonl', 1, /first line is event_msg, expected session_meta/],
    ['proto-key.jsonl', 2, /forbidden key "__proto__"/],
    ['escaped-proto-key.jsonl', 2, /forbidden key "__proto__"/],
    ['bad-envelope-in-middle.jsonl', 2, /not a rollout line at timestamp/],
    ['session-meta-without-id.jsonl', 1, /not a rollout line at payload\.id/],
  ] as const) {
    it(`rejects negative/${name} naming line ${line}`, async () => {
      const path = join(FIXTURES, 'negative', name);
      for (const read of [readRollout, readSessionHeader]) {
        await assert.rejects(read(path), (error: unknown) => {
          assert.ok(error instanceof RolloutFormatError, String(error));
          assert.equal(error.lineNumber, line);
          assert.match(error.message, pattern);
          assert.ok(error.message.startsWith(`${path}:${line}: `), error.message);
          return true;
        });
      }
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    });
  }

  it('rejects an empty file and a file whose only line is torn', () => {
    for (const text of ['', '\n\n', '{"timestamp":"2026-11-22T08:51:26.969Z","ordinal":0,"ty']) {
      assert.throws(() => parseRollout(Buffer.from(text), 'x.jsonl'), /no complete session_meta line/);
    }
  });

  it('keeps lines of unknown types', async () => {
    const bytes = await readFile(TWO_TURNS);
    const extra = '{"timestamp":"2026-11-22T09:00:00.000Z","ordinal":23,"type":"future_kind","payload":{"x":1}}\n';
    const { lines } = parseRollout(Buffer.concat([bytes, Buffer.from(extra)]), 'x.jsonl');
    assert.deepEqual(lines.at(-1), {
      type: 'unknown',
      originalType: 'future_kind',
      timestamp: '2026-11-22T09:00:00.000Z',
      ordinal: 23,
      payload: { x: 1 },
    });
  });

  it('still validates the payload of a known type', () => {
    const result = parseRolloutLine({ timestamp: '2026-11-22T09:00:00.000Z', type: 'turn_context', payload: {} });
    assert.equal(result.success, false);
  });
});

describe('readSessionHeader', () => {
  it('reads session_meta, the first user message and the model of a reference rollout', async () => {
    const header = await readSessionHeader(TWO_TURNS);
    assert.equal(header.meta.id, THREAD_ID);
    assert.equal(header.preview, 'hello');
    assert.equal(header.model, 'mock-model');
    assert.equal(header.sizeBytes, (await readFile(TWO_TURNS)).length);
  });

  it('stops reading soon after the first user message', async (t) => {
    const head = (await readFile(TWO_TURNS, 'utf8')).split('\n').slice(0, 11).join('\n');
    // Megabytes of garbage after the header: a full read would reject the file.
    const garbage = 'not json at all\n'.repeat(200_000);
    const path = await makeTempFile(t, 'big.jsonl', `${head}\n${garbage}`);
    const header = await readSessionHeader(path);
    assert.equal(header.preview, 'hello');
    await assert.rejects(readRollout(path), RolloutFormatError);
  });

  it('answers a null preview for a rollout without a user message, tolerating a torn tail', async (t) => {
    const lines = (await readFile(TWO_TURNS, 'utf8')).split('\n').slice(0, 7);
    const path = await makeTempFile(t, 'no-user.jsonl', `${lines.join('\n')}\n{"timestamp":"20`);
    const header = await readSessionHeader(path);
    assert.equal(header.preview, null);
    assert.equal(header.model, 'mock-model');
  });

  it('reads the preview of older formats (event_msg user_message, untagged response items)', async (t) => {
    const meta = (await readFile(TWO_TURNS, 'utf8')).split('\n')[0] as string;
    const old = [
      meta,
      JSON.stringify({
        timestamp: '2026-01-01T00:00:00.000Z',
        type: 'response_item',
        payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>x' }] },
      }),
      JSON.stringify({
        timestamp: '2026-01-01T00:00:00.000Z',
        type: 'event_msg',
        payload: { type: 'user_message', message: 'legacy hello', images: [] },
      }),
    ];
    const path = await makeTempFile(t, 'old.jsonl', `${old.join('\n')}\n`);
    assert.equal((await readSessionHeader(path)).preview, 'legacy hello');
    await writeFile(path, `${old.slice(0, 2).join('\n')}\n`);
    assert.equal((await readSessionHeader(path)).preview, null);
  });
});

describe('parseRollout with skipped line types', () => {
  it('leaves out response_item lines without decoding them and keeps every other line', async () => {
    const bytes = await readFile(TWO_TURNS);
    const full = parseRollout(bytes, TWO_TURNS);
    const skipped = parseRollout(bytes, TWO_TURNS, { skip: new Set(['response_item']) });
    assert.deepEqual(
      skipped.lines,
      full.lines.filter((line) => line.type !== 'response_item'),
    );
    assert.equal(skipped.validBytes, full.validBytes);
    // A skipped line is not validated: garbage inside a response_item payload goes unnoticed.
    const text = bytes.toString('utf8').replace('"role":"user"', '"role":{"broken":');
    assert.throws(() => parseRollout(Buffer.from(text), TWO_TURNS), RolloutFormatError);
    assert.doesNotThrow(() => parseRollout(Buffer.from(text), TWO_TURNS, { skip: new Set(['response_item']) }));
  });
});
