import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRollout } from '../../../src/persistence/rollout-reader.js';
import type { ThreadItem } from '../../../src/protocol/v2/items.js';
import type { Turn } from '../../../src/protocol/v2/turn.js';
import {
  codexErrorInfoFromCore,
  coreItemFromThreadItem,
  coreTurnError,
  threadItemFromCoreItem,
  turnErrorFromCore,
} from '../../../src/runtime/rollout/core-dialect/core-items.js';

const DIR = fileURLToPath(new URL('../../fixtures/rollouts/reference-0.169.0/', import.meta.url));
const TURNS_DIR = fileURLToPath(new URL('../../fixtures/rollouts/reference-0.169.0-turns/', import.meta.url));

interface Written {
  readonly fixture: string;
  readonly turnId: string;
  readonly core: Record<string, unknown>;
  readonly times: { startedAtMs: number | null; completedAtMs: number | null };
}

/** Every `item_completed` the reference wrote in the fixtures, with the turns it reported for the same thread. */
async function writtenItems(): Promise<{ written: Written[]; reported: Map<string, Turn[]> }> {
  const written: Written[] = [];
  const reported = new Map<string, Turn[]>();
  for (const file of readdirSync(DIR).filter((name) => name.endsWith('.jsonl'))) {
    const fixture = file.slice(0, -'.jsonl'.length);
    reported.set(fixture, JSON.parse(await readFile(join(TURNS_DIR, `${fixture}.json`), 'utf8')) as Turn[]);
    for (const line of (await readRollout(join(DIR, file))).lines) {
      if (line.type !== 'event_msg' || line.payload.type !== 'item_completed') continue;
      const { turn_id: turnId, item, started_at_ms: startedAtMs, completed_at_ms: completedAtMs } = line.payload;
      assert.equal(typeof turnId, 'string');
      written.push({
        fixture,
        turnId: turnId as string,
        core: item as Record<string, unknown>,
        times: { startedAtMs: startedAtMs as number, completedAtMs: completedAtMs as number },
      });
    }
  }
  return { written, reported };
}

const SAMPLE_TIMES = { startedAtMs: 1, completedAtMs: 2 };

describe('core items', () => {
  it('maps every item the reference wrote to the wire item it reported for it', async () => {
    const { written, reported } = await writtenItems();
    assert.ok(written.length >= 15, `found ${written.length} items`);
    const kinds = new Set(written.map((entry) => entry.core['type']));
    assert.deepEqual([...kinds].sort(), ['AgentMessage', 'Reasoning', 'UserMessage']);
    for (const entry of written) {
      const turn = reported.get(entry.fixture)?.find((candidate) => candidate.id === entry.turnId);
      const expected = turn?.items.find((item) => item.id === entry.core['id']);
      assert.ok(expected, `${entry.fixture}: no reported item ${String(entry.core['id'])}`);
      assert.deepEqual(threadItemFromCoreItem(entry.core, entry.times), expected);
    }
  });

  it('writes back exactly the core item the reference wrote', async () => {
    const { written } = await writtenItems();
    for (const { core, times } of written) {
      const item = threadItemFromCoreItem(core, times);
      assert.ok(item);
      // deepEqual does not see key order; the JSON text does, and the rollout is JSON text.
      assert.equal(JSON.stringify(coreItemFromThreadItem(item)), JSON.stringify(core));
    }
  });

  it('writes phase and memory citation only when set, the citation in the core camelCase', () => {
    const item: ThreadItem = {
      type: 'agentMessage',
      id: 'msg_1',
      text: 'cited',
      phase: 'final_answer',
      moderation: null,
      memoryCitation: {
        entries: [{ path: 'MEMORY.md', lineStart: 1, lineEnd: 3, note: 'why' }],
        threadIds: ['01a22690-2222-7000-8000-000000000001'],
      },
      delivery: null,
      questions: null,
    };
    const core = {
      type: 'AgentMessage',
      id: 'msg_1',
      content: [{ type: 'Text', text: 'cited' }],
      phase: 'final_answer',
      memory_citation: {
        entries: [{ path: 'MEMORY.md', lineStart: 1, lineEnd: 3, note: 'why' }],
        rolloutIds: ['01a22690-2222-7000-8000-000000000001'],
      },
    };
    assert.equal(JSON.stringify(coreItemFromThreadItem(item)), JSON.stringify(core));
    assert.deepEqual(threadItemFromCoreItem(core, SAMPLE_TIMES), { ...item, ...SAMPLE_TIMES });
    assert.deepEqual(coreItemFromThreadItem({ ...item, phase: null, memoryCitation: null }), {
      type: 'AgentMessage',
      id: 'msg_1',
      content: [{ type: 'Text', text: 'cited' }],
    });
  });

  it('maps plans, hook prompts and compactions both ways', () => {
    const items: ThreadItem[] = [
      { type: 'plan', id: 'p1', text: '1. do it', ...SAMPLE_TIMES },
      { type: 'hookPrompt', id: 'h1', fragments: [{ text: 'hi', hookRunId: 'run-1' }], ...SAMPLE_TIMES },
      { type: 'contextCompaction', id: 'c1', ...SAMPLE_TIMES },
    ];
    assert.deepEqual(
      items.map((item) => coreItemFromThreadItem(item)),
      [
        { type: 'Plan', id: 'p1', text: '1. do it' },
        { type: 'HookPrompt', id: 'h1', fragments: [{ text: 'hi', hookRunId: 'run-1' }] },
        { type: 'ContextCompaction', id: 'c1' },
      ],
    );
    for (const item of items) {
      assert.deepEqual(threadItemFromCoreItem(coreItemFromThreadItem(item), SAMPLE_TIMES), item);
    }
  });

  it('maps no core item for kinds without a mapping, and no wire item for unknown or malformed ones', () => {
    const command: ThreadItem = {
      type: 'commandExecution',
      id: 'call_1',
      command: 'ls',
      cwd: '/tmp',
      processId: null,
      source: 'agent',
      status: 'completed',
      commandActions: [],
      aggregatedOutput: null,
      exitCode: 0,
      durationMs: 1,
      pluginId: null,
      scriptPath: null,
    };
    assert.equal(coreItemFromThreadItem(command), null);
    assert.equal(threadItemFromCoreItem({ type: 'FutureKind', id: 'x' }, SAMPLE_TIMES), null);
    assert.equal(threadItemFromCoreItem({ type: 'AgentMessage', id: 'no content' }, SAMPLE_TIMES), null);
    assert.equal(threadItemFromCoreItem('AgentMessage', SAMPLE_TIMES), null);
    // One input the reference cannot read makes the whole message unreadable, as with serde.
    const hologram = { type: 'UserMessage', id: 'u', content: [{ type: 'text', text: 'hi' }, { type: 'hologram' }] };
    assert.equal(threadItemFromCoreItem(hologram, SAMPLE_TIMES), null);
  });

  describe('turn errors', () => {
    it('reads the error of a failed task_complete as the reference reports it', () => {
      assert.deepEqual(turnErrorFromCore({ message: 'boom', codex_error_info: 'other' }), {
        message: 'boom',
        codexErrorInfo: 'other',
        additionalDetails: null,
        misalignment: null,
      });
      assert.deepEqual(codexErrorInfoFromCore({ response_stream_disconnected: { http_status_code: 502 } }), {
        responseStreamDisconnected: { httpStatusCode: 502 },
      });
      assert.deepEqual(codexErrorInfoFromCore({ active_turn_not_steerable: { turn_kind: 'review' } }), {
        activeTurnNotSteerable: { turnKind: 'review' },
      });
      assert.equal(codexErrorInfoFromCore('context_window_exceeded'), 'contextWindowExceeded');
      assert.equal(codexErrorInfoFromCore(undefined), null);
      assert.equal(codexErrorInfoFromCore('something_new'), null);
    });

    it('writes the error as the reference writes it into task_complete', () => {
      assert.deepEqual(
        coreTurnError({ message: 'boom', codexErrorInfo: 'other', additionalDetails: null, misalignment: null }),
        { message: 'boom', codex_error_info: 'other' },
      );
      assert.deepEqual(
        coreTurnError({
          message: 'connect',
          codexErrorInfo: { httpConnectionFailed: { httpStatusCode: null } },
          additionalDetails: null,
          misalignment: null,
        }),
        { message: 'connect', codex_error_info: { http_connection_failed: { http_status_code: null } } },
      );
    });
  });
});

describe('tool items', () => {
  const times = { startedAtMs: 1, completedAtMs: 2 };

  it('ImageView keeps its path as a file URL and reads it back as a path [observed]', () => {
    const item: ThreadItem = { type: 'imageView', id: 'call_0', path: '/tmp/a b.png', ...times };
    const core = coreItemFromThreadItem(item);
    assert.deepEqual(core, { type: 'ImageView', id: 'call_0', path: 'file:///tmp/a%20b.png' });
    assert.deepEqual(threadItemFromCoreItem(core, times), item);
  });

  it('WebSearch keeps the action in the API form, unset fields left out [observed]', () => {
    const item: ThreadItem = {
      type: 'webSearch',
      id: 'ws_1',
      query: 'weather paris',
      action: { type: 'search', query: 'weather paris', queries: null },
      results: null,
      ...times,
    };
    const core = coreItemFromThreadItem(item);
    assert.deepEqual(core, { type: 'WebSearch', id: 'ws_1', query: 'weather paris', action: { type: 'search', query: 'weather paris' } });
    assert.deepEqual(threadItemFromCoreItem(core, times), item);
    const page = { type: 'WebSearch', id: 'ws_2', query: 'https://a.example', action: { type: 'open_page', url: 'https://a.example' } };
    assert.deepEqual(threadItemFromCoreItem(page, times), {
      type: 'webSearch',
      id: 'ws_2',
      query: 'https://a.example',
      action: { type: 'openPage', url: 'https://a.example' },
      results: null,
      ...times,
    });
  });
});
