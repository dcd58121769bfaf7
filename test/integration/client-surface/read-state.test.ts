import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpReply, sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

type ReadState = { firstUnread: { type: string; turnId?: string } | null; revision: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('thread read state', () => {
  it('follows the reference: unavailable before a turn, unread after each, read/unread guarded by revision', async (t) => {
    const replies = [1, 2, 3].map((n) => sseReply(textTurnFrames([`answer ${n}`], { responseId: `resp_${n}` })));
    const rig = await startThreadRig(t, { replies });
    const { client } = rig;
    const threadId = await startThread(client);
    const readState = async () => resultOf(await client.request('thread/read', { threadId })).readState as ReadState | null;
    const update = (type: string, expectedRevision: string) =>
      client.request('thread/readState/update', { threadId, operation: { type }, expectedRevision });

    assert.equal(await readState(), null);
    assert.deepEqual((await update('read', 'x')).error, { code: -32600, message: 'thread read state unavailable' });

    const firstTurn = await startTextTurn(client, threadId, 'one');
    await turnCompleted(client, firstTurn);
    const afterFirst = await readState();
    assert.deepEqual(afterFirst?.firstUnread, { type: 'turn', turnId: firstTurn });
    assert.match(afterFirst?.revision ?? '', UUID);
    // Sent before the thread goes idle, as the reference orders it.
    const methods = client.received.map((m) => m.method);
    const changedAt = methods.indexOf('thread/readState/changed');
    assert.ok(changedAt > 0 && changedAt < methods.lastIndexOf('turn/completed'));

    // A second turn keeps the first unread position and moves the revision on.
    const secondTurn = await startTextTurn(client, threadId, 'two');
    await turnCompleted(client, secondTurn);
    const afterSecond = await readState();
    assert.deepEqual(afterSecond?.firstUnread, { type: 'turn', turnId: firstTurn });
    assert.notEqual(afterSecond?.revision, afterFirst?.revision);

    assert.deepEqual((await update('read', afterFirst?.revision ?? '')).error, {
      code: -32600,
      message: 'read state changed',
      data: { reason: 'readStateConflict', readState: afterSecond },
    });
    const notesBefore = client.received.length;
    const readResponse = await update('read', afterSecond?.revision ?? '');
    const read = resultOf(readResponse).readState as ReadState;
    assert.equal(read.firstUnread, null);
    // The change notification precedes the response.
    const changed = client.received.slice(notesBefore).findIndex((m) => m.method === 'thread/readState/changed');
    const answered = client.received.slice(notesBefore).indexOf(readResponse);
    assert.ok(changed >= 0 && changed < answered);
    assert.deepEqual(await readState(), read);

    const unread = resultOf(await update('unread', read.revision)).readState as ReadState;
    assert.deepEqual(unread.firstUnread, { type: 'threadStart' });
    const listed = resultOf(await client.request('thread/list', {}));
    assert.deepEqual(listed.readStates, { [threadId]: unread });

    // Every initialized connection hears about changes.
    const other = await rig.connect('observer');
    const third = await startTextTurn(client, threadId, 'three');
    await turnCompleted(client, third);
    const seen = await other.notification('thread/readState/changed');
    assert.equal((seen.params as { threadId: string }).threadId, threadId);
  });

  it('refuses unknown and ephemeral threads, and needs the experimental capability', async (t) => {
    const rig = await startThreadRig(t);
    const { client } = rig;
    const unknown = '00000000-0000-7000-8000-000000000000';
    const update = (threadId: string) =>
      client.request('thread/readState/update', { threadId, operation: { type: 'read' }, expectedRevision: 'x' });
    assert.deepEqual((await update(unknown)).error, { code: -32600, message: `thread not loaded: ${unknown}` });
    const ephemeral = await startThread(client, { ephemeral: true });
    assert.deepEqual((await update(ephemeral)).error, { code: -32600, message: 'thread read state unavailable' });

    // A persisted thread nobody marked is read, with the reference's initial revision; a failed turn changes nothing.
    const failing = await startThreadRig(t, { replies: [httpReply(400, { error: { message: 'bad', type: 'invalid_request_error' } })] });
    const failed = await startThread(failing.client);
    await turnCompleted(failing.client, await startTextTurn(failing.client, failed, 'go'));
    const stored = resultOf(await failing.client.request('thread/read', { threadId: failed })).readState;
    assert.deepEqual(stored, { firstUnread: null, revision: `initial:${failed}` });
    assert.equal(failing.client.received.some((m) => m.method === 'thread/readState/changed'), false);
    const marked = resultOf(
      await failing.client.request('thread/readState/update', {
        threadId: failed,
        operation: { type: 'unread' },
        expectedRevision: `initial:${failed}`,
      }),
    );
    assert.deepEqual((marked.readState as ReadState).firstUnread, { type: 'threadStart' });

    const plain = await RpcTestClient.connect(rig.server.url);
    t.after(() => plain.close());
    await plain.initialize(null);
    const refused = await plain.request('thread/readState/update', {
      threadId: ephemeral,
      operation: { type: 'read' },
      expectedRevision: 'x',
    });
    assert.deepEqual(refused.error, { code: -32600, message: 'thread/readState/update requires experimentalApi capability' });
  });
});

describe('thread/goal/get', () => {
  it('has no goal for a known thread and refuses unknown ones with the reference texts', async (t) => {
    const { client } = await startThreadRig(t);
    const threadId = await startThread(client);
    assert.deepEqual(resultOf(await client.request('thread/goal/get', { threadId })), { goal: null });
    const unknown = '00000000-0000-7000-8000-000000000000';
    assert.deepEqual((await client.request('thread/goal/get', { threadId: unknown })).error, {
      code: -32600,
      message: `thread not found: ${unknown}`,
    });
    const bad = await client.request('thread/goal/get', { threadId: 'bad' });
    assert.match((bad.error as { message: string }).message, /^invalid thread id: /);
  });
});
