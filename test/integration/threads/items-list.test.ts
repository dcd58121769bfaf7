import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { ParamsOf, ResultOf } from '../../helpers/protocol-types.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';
import { REFERENCE_ROLLOUT, REFERENCE_THREAD, REFERENCE_TURNS } from '../../helpers/rollout-fixtures.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

type ItemsPage = ResultOf<'thread/items/list'>;
type ItemEntry = ItemsPage['data'][number];

const UNKNOWN_THREAD = '01a20274-0250-7a53-b773-0774080a2630';

/** A text answer whose message id is unique to turn `n`. */
function answer(n: number) {
  return sseReply(textTurnFrames([`answer ${n}`], { responseId: `resp_${n}`, itemId: `msg_${n}` }));
}

async function page(client: RpcTestClient, params: ParamsOf<'thread/items/list'>): Promise<ItemsPage> {
  return client.call('thread/items/list', params);
}

async function refusal(client: RpcTestClient, params: Record<string, unknown>): Promise<unknown> {
  const response: ServerMessage = await client.request('thread/items/list', params);
  assert.ok('error' in response, `expected an error, got ${JSON.stringify(response)}`);
  return response.error;
}

/** `<turn>:<type>:<item id>` for each entry, the turn named by its index in `turns`. */
function labels(entries: readonly ItemEntry[], turns: readonly string[]): string[] {
  return entries.map((entry) => `${turns.indexOf(entry.turnId)}:${entry.item.type}:${entry.item.id}`);
}

/** A thread with three completed text turns; returns the thread, its turn ids and its item labels in order. */
async function threeTurns(t: Parameters<typeof startThreadRig>[0]) {
  const rig = await startThreadRig(t, { replies: [answer(0), answer(1), answer(2)] });
  const threadId = await startThread(rig.client);
  const turns: string[] = [];
  for (const text of ['q0', 'q1', 'q2']) {
    const turnId = await startTextTurn(rig.client, threadId, text);
    await turnCompleted(rig.client, turnId);
    turns.push(turnId);
  }
  const all = await page(rig.client, { threadId });
  return { rig, client: rig.client, threadId, turns, all };
}

describe('thread/items/list', () => {
  it('lists every item of every turn oldest first, with the turn id and item times', async (t) => {
    const { client, turns, all } = await threeTurns(t);
    const labelled = labels(all.data, turns);
    assert.equal(labelled.length, 6);
    assert.deepEqual(
      labelled.map((label) => label.split(':').slice(0, 2).join(':')),
      ['0:userMessage', '0:agentMessage', '1:userMessage', '1:agentMessage', '2:userMessage', '2:agentMessage'],
    );
    assert.deepEqual(labelled.filter((label) => label.includes('agentMessage')).map((l) => l.split(':')[2]), [
      'msg_0',
      'msg_1',
      'msg_2',
    ]);
    for (const entry of all.data) {
      assert.equal(entry.startedAtMs, entry.item.startedAtMs);
      assert.equal(entry.completedAtMs, entry.item.completedAtMs);
      assert.equal(typeof entry.startedAtMs, 'number');
    }
    // Everything fits in the default page: no next cursor, a backwards cursor on the first item.
    assert.equal(all.nextCursor, null);
    assert.notEqual(all.backwardsCursor, null);
    await client.close();
  });

  it('pages with limit and follows nextCursor and backwardsCursor in both directions', async (t) => {
    const { client, threadId, turns, all } = await threeTurns(t);
    const everything = labels(all.data, turns);

    const first = await page(client, { threadId, limit: 2 });
    assert.deepEqual(labels(first.data, turns), everything.slice(0, 2));
    assert.ok(first.nextCursor !== null && first.backwardsCursor !== null);
    const second = await page(client, { threadId, limit: 2, cursor: first.nextCursor });
    assert.deepEqual(labels(second.data, turns), everything.slice(2, 4));
    const third = await page(client, { threadId, limit: 2, cursor: second.nextCursor });
    assert.deepEqual(labels(third.data, turns), everything.slice(4, 6));
    // The page that reaches the end has no next cursor [observed].
    assert.equal(third.nextCursor, null);

    // Newest first; the backwards cursor of a page includes its first item when the direction is reversed.
    const newest = await page(client, { threadId, limit: 3, sortDirection: 'desc' });
    assert.deepEqual(labels(newest.data, turns), everything.slice(3).reverse());
    const back = await page(client, { threadId, cursor: second.backwardsCursor, sortDirection: 'desc' });
    assert.deepEqual(labels(back.data, turns), everything.slice(0, 3).reverse());
    assert.equal(back.nextCursor, null);

    // A limit of 0 is read as 1 [observed].
    const one = await page(client, { threadId, limit: 0 });
    assert.deepEqual(labels(one.data, turns), everything.slice(0, 1));
    assert.notEqual(one.nextCursor, null);
  });

  it('filters by turn, anchors on an item of that turn, and keeps cursors positional', async (t) => {
    const { client, threadId, turns, all } = await threeTurns(t);
    const everything = labels(all.data, turns);
    const [, t1, t2] = turns as [string, string, string];

    const middle = await page(client, { threadId, turnId: t1 });
    assert.deepEqual(labels(middle.data, turns), everything.slice(2, 4));
    assert.equal(middle.nextCursor, null);
    const userItem = middle.data[0]?.item.id;
    assert.ok(userItem);


    assert.deepEqual(
      labels((await page(client, { threadId, turnId: t1, cursor: { type: 'item', itemId: userItem } })).data, turns),
      everything.slice(3, 4),
    );
    assert.deepEqual(
      labels(
        (await page(client, { threadId, turnId: t1, cursor: { type: 'item', itemId: 'msg_1' }, sortDirection: 'desc' }))
          .data,
        turns,
      ),
      everything.slice(2, 3),
    );

    // A cursor from a filtered page continues from its position, in another turn or across the thread [observed].
    const one = await page(client, { threadId, turnId: t1, limit: 1 });
    assert.deepEqual(labels((await page(client, { threadId, turnId: t2, cursor: one.nextCursor })).data, turns), everything.slice(4));
    assert.deepEqual(
      labels((await page(client, { threadId, limit: 2, cursor: one.nextCursor })).data, turns),
      everything.slice(3, 5),
    );

    // An unknown turn is an empty page, not an error [observed].
    assert.deepEqual(await page(client, { threadId, turnId: UNKNOWN_THREAD }), {
      data: [],
      nextCursor: null,
      backwardsCursor: null,
    });
  });

  it('refuses bad cursors and anchors in the reference words', async (t) => {
    const { client, threadId, turns } = await threeTurns(t);
    assert.deepEqual(await refusal(client, { threadId, cursor: 'garbage' }), {
      code: -32600,
      message: 'invalid cursor: garbage',
    });
    const turnsCursor = (await client.call('thread/turns/list', { threadId, limit: 1 }) as { nextCursor: string })
      .nextCursor;
    assert.deepEqual(await refusal(client, { threadId, cursor: turnsCursor }), {
      code: -32600,
      message: `invalid cursor: ${turnsCursor}`,
    });
    assert.deepEqual(await refusal(client, { threadId, cursor: { type: 'item', itemId: 'msg_0' } }), {
      code: -32602,
      message: 'turnId is required when cursor is an item anchor',
    });
    assert.deepEqual(await refusal(client, { threadId, turnId: turns[0], cursor: { type: 'item', itemId: 'msg_1' } }), {
      code: -32602,
      message: 'cursor.itemId does not identify an item in the requested history scope',
    });
  });

  it('answers -32601 for threads without item history: unknown, ephemeral, not yet materialized', async (t) => {
    const rig = await startThreadRig(t);
    const { client } = rig;
    const notSupported = { code: -32601, message: 'thread/items/list is not supported yet' };
    assert.deepEqual(await refusal(client, { threadId: UNKNOWN_THREAD }), notSupported);
    assert.deepEqual(await refusal(client, { threadId: await startThread(client) }), notSupported);
    assert.deepEqual(await refusal(client, { threadId: await startThread(client, { ephemeral: true }) }), notSupported);
    assert.deepEqual(await refusal(client, { threadId: 'nope' }), {
      code: -32600,
      message:
        'invalid thread id: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1',
    });
  });

  it('lists a stored thread from its rollout, and a foreign cursor is invalid', async (t) => {
    const rig = await startThreadRig(t);
    const day = join(rig.server.codexHome, 'sessions', '2026', '11', '22');
    await mkdir(day, { recursive: true });
    await copyFile(REFERENCE_ROLLOUT, join(day, basename(REFERENCE_ROLLOUT)));
    const { client } = rig;

    const stored = await page(client, { threadId: REFERENCE_THREAD });
    assert.deepEqual(
      stored.data.map((entry) => `${REFERENCE_TURNS.indexOf(entry.turnId)}:${entry.item.type}`),
      ['0:userMessage', '0:agentMessage', '1:userMessage', '1:agentMessage'],
    );
    const loadedNow = await client.call('thread/loaded/list', {}) as { data: string[] };
    assert.deepEqual(loadedNow.data, []);

    const foreign = JSON.stringify({
      requestedThreadId: UNKNOWN_THREAD,
      anchorTurnId: REFERENCE_TURNS[0],
      anchorItemId: stored.data[0]?.item.id,
      includeAnchor: false,
      scope: { kind: 'itemsByCreatedAtOrdinal' },
    });
    assert.deepEqual(await refusal(client, { threadId: REFERENCE_THREAD, cursor: foreign }), {
      code: -32600,
      message: `invalid cursor: ${foreign}`,
    });
  });

  it("thread/resume's itemsBackwardsCursor starts at the newest item, as the terminal UI pages it", async (t) => {
    const { rig, threadId, turns, all } = await threeTurns(t);
    const resumer = await rig.connect('resumer');
    const resumed = await resumer.call('thread/resume', { threadId, excludeTurns: true }) as {
      itemsBackwardsCursor: string | null;
    };
    assert.notEqual(resumed.itemsBackwardsCursor, null);
    const newer = await page(resumer, { threadId, turnId: null, cursor: resumed.itemsBackwardsCursor });
    assert.deepEqual(labels(newer.data, turns), labels(all.data, turns).slice(-1));
    assert.equal(newer.nextCursor, null);
    const older = await page(resumer, { threadId, cursor: resumed.itemsBackwardsCursor, sortDirection: 'desc', limit: 2 });
    assert.deepEqual(labels(older.data, turns), labels(all.data, turns).slice(-2).reverse());
  });

  it("leaves out a running turn's items until it completes", async (t) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const rig = await startThreadRig(t, {
      replies: [answer(0), sseReply(textTurnFrames(['late'], { responseId: 'resp_h', itemId: 'msg_h' }), { hold: { count: 3, until: held } })],
    });
    t.after(() => release());
    const { client } = rig;
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'q0'));
    const running = await startTextTurn(client, threadId, 'q1');
    await client.waitFor((m) => m.method === 'item/agentMessage/delta', 'the held answer streaming');

    assert.deepEqual(await page(client, { threadId, turnId: running }), { data: [], nextCursor: null, backwardsCursor: null });
    assert.equal((await page(client, { threadId })).data.length, 2);
    release();
    await turnCompleted(client, running);
    assert.deepEqual(
      (await page(client, { threadId, turnId: running })).data.map((entry) => `${entry.item.type}:${entry.item.id}`).slice(1),
      ['agentMessage:msg_h'],
    );
  });
});
