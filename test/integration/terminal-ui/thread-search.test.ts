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
    resultOf(await client.request('thread/name/set', { threadId: parser, name: 'zebra title' }));

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

    const [needle] = resultsOf(await client.request('thread/search', { searchTerm: '  needle ' }));
    assert.equal(needle?.thread.id, long);
    assert.ok(needle?.snippet.startsWith('... ') && needle.snippet.endsWith(' ...'), needle?.snippet);
    assert.ok(needle?.snippet.includes('line next NEEDLE middle omega'), 'whitespace runs collapse to one space');
    const [start] = resultsOf(await client.request('thread/search', { searchTerm: 'alpha alpha' }));
    assert.ok(start?.snippet.startsWith('alpha alpha') && start.snippet.endsWith(' ...'), start?.snippet);

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
    const first = resultOf(await client.request('thread/search', { searchTerm: 'KIWI', limit: 2 }));
    const firstIds = (first.data as SearchResult[]).map((result) => result.thread.id);
    assert.deepEqual(firstIds, [ids[2], ids[1]]);
    assert.equal(typeof first.nextCursor, 'string');
    assert.equal(typeof first.backwardsCursor, 'string');
    const second = resultOf(await client.request('thread/search', { searchTerm: 'kiwi', cursor: first.nextCursor }));
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
