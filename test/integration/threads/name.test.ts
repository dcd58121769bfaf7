import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { ServeOptions } from '../../../src/cli.js';
import { startServer } from '../../../src/main.js';
import { createSilentLogger } from '../../../src/util/logger.js';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import {
  methodsAfterResponse,
  resultOf,
  startTextTurn,
  startThread,
  startThreadRig,
  turnCompleted,
} from '../../helpers/thread-server.js';

const UNKNOWN_ID = '01a20274-0250-7a53-b773-0774080a263e';

/** Another server on an existing CODEX_HOME (a restart, as far as the files are concerned) and a client of it. */
async function serverOn(t: TestContext, codexHome: string): Promise<RpcTestClient> {
  const options = { config: [], enable: [], disable: [], listen: { kind: 'websocket', host: '127.0.0.1', port: 0 } };
  const server = await startServer(options as ServeOptions, {
    env: { ...process.env, CODEX_HOME: codexHome },
    log: createSilentLogger(),
  });
  t.after(() => server.close());
  const client = await RpcTestClient.connect(server.websocket?.url ?? '');
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true });
  return client;
}

async function sessionIndexLines(codexHome: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(codexHome, 'session_index.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('thread/name/set', () => {
  it('names a thread that has had no turn: {}, then thread/name/updated to every connection', async (t) => {
    const rig = await startThreadRig(t);
    const { client } = rig;
    const bystander = await rig.connect('bystander');
    const threadId = await startThread(client);

    const response = await client.callRaw('thread/name/set', { threadId, name: '\t  My  name \n' });
    assert.deepEqual(resultOf(response), {});
    const updated = await client.notification('thread/name/updated');
    assert.deepEqual(updated.params, { threadId, threadName: 'My  name' });
    assert.deepEqual(methodsAfterResponse(client, response.id), ['thread/name/updated']);
    assert.deepEqual((await bystander.notification('thread/name/updated')).params, { threadId, threadName: 'My  name' });

    // Persisted as the reference does: a session_index.jsonl line, and the thread's rollout (session_meta only).
    const [entry, ...more] = await sessionIndexLines(rig.server.codexHome);
    assert.deepEqual(more, []);
    assert.deepEqual(Object.keys(entry ?? {}), ['id', 'thread_name', 'updated_at']);
    assert.equal(entry?.id, threadId);
    assert.equal(entry?.thread_name, 'My  name');
    assert.match(String(entry?.updated_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const { thread } = await client.call('thread/read', { threadId });
    assert.equal(thread.name, 'My  name');
    assert.ok(thread.path, 'a named thread has a rollout file');
    const rollout = (await readFile(thread.path, 'utf8')).trim().split('\n');
    assert.deepEqual(
      rollout.map((line) => (JSON.parse(line) as { type: string }).type),
      ['session_meta'],
    );
  });

  it('refuses what the reference refuses, with its texts', async (t) => {
    const { client } = await startThreadRig(t);
    const threadId = await startThread(client);
    const ephemeral = await startThread(client, { ephemeral: true });
    const errorOf = async (params: Record<string, unknown>) => (await client.request('thread/name/set', params)).error;

    assert.deepEqual(await errorOf({ threadId, name: ' \n\u3000' }), {
      code: -32600,
      message: 'thread name must not be empty',
    });
    assert.deepEqual(await errorOf({ threadId: UNKNOWN_ID, name: 'x' }), {
      code: -32600,
      message: `no rollout found for thread id ${UNKNOWN_ID}`,
    });
    assert.deepEqual(await errorOf({ threadId: 'nope', name: 'x' }), {
      code: -32600,
      message:
        'invalid thread id: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], ' +
        'found `n` at 1',
    });
    assert.deepEqual(await errorOf({ threadId: ephemeral, name: 'x' }), {
      code: -32600,
      message: `ephemeral thread does not support metadata updates: ${ephemeral}`,
    });
    await client.call('thread/archive', { threadId });
    assert.deepEqual(await errorOf({ threadId, name: 'x' }), {
      code: -32600,
      message: `no rollout found for thread id ${threadId}`,
    });
    assert.equal(client.received.filter((m) => m.method === 'thread/name/updated').length, 0);
  });

  it('names stored threads, and the names survive a restart', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['ok']))] });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'remember me'));
    await rig.client.call('thread/name/set', { threadId, name: 'First' });

    // A new server on the same CODEX_HOME finds the name, and renames the thread without loading it.
    const restarted = await serverOn(t, rig.server.codexHome);
    const listed = (await restarted.call('thread/list', {})).data;
    assert.deepEqual(
      listed.map((thread) => [thread.id, thread.name]),
      [[threadId, 'First']],
    );
    await restarted.call('thread/name/set', { threadId: threadId.toUpperCase(), name: 'Second' });
    assert.deepEqual((await restarted.notification('thread/name/updated')).params, { threadId, threadName: 'Second' });
    assert.deepEqual((await restarted.call('thread/loaded/list', {})).data, []);
    const read = (await restarted.call('thread/read', { threadId })).thread;
    assert.equal(read.name, 'Second');
    // The search term matches the name rather than the preview.
    const found = (await restarted.call('thread/list', { searchTerm: 'Sec' })).data;
    assert.equal(found.length, 1);

    // The newest line wins when the file is read again.
    const again = await serverOn(t, rig.server.codexHome);
    const resumed = (await again.call('thread/resume', { threadId })).thread;

    assert.equal(resumed.name, 'Second');
    assert.deepEqual(
      (await sessionIndexLines(rig.server.codexHome)).map((entry) => entry.thread_name),
      ['First', 'Second'],
    );
  });
});
