import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

interface SearchResult {
  thread: { id: string; preview: string; name: string | null; forkedFromId: string | null };
  snippet: string;
}

function resultsOf(response: ServerMessage): SearchResult[] {
  return resultOf(response).data as SearchResult[];
}

async function threadWithTurn(client: RpcTestClient, text: string): Promise<string> {
  const threadId = await startThread(client);
  await turnCompleted(client, await startTextTurn(client, threadId, text));
  return threadId;
}

const LONG_MESSAGE = `${'alpha '.repeat(40)}line\nnext\tNEEDLE middle${' omega'.repeat(40)}`;

describe('thread/search', () => {
  it("finds threads by their messages, case-insensitively, with a snippet of the first match", async (t) => {
    const rig = await startThreadRig(t, {
      replies: [0, 1, 2].map((i) => sseReply(textTurnFrames([`answer number ${i} banana`]))),
    });
    const { client } = rig;
    const readme = await threadWithTurn(client, 'Please READ the README file');
    const parser = await threadWithTurn(client, 'fix the parser bug');
    const long = await threadWithTurn(client, LONG_MESSAGE);
    await client.call('thread/name/set', { threadId: parser, name: 'zebra title' });

    const found = resultsOf(await client.request('thread/search', { searchTerm: 'readme FILE' }));
    assert.deepEqual(
      found.map((result) => [result.thread.id, result.snippet]),
      [[readme, 'Please READ the README file']],
    );
    assert.equal(found[0]?.thread.preview, 'Please READ the README file');

    const answers = resultsOf(await client.request('thread/search', { searchTerm: 'banana' }));
    assert.deepEqual(
      answers.map((result) => [result.thread.id, result.snippet]),
      [
        [long, 'answer number 2 banana'],
        [parser, 'answer number 1 banana'],
        [readme, 'answer number 0 banana'],
      ],
      'assistant messages are searched too, newest thread first',
    );

    // The reference's snippets for the same message [observed]: whitespace runs collapse to one space, the cut
    // text keeps about 49 characters before and 96 after the match, trimmed.
    const [needle] = resultsOf(await client.request('thread/search', { searchTerm: '  needle ' }));
    assert.equal(needle?.thread.id, long);
    assert.equal(
      needle?.snippet,
      `... ha${' alpha'.repeat(6)} line next NEEDLE middle${' omega'.repeat(14)} omeg ...`,
    );
    const [omega] = resultsOf(await client.request('thread/search', { searchTerm: 'omega' }));
    assert.equal(omega?.snippet, `...${' alpha'.repeat(4)} line next NEEDLE middle${' omega'.repeat(17)} ...`);
    const [start] = resultsOf(await client.request('thread/search', { searchTerm: 'alpha alpha' }));
    assert.equal(start?.snippet, `alpha${' alpha'.repeat(17)} ...`);

    assert.deepEqual(resultsOf(await client.request('thread/search', { searchTerm: 'zebra' })), [], 'names are not searched');
    assert.deepEqual(resultsOf(await client.request('thread/search', { searchTerm: 'banana', archived: true })), []);
    assert.deepEqual(resultsOf(await client.request('thread/search', { searchTerm: 'banana', sourceKinds: ['exec'] })), []);
  });

  it('pages like thread/list', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [0, 1, 2].map(() => sseReply(textTurnFrames(['ok']))),
    });
    const { client } = rig;
    const ids = [];
    for (const text of ['kiwi one', 'kiwi two', 'kiwi three']) ids.push(await threadWithTurn(client, text));
    const first = await client.call('thread/search', { searchTerm: 'KIWI', limit: 2 });
    const firstIds = (first.data as SearchResult[]).map((result) => result.thread.id);
    assert.deepEqual(firstIds, [ids[2], ids[1]]);
    assert.equal(typeof first.nextCursor, 'string');
    assert.equal(typeof first.backwardsCursor, 'string');
    const second = await client.call('thread/search', { searchTerm: 'kiwi', cursor: first.nextCursor });
    assert.deepEqual(
      (second.data as SearchResult[]).map((result) => result.thread.id),
      [ids[0]],
    );
    assert.equal(second.nextCursor, null);
    const ascending = resultsOf(
      await client.request('thread/search', { searchTerm: 'kiwi', sortKey: 'recency_at', sortDirection: 'asc' }),
    );
    assert.deepEqual(
      ascending.map((result) => result.thread.id),
      ids,
    );
  });

  it('refuses a blank term, a missing term and a bad cursor in the reference words', async (t) => {
    const rig = await startThreadRig(t);
    const cases: [unknown, string][] = [
      [{ searchTerm: '   ' }, 'thread/search requires a non-empty searchTerm'],
      [{}, 'Invalid request: missing field `searchTerm`'],
      [{ searchTerm: 'x', cursor: 'bogus' }, 'invalid cursor: bogus'],
    ];
    for (const [params, message] of cases) {
      assert.deepEqual((await rig.client.request('thread/search', params)).error, { code: -32600, message });
    }
  });
});

interface Occurrence {
  turnId: string;
  itemId: string;
  snippet: string;
  snippetMatchRange: { start: number; end: number };
  turnCursor: string;
}

describe('thread/searchOccurrences', () => {
  it('lists every match in the messages with its snippet range and a cursor to its turn, paged', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['no fruit here'])), sseReply(textTurnFrames(['a kiwi answer']))],
    });
    const { client } = rig;
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'kiwi one kiwi two KIWI three'));
    const long = `${'alpha '.repeat(40)}kiwi in the middle${' omega'.repeat(40)} kiwi end`;
    await turnCompleted(client, await startTextTurn(client, threadId, long));

    const all = await client.call('thread/searchOccurrences', { threadId, searchTerm: 'kiwi' });
    const data = all.data as Occurrence[];
    assert.equal(all.nextCursor, null);
    // The snippets and ranges the reference 0.169.0 gives for the same messages [observed].
    assert.deepEqual(
      data.map((occurrence) => [occurrence.snippet, occurrence.snippetMatchRange.start, occurrence.snippetMatchRange.end]),
      [
        ['kiwi one kiwi two KIWI three', 0, 4],
        ['kiwi one kiwi two KIWI three', 9, 13],
        ['kiwi one kiwi two KIWI three', 18, 22],
        [`... ${' alpha'.repeat(8)} kiwi in the middle${' omega'.repeat(13)} ome ...`, 53, 57],
        [`... ${' omega'.repeat(8)} kiwi end`, 53, 57],
        ['a kiwi answer', 2, 6],
      ],
    );
    const turns = await client.call('thread/turns/list', { threadId, cursor: data[3]?.turnCursor, limit: 1 });
    assert.equal((turns.data as { id: string }[])[0]?.id, data[3]?.turnId, 'turnCursor starts thread/turns/list there');
    const read = (await client.call('thread/read', { threadId, includeTurns: true })).thread;
    const userItem = read.turns[0]?.items.find((item) => item.type === 'userMessage');
    assert.equal(data[0]?.itemId, userItem?.id);

    const page = await client.call('thread/searchOccurrences', { threadId, searchTerm: 'KIWI', limit: 2 });
    assert.equal((page.data as Occurrence[]).length, 2);
    const rest = resultOf(
      await client.request('thread/searchOccurrences', { threadId, searchTerm: 'KIWI', cursor: page.nextCursor }),
    );
    assert.deepEqual(
      (rest.data as Occurrence[]).map((occurrence) => occurrence.snippetMatchRange.start),
      [18, 53, 53, 2],
    );
  });

  it('answers as the reference does for a blank term, a bad cursor and a thread without history', async (t) => {
    const rig = await startThreadRig(t);
    const threadId = await startThread(rig.client);
    const cases: [Record<string, unknown>, { code: number; message: string }][] = [
      [{ threadId, searchTerm: ' ' }, { code: -32600, message: 'thread/searchOccurrences requires a non-empty searchTerm' }],
      [{ threadId, searchTerm: 'x', cursor: 'x' }, { code: -32600, message: 'invalid cursor: x' }],
      [{ threadId, searchTerm: 'x' }, { code: -32601, message: 'thread/searchOccurrences is not supported yet' }],
      [
        { threadId: '01a24dd3-22e2-79d0-9cb9-e624f7b09fe2', searchTerm: 'x' },
        { code: -32601, message: 'thread/searchOccurrences is not supported yet' },
      ],
    ];
    for (const [params, error] of cases) {
      assert.deepEqual((await rig.client.request('thread/searchOccurrences', params)).error, error);
    }
  });
});
