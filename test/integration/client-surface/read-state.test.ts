import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpReply, sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { errorOf, resultOf } from '../../helpers/rpc-results.js';

import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('thread read state', () => {
  it('follows the reference: unavailable before a turn, unread after each, read/unread guarded by revision', async (t) => {
    const replies = [1, 2, 3].map((n) => sseReply(textTurnFrames([`answer ${n}`], { responseId: `resp_${n}` })));
    const rig = await startThreadRig(t, { replies });
    const { client } = rig;
    const threadId = await startThread(client);
    const readState = async () => (await client.call('thread/read', { threadId })).readState;
    const update = (type: 'read' | 'unread', expectedRevision: string) =>
      client.callRaw('thread/readState/update', { threadId, operation: { type }, expectedRevision });

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
    const read = resultOf(readResponse).readState;
    assert.equal(read.firstUnread, null);
    // The change notification precedes the response.
    const changed = client.received.slice(notesBefore).findIndex((m) => m.method === 'thread/readState/changed');
    const answered = client.received.slice(notesBefore).indexOf(readResponse);
    assert.ok(changed >= 0 && changed < answered);
    assert.deepEqual(await readState(), read);

    const unread = resultOf(await update('unread', read.revision)).readState;
    assert.deepEqual(unread.firstUnread, { type: 'threadStart' });
    const listed = await client.call('thread/list', {});
    assert.deepEqual(listed.readStates, { [threadId]: unread });
  });

  it('announces changes only to subscribers that opted into the experimental API, as the reference does', async (t) => {
    const replies = [1, 2].map((n) => sseReply(textTurnFrames([`answer ${n}`], { responseId: `resp_${n}` })));
    const rig = await startThreadRig(t, { replies });
    const threadId = await startThread(rig.client);
    // A thread can be resumed (subscribed to) once its first turn made it durable.
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'one'));
    const connect = async (name: string, experimental: boolean) => {
      if (experimental) return rig.connect(name);
      const client = await RpcTestClient.connect(rig.server.url);
      t.after(() => client.close());
      await client.initialize(null, name);
      return client;
    };
    const audience = {
      experimentalSubscribed: { client: await connect('exp-sub', true), expected: 2 },
      plainSubscribed: { client: await connect('plain-sub', false), expected: 0 },
      experimentalUnsubscribed: { client: await connect('exp-unsub', true), expected: 0 },
      plainUnsubscribed: { client: await connect('plain-unsub', false), expected: 0 },
    };
    await audience.experimentalSubscribed.client.call('thread/resume', { threadId });
    await audience.plainSubscribed.client.call('thread/resume', { threadId });

    const second = await startTextTurn(rig.client, threadId, 'two');
    await turnCompleted(rig.client, second);
    const { readState } = await rig.client.call('thread/read', { threadId });
    assert.ok(readState, 'a thread after a turn has a read state');
    await rig.client.call('thread/readState/update', {
      threadId,
      operation: { type: 'read' },
      expectedRevision: readState.revision,
    });
    for (const [name, { client, expected }] of Object.entries(audience)) {
      // Every connection hears the thread go idle, which follows the turn's receipt change; a round trip made after
      // the update was answered comes back after that update's change. Past both, nothing more can arrive.
      await client.notification('thread/status/changed', (params) => params.status.type === 'idle');
      await client.call('thread/loaded/list', {});
      const changes = client.received.filter((m) => m.method === 'thread/readState/changed');
      assert.equal(changes.length, expected, name);
    }
    const [afterTurn, afterUpdate] = audience.experimentalSubscribed.client.receivedParams('thread/readState/changed');
    assert.deepEqual(afterTurn, { threadId, readState });
    assert.equal(afterUpdate?.readState.firstUnread, null);
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
    const stored = (await failing.client.call('thread/read', { threadId: failed })).readState;
    assert.deepEqual(stored, { firstUnread: null, revision: `initial:${failed}` });
    assert.equal(failing.client.received.some((m) => m.method === 'thread/readState/changed'), false);
    const marked = await failing.client.call('thread/readState/update', {
      threadId: failed,
      operation: { type: 'unread' },
      expectedRevision: `initial:${failed}`,
    });
    assert.deepEqual(marked.readState.firstUnread, { type: 'threadStart' });

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
    assert.deepEqual(await client.call('thread/goal/get', { threadId }), { goal: null });
    const unknown = '00000000-0000-7000-8000-000000000000';
    assert.deepEqual((await client.request('thread/goal/get', { threadId: unknown })).error, {
      code: -32600,
      message: `thread not found: ${unknown}`,
    });
    const bad = await client.callRaw('thread/goal/get', { threadId: 'bad' });
    assert.match(errorOf(bad).message, /^invalid thread id: /);
  });
});
