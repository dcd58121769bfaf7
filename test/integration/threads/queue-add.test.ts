import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { assertItemType } from '../../helpers/thread-items.js';
import { REFERENCE_ROLLOUT, REFERENCE_THREAD } from '../../helpers/rollout-fixtures.js';
import { PROJECT_ROOT } from '../../helpers/server.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import type { ParamsOf } from '../../helpers/protocol-types.js';
import { resultOf } from '../../helpers/rpc-results.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function answer(n: number) {
  return sseReply(textTurnFrames([`answer ${n}`], { responseId: `resp_${n}`, itemId: `msg_${n}` }));
}

const text = (value: string): ParamsOf<'thread/queue/add'>['input'] => [{ type: 'text', text: value, text_elements: [] }];

/** What `client` received from index `from` on: notification methods, and `response` for the response `id`. */
function sequence(client: RpcTestClient, from: number, id: string | number): string[] {

  return client.received
    .slice(from)
    .filter((m) => typeof m.method === 'string' || m.id === id)
    .map((m) => (typeof m.method === 'string' ? m.method : 'response'));
}

/** The text inputs of a model request, in order. */
function userTexts(body: unknown): string[] {
  const input = (body as { input: { role?: string; content?: { type: string; text?: string }[] }[] }).input;
  return input
    .filter((item) => item.role === 'user')
    .flatMap((item) => (item.content ?? []).filter((part) => part.type === 'input_text').map((part) => part.text ?? ''))
    .filter((value) => !value.startsWith('<'));
}

describe('thread/queue/add', () => {
  it('starts a turn at once on an idle thread, in the reference order', async (t) => {
    const rig = await startThreadRig(t, { replies: [answer(0)] });
    const { client } = rig;
    const threadId = await startThread(client);
    const from = client.received.length;
    const response = await client.callRaw('thread/queue/add', {
      threadId,
      input: text('queued while idle'),
      clientUserMessageId: 'cu-1',
    });
    const { queuedSubmission } = resultOf(response);
    assert.match(queuedSubmission.id, UUID);
    assert.deepEqual(
      { ...queuedSubmission, id: '' },
      { id: '', input: text('queued while idle'), clientUserMessageId: 'cu-1', responsesapiClientMetadata: null },
    );
    const started = await client.notification('turn/started');
    const turnId = started.params.turn.id;
    await turnCompleted(client, turnId);
    assert.deepEqual(sequence(client, from, response.id).slice(0, 5), [
      'thread/queue/changed',
      'thread/queue/changed',
      'response',
      'thread/status/changed',
      'turn/started',
    ]);
    const userItem = client.receivedParams('item/started').find((params) => params.item.type === 'userMessage')?.item;
    assertItemType(userItem, 'userMessage');
    assert.equal(userItem.clientId, 'cu-1');
    assert.deepEqual(userTexts((await rig.fake.waitForRequests(1))[0]?.body), ['queued while idle']);
  });

  it('runs after the current turn on a busy thread', async (t) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['first answer']), { hold: { count: 3, until: held } }), answer(1)],
    });
    t.after(() => release());
    const { client } = rig;
    const threadId = await startThread(client);
    const running = await startTextTurn(client, threadId, 'first');
    await client.waitFor((m) => m.method === 'item/agentMessage/delta', 'the first answer streaming');

    const from = client.received.length;
    const response = await client.callRaw('thread/queue/add', {
      threadId,
      input: text('queued while busy'),
      clientUserMessageId: 'cu-2',
      responsesapiClientMetadata: { origin: 'test' },
    });
    const { queuedSubmission } = resultOf(response);
    assert.deepEqual(queuedSubmission.responsesapiClientMetadata, { origin: 'test' });
    await client.notification('thread/queue/changed');
    // The response first, then the change [observed]; nothing starts while the turn runs.
    assert.deepEqual(sequence(client, from, response.id), ['response', 'thread/queue/changed']);
    assert.equal(rig.fake.requests.length, 1);

    const afterRelease = client.received.length;
    release();
    await turnCompleted(client, running);
    const next = await client.notification('turn/started', (params) => params.turn.id !== running);
    await turnCompleted(client, next.params.turn.id);
    const order = sequence(client, afterRelease, -1);
    const completedAt = order.indexOf('turn/completed');
    assert.deepEqual(order.slice(completedAt, completedAt + 4), [
      'turn/completed',
      'thread/queue/changed',
      'thread/status/changed',
      'turn/started',
    ]);
    assert.deepEqual(userTexts((await rig.fake.waitForRequests(2))[1]?.body), ['first', 'queued while busy']);
  });

  it('keeps input for a stored thread until it is resumed', async (t) => {
    const rig = await startThreadRig(t, { replies: [answer(0)] });
    const day = join(rig.server.codexHome, 'sessions', '2026', '11', '22');
    await mkdir(day, { recursive: true });
    await copyFile(REFERENCE_ROLLOUT, join(day, basename(REFERENCE_ROLLOUT)));
    const { client } = rig;

    await client.call('thread/queue/add', {
      threadId: REFERENCE_THREAD,
      input: text('queued cold'),
      clientUserMessageId: 'cu-3',
    });
    await client.notification('thread/queue/changed');
    assert.deepEqual((await client.call('thread/loaded/list', {})).data, []);
    assert.equal(rig.fake.requests.length, 0);

    await client.call('thread/resume', { threadId: REFERENCE_THREAD, excludeTurns: true });
    const started = await client.notification('turn/started');
    await turnCompleted(client, started.params.turn.id);
    const texts = userTexts((await rig.fake.waitForRequests(1))[0]?.body);
    assert.equal(texts.at(-1), 'queued cold');
  });

  it('serves the real `codex queue --remote` subcommand (reference 0.169.0 CLI)', async (t) => {
    const rig = await startThreadRig(t, { replies: [answer(0), answer(1)] });
    const { client } = rig;
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'first'));
    const cliHome = await makeTempHome(t);
    const codex = join(PROJECT_ROOT, 'node_modules', '.bin', 'codex');
    const args = ['queue', '--remote', rig.server.url, '--thread', threadId, '--message', 'from codex queue'];
    const { stdout } = await promisify(execFile)(codex, args, {
      env: { ...process.env, CODEX_HOME: cliHome, RUST_LOG: 'error' },
      timeout: 30_000,
    });
    assert.match(stdout, new RegExp(`^Queued message [0-9a-f-]{36} for thread ${threadId}\\.\n$`));
    const queued = await client.notification(
      'item/started',
      ({ item }) => item.type === 'userMessage' && item.clientId !== null && item.clientId !== undefined,
    );
    await turnCompleted(client, queued.params.turnId);

    assert.deepEqual(userTexts((await rig.fake.waitForRequests(2))[1]?.body), ['first', 'from codex queue']);
  });

  it('refuses unknown threads, empty input and clients without the experimental API', async (t) => {
    const rig = await startThreadRig(t);
    const { client } = rig;
    const unknown = '01a20274-0250-7a53-b773-0774080a2630';
    assert.deepEqual(
      (await client.request('thread/queue/add', { threadId: unknown, input: text('x'), clientUserMessageId: 'a' })).error,
      {
        code: -32603,
        message: `failed to read thread: invalid thread-store request: no rollout found for thread id ${unknown}`,
      },
    );
    const threadId = await startThread(client);
    assert.deepEqual((await client.request('thread/queue/add', { threadId, input: [], clientUserMessageId: 'b' })).error, {
      code: -32600,
      message: 'only user input can be added to the user-message queue',
    });
    assert.deepEqual((await client.request('thread/queue/add', { threadId, input: text('x') })).error, {
      code: -32600,
      message: 'Invalid request: missing field `clientUserMessageId`',
    });
    const plain = await RpcTestClient.connect(rig.server.url);
    t.after(() => plain.close());
    await plain.initialize(null);
    assert.deepEqual(
      (await plain.request('thread/queue/add', { threadId, input: text('x'), clientUserMessageId: 'c' })).error,
      { code: -32600, message: 'thread/queue/add requires experimentalApi capability' },
    );
    assert.equal(rig.fake.requests.length, 0);
  });
});
