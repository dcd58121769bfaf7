import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { ClientMethod, ParamsOf, ResponseTo } from '../../helpers/protocol-types.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';
import { resultOf } from '../../helpers/rpc-results.js';
import { startTextTurn, startThread, startThreadRig, storedPath, turnCompleted } from '../../helpers/thread-server.js';


const UNKNOWN_ID = '01a20274-0250-7a53-b773-0774080a263e';
const MALFORMED_ID_ERROR =
  'invalid session id: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], ' +
  'found `n` at 1';

/** What the client received from `from` on, as method names, with `response` for the answer to request `id`. */
function sequence(client: RpcTestClient, from: number, id: number | string): string[] {
  return client.received
    .slice(from)
    .map((m: ServerMessage) => (typeof m.method === 'string' ? m.method : m.id === id ? 'response' : 'other'));
}

/** Sends a request and returns its response with everything received from just before it. */
async function requestWithSequence<M extends ClientMethod>(
  client: RpcTestClient,
  method: M,
  params: ParamsOf<M>,
  settle: string,
): Promise<{ response: ResponseTo<M>; sequence: string[] }> {
  const from = client.received.length;
  const response = await client.callRaw(method, params);
  await client.waitFor((m) => m.method === settle && client.received.indexOf(m) >= from, settle);
  return { response, sequence: sequence(client, from, response.id) };
}


describe('thread/archive', () => {
  it('unloads a loaded thread and moves its rollout, telling every connection', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['ok']))] });
    const { client } = rig;
    const bystander = await rig.connect('bystander');
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'archive me'));
    const livePath = await storedPath(client, threadId);

    const bystanderFrom = bystander.received.length;
    const { response, sequence: order } = await requestWithSequence(
      client,
      'thread/archive',
      { threadId },
      'thread/archived',
    );
    assert.deepEqual(resultOf(response), {});
    assert.deepEqual(order, ['thread/status/changed', 'response', 'thread/archived']);
    assert.deepEqual(client.received.findLast((m) => m.method === 'thread/status/changed')?.params, {
      threadId,
      status: { type: 'notLoaded' },
    });
    await bystander.notification('thread/archived');
    assert.deepEqual(
      bystander.received.slice(bystanderFrom).map((m) => [m.method, m.params]),
      [
        ['thread/status/changed', { threadId, status: { type: 'notLoaded' } }],
        ['thread/archived', { threadId }],
      ],
    );

    const archivedPath = join(rig.server.codexHome, 'archived_sessions', basename(livePath));
    assert.equal(existsSync(livePath), false);
    assert.equal(existsSync(archivedPath), true);
    assert.deepEqual((await client.call('thread/loaded/list', {})).data, []);
    assert.deepEqual((await client.call('thread/list', {})).data, []);
    const archived = (await client.call('thread/list', { archived: true })).data;
    assert.deepEqual(
      archived.map((thread) => [thread.id, thread.path, thread.status]),
      [[threadId, archivedPath, { type: 'notLoaded' }]],
    );
    const read = (await client.call('thread/read', { threadId })).thread;
    assert.equal(read.path, archivedPath);
    // An archived thread is neither loaded nor resumable; turn/start does not find it.
    const turn = await client.callRaw('turn/start', { threadId, input: [{ type: 'text', text: 'x' }] });
    assert.deepEqual(turn.error, { code: -32600, message: `thread not found: ${threadId}` });
    assert.deepEqual(await client.call('thread/unsubscribe', { threadId }), { status: 'notLoaded' });
  });

  it('writes the rollout of a thread that has had no turn, then archives it', async (t) => {
    const rig = await startThreadRig(t);
    const threadId = await startThread(rig.client);
    await rig.client.call('thread/archive', { threadId });
    await rig.client.notification('thread/archived');

    const read = (await rig.client.call('thread/read', { threadId })).thread;
    const { path } = read;
    assert.ok(path, 'a stored thread has a rollout file');
    assert.equal(dirname(path), join(rig.server.codexHome, 'archived_sessions'));
    assert.deepEqual(read.status, { type: 'notLoaded' });
    assert.equal(read.preview, '');
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    assert.deepEqual(
      lines.map((line) => (JSON.parse(line) as { type: string }).type),
      ['session_meta'],
    );
  });

  it('archives a stored thread without a status notification', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['ok']))],
      configExtra: 'thread_unload_delay_secs = 0',
    });
    const { client } = rig;
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'stored'));
    await client.call('thread/unsubscribe', { threadId });
    await client.notification('thread/closed');

    const { sequence: order } = await requestWithSequence(client, 'thread/archive', { threadId }, 'thread/archived');
    assert.deepEqual(order, ['response', 'thread/archived']);
  });

  it('interrupts a running turn first', async (t) => {
    const hanging = sseReply(textTurnFrames(['never']).slice(0, 2), { then: 'hang' });
    const rig = await startThreadRig(t, { replies: [hanging] });
    const { client } = rig;
    const threadId = await startThread(client);
    const turnId = await startTextTurn(client, threadId, 'wait');
    await rig.fake.waitForRequests(1);

    const { sequence: order } = await requestWithSequence(client, 'thread/archive', { threadId }, 'thread/archived');
    const completed = await turnCompleted(client, turnId);
    assert.equal(completed.turn.status, 'interrupted');
    // The reference's order: the turn ends (idle, turn/completed), then notLoaded, the answer, thread/archived.
    assert.deepEqual(order.slice(-5), [
      'thread/status/changed',
      'turn/completed',
      'thread/status/changed',
      'response',
      'thread/archived',
    ]);
    const path = await storedPath(client, threadId);
    const last = JSON.parse((await readFile(path, 'utf8')).trim().split('\n').at(-1) ?? '{}') as {
      payload: { type: string };
    };
    assert.equal(last.payload.type, 'turn_aborted');
  });

  it('refuses unknown, ephemeral, already archived and malformed ids with the reference texts', async (t) => {
    const { client } = await startThreadRig(t);
    const threadId = await startThread(client);
    const ephemeral = await startThread(client, { ephemeral: true });
    await client.call('thread/archive', { threadId });
    const errorOf = async (id: string) => (await client.callRaw('thread/archive', { threadId: id })).error;

    assert.deepEqual(await errorOf(threadId), { code: -32600, message: `no rollout found for thread id ${threadId}` });
    assert.deepEqual(await errorOf(UNKNOWN_ID), { code: -32600, message: `no rollout found for thread id ${UNKNOWN_ID}` });
    assert.deepEqual(await errorOf(ephemeral), { code: -32600, message: `no rollout found for thread id ${ephemeral}` });
    assert.deepEqual(await errorOf('nope'), { code: -32600, message: MALFORMED_ID_ERROR });
    // A refused ephemeral thread stays loaded.
    assert.deepEqual((await client.call('thread/loaded/list', {})).data, [ephemeral]);
  });
});

describe('thread/unarchive', () => {
  it('moves the rollout back, answers with the thread, then tells every connection', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['ok']))] });
    const { client } = rig;
    const bystander = await rig.connect('bystander');
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'bring me back'));
    const livePath = await storedPath(client, threadId);
    await client.call('thread/name/set', { threadId, name: 'Keeper' });
    await client.call('thread/archive', { threadId });
    await client.notification('thread/archived');

    const beforeMs = Date.now();
    const { response, sequence: order } = await requestWithSequence(
      client,
      'thread/unarchive',
      { threadId: `urn:uuid:${threadId}` },
      'thread/unarchived',
    );
    assert.deepEqual(order, ['response', 'thread/unarchived']);
    const { thread } = resultOf(response);
    assert.equal(thread.id, threadId);
    assert.deepEqual(thread.status, { type: 'notLoaded' });
    assert.equal(thread.environments, null);
    assert.equal(thread.path, livePath);
    assert.equal(thread.preview, 'bring me back');
    assert.equal(thread.name, 'Keeper');
    assert.deepEqual((await bystander.notification('thread/unarchived')).params, { threadId });

    // Back where it was, touched (the reference sets the file's mtime), and listed again.
    assert.equal(existsSync(livePath), true);
    assert.ok((await stat(livePath)).mtimeMs >= beforeMs - 1000);
    assert.ok(thread.updatedAt >= Math.floor(beforeMs / 1000));
    const listed = (await client.call('thread/list', {})).data;
    assert.deepEqual(
      listed.map((entry) => entry.id),
      [threadId],
    );
    assert.deepEqual((await client.call('thread/list', { archived: true })).data, []);
    // It can be resumed again.
    await client.call('thread/resume', { threadId });
  });

  it('refuses a thread that is not archived, an unknown one, and a malformed id', async (t) => {
    const { client } = await startThreadRig(t);
    const threadId = await startThread(client);
    const errorOf = async (id: string) => (await client.callRaw('thread/unarchive', { threadId: id })).error;


    assert.deepEqual(await errorOf(threadId), {
      code: -32600,
      message: `no archived rollout found for thread id ${threadId}`,
    });
    assert.deepEqual(await errorOf(UNKNOWN_ID), {
      code: -32600,
      message: `no archived rollout found for thread id ${UNKNOWN_ID}`,
    });
    assert.deepEqual(await errorOf('nope'), { code: -32600, message: MALFORMED_ID_ERROR });
  });
});
