import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';
import { REFERENCE_ROLLOUT, REFERENCE_THREAD, REFERENCE_TURNS } from '../../helpers/rollout-fixtures.js';


interface WireTurn {
  id: string;
  status: string;
  itemsView: string;
  items: { type: string; id: string; phase?: string | null }[];
}
interface TurnsPage {
  data: WireTurn[];
  nextCursor: string | null;
  backwardsCursor: string | null;
}

/** A model answer with reasoning, a commentary message and a final answer. */
function richAnswer(n: number) {
  return sseReply([
    { type: 'response.created', response: { id: `resp_${n}` } },
    {
      type: 'response.output_item.done',
      output_index: 0,
      item: { type: 'reasoning', id: `rs_${n}`, summary: [{ type: 'summary_text', text: 'thinking' }], content: [] },
    },
    ...[
      ['commentary', `c_${n}`],
      ['final_answer', `f_${n}`],
    ].map(([phase, id], index) => ({
      type: 'response.output_item.done',
      output_index: index + 1,
      item: {
        type: 'message',
        role: 'assistant',
        id,
        phase,
        status: 'completed',
        content: [{ type: 'output_text', text: `${phase} ${n}`, annotations: [] }],
      },
    })),
    {
      type: 'response.completed',
      response: { id: `resp_${n}`, usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } },
    },
  ]);
}

async function page(client: RpcTestClient, params: Record<string, unknown>): Promise<TurnsPage> {
  return resultOf(await client.request('thread/turns/list', params)) as unknown as TurnsPage;
}

const ids = (turns: readonly WireTurn[]) => turns.map((turn) => turn.id);

describe('thread/turns/list', () => {
  it('pages turns newest first with summary items, and follows its cursors both ways', async (t) => {
    const rig = await startThreadRig(t, { replies: [richAnswer(1), richAnswer(2), richAnswer(3)] });
    const { client } = rig;
    const threadId = await startThread(client);
    const turns: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      const turnId = await startTextTurn(client, threadId, text);
      await turnCompleted(client, turnId);
      turns.push(turnId);
    }
    const [t1, t2, t3] = turns as [string, string, string];

    const all = await page(client, { threadId });
    assert.deepEqual(ids(all.data), [t3, t2, t1]);
    assert.equal(all.nextCursor, null);
    // summary: the question and the final answer (not the reasoning, not the commentary).
    assert.deepEqual(
      all.data.map((turn) => [turn.itemsView, turn.items.map((item) => `${item.type}:${item.phase ?? ''}`)]),
      Array.from({ length: 3 }, () => ['summary', ['userMessage:', 'agentMessage:final_answer']]),
    );
    const full = await page(client, { threadId, itemsView: 'full', limit: 1 });
    assert.deepEqual(
      full.data.map((turn) => [turn.itemsView, turn.items.map((item) => item.type)]),
      [['full', ['userMessage', 'reasoning', 'agentMessage', 'agentMessage']]],
    );
    const bare = await page(client, { threadId, itemsView: 'notLoaded' });
    assert.deepEqual(
      bare.data.map((turn) => [turn.itemsView, turn.items]),
      Array.from({ length: 3 }, () => ['notLoaded', []]),
    );

    // Newest first, two at a time: every turn once.
    const first = await page(client, { threadId, limit: 2 });
    assert.deepEqual(ids(first.data), [t3, t2]);
    assert.ok(first.nextCursor !== null);
    const second = await page(client, { threadId, limit: 2, cursor: first.nextCursor });
    assert.deepEqual(ids(second.data), [t1]);
    assert.equal(second.nextCursor, null);
    // The backwards cursor includes its turn: reversing from the last page replays everything.
    const reversed = await page(client, { threadId, sortDirection: 'asc', cursor: second.backwardsCursor });
    assert.deepEqual(ids(reversed.data), [t1, t2, t3]);

    const ascending = await page(client, { threadId, sortDirection: 'asc', limit: 2 });
    assert.deepEqual(ids(ascending.data), [t1, t2]);
    const rest = await page(client, { threadId, sortDirection: 'asc', limit: 2, cursor: ascending.nextCursor });
    assert.deepEqual(ids(rest.data), [t3]);
    assert.equal(rest.nextCursor, null);

    // limit 0 is read as 1.
    assert.deepEqual(ids((await page(client, { threadId, limit: 0 })).data), [t3]);
  });

  it('lists a stored thread without loading it', async (t) => {
    const rig = await startThreadRig(t);
    const day = join(rig.server.codexHome, 'sessions', '2026', '11', '22');
    await mkdir(day, { recursive: true });
    await copyFile(REFERENCE_ROLLOUT, join(day, basename(REFERENCE_ROLLOUT)));
    const { client } = rig;

    const listed = await page(client, { threadId: REFERENCE_THREAD, sortDirection: 'asc' });
    assert.deepEqual(ids(listed.data), REFERENCE_TURNS);
    assert.deepEqual(
      listed.data.map((turn) => [turn.status, turn.items.map((item) => item.type)]),
      [
        ['completed', ['userMessage', 'agentMessage']],
        ['completed', ['userMessage', 'agentMessage']],
      ],
    );
    assert.deepEqual((await client.call('thread/loaded/list', {})).data, []);
  });

  it('shows a running turn with the items completed so far', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(textTurnFrames(['first answer'])),
        sseReply(textTurnFrames(['never']).slice(0, 3), { then: 'hang' }),
      ],
    });
    const { client } = rig;
    const threadId = await startThread(client);
    const first = await startTextTurn(client, threadId, 'one');
    await turnCompleted(client, first);
    const running = await startTextTurn(client, threadId, 'two');
    await client.notification('item/agentMessage/delta', (params) => params.turnId === running);
    const listed = await page(client, { threadId, itemsView: 'full' });
    assert.deepEqual(
      listed.data.map((turn) => [turn.id, turn.status, turn.items.map((item) => item.type)]),
      [
        [running, 'inProgress', ['userMessage']],
        [first, 'completed', ['userMessage', 'agentMessage']],
      ],
    );
    await client.call('turn/interrupt', { threadId, turnId: running });
    await turnCompleted(client, running);
  });

  it('refuses unknown, unwritten and ephemeral threads and foreign cursors in the reference words', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['first answer']))] });
    const { client } = rig;
    const error = async (params: Record<string, unknown>) => (await client.request('thread/turns/list', params)).error;

    const unknown = '01a22686-f7aa-7f02-bf3e-99609a7d46fe';
    assert.deepEqual(await error({ threadId: unknown }), { code: -32600, message: `thread not loaded: ${unknown}` });
    assert.deepEqual(await error({ threadId: 'nope' }), {
      code: -32600,
      message:
        'invalid thread id: invalid character: expected an optional prefix of `urn:uuid:` followed by ' +
        '[0-9a-fA-F-], found `n` at 1',
    });
    const fresh = await startThread(client);
    assert.deepEqual(await error({ threadId: fresh }), {
      code: -32600,
      message: `thread ${fresh} is not materialized yet; thread/turns/list is unavailable before first user message`,
    });
    const ephemeral = await startThread(client, { ephemeral: true });
    assert.deepEqual(await error({ threadId: ephemeral }), {
      code: -32600,
      message: 'ephemeral threads do not support thread/turns/list',
    });

    await turnCompleted(client, await startTextTurn(client, fresh, 'one'));
    assert.deepEqual(await error({ threadId: fresh, cursor: 'garbage' }), {
      code: -32600,
      message: 'invalid cursor: garbage',
    });
    const own = await page(client, { threadId: fresh });
    const foreign = (own.backwardsCursor ?? '').replace(fresh, unknown);
    assert.deepEqual(await error({ threadId: fresh, cursor: foreign }), {
      code: -32600,
      message: `invalid cursor: ${foreign}`,
    });
  });
});
