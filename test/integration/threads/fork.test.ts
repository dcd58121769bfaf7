import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { startReferenceServer } from '../../helpers/reference-server.js';
import { isNotification } from '../../helpers/rpc-client.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';

import type { ParamsOf, ResponseTo, ResultOf } from '../../helpers/protocol-types.js';
import { resultOf } from '../../helpers/rpc-results.js';
import { itemText } from '../../helpers/thread-items.js';
import {
  methodsAfterResponse,
  startTextTurn,
  startThread,
  startThreadRig,
  turnCompleted,
} from '../../helpers/thread-server.js';
import { REFERENCE_ROLLOUT, REFERENCE_THREAD, REFERENCE_TURNS } from '../../helpers/rollout-fixtures.js';

type WireThread = ResultOf<'thread/fork'>['thread'];
type WireTurn = WireThread['turns'][number];

async function rolloutLines(path: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  const text = await readFile(path, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; payload: Record<string, unknown> });
}

/** Item texts of turns, for compact assertions: `[status, ['userMessage:hi', 'agentMessage:hello']]`. */
function turnSummary(turns: readonly WireTurn[]): [string, string[]][] {
  return turns.map((turn) => [
    turn.status,
    turn.items.map((item) => `${item.type}:${itemText(item) ?? ''}`),
  ]);
}

/** The texts a model request sent, without the harness's context messages. */
function conversationTexts(body: unknown): string[] {
  const input = (body as { input: { role?: string; content?: { text?: string }[] }[] }).input;
  return input
    .filter((item) => item.role !== 'developer')
    .map((item) => item.content?.[0]?.text ?? '')
    .filter((text) => !text.startsWith('<environment_context>'));
}

/** Waits for thread/started of `threadId`. */
async function threadStarted(client: RpcTestClient, threadId: string): Promise<WireThread> {
  const message = await client.notification('thread/started', (params) => params.thread.id === threadId);
  return message.params.thread;
}

async function forkOf(
  client: RpcTestClient,
  params: ParamsOf<'thread/fork'>,
): Promise<{ response: ResponseTo<'thread/fork'>; thread: WireThread }> {
  const response = await client.callRaw('thread/fork', params);
  return { response, thread: resultOf(response).thread };
}

describe('thread/fork', () => {
  it('copies a loaded thread into a new thread, persisted at once, in the reference notification order', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(textTurnFrames(['first answer'])),
        sseReply(textTurnFrames(['second answer'], { itemId: 'msg_2' })),
      ],
    });
    const { client } = rig;
    const sourceId = await startThread(client);
    const first = await startTextTurn(client, sourceId, 'first question');
    await turnCompleted(client, first);
    const second = await startTextTurn(client, sourceId, 'second question');
    await turnCompleted(client, second);

    const before = client.received.length;
    const { response, thread } = await forkOf(client, { threadId: sourceId });
    const result = resultOf(response);
    assert.notEqual(thread.id, sourceId);
    assert.equal(thread.sessionId, thread.id);
    assert.equal(thread.forkedFromId, sourceId);
    assert.equal(thread.preview, 'first question');
    assert.equal(thread.ephemeral, false);
    assert.deepEqual(thread.status, { type: 'idle' });
    assert.equal(result.model, 'mock-model');
    assert.equal(result.approvalPolicy, 'never');
    assert.deepEqual(
      thread.turns.map((turn) => [turn.id, turn.itemsView]),
      [
        [first, 'full'],
        [second, 'full'],
      ],
    );
    assert.deepEqual(turnSummary(thread.turns), [
      ['completed', ['userMessage:first question', 'agentMessage:first answer']],
      ['completed', ['userMessage:second question', 'agentMessage:second answer']],
    ]);

    // deprecationNotice precedes the response; usage and thread/started follow it.
    const announced = await threadStarted(client, thread.id);
    const notice = client.received.slice(before).find((message) => message.method === 'deprecationNotice');
    assert.ok(notice !== undefined && client.received.indexOf(notice) < client.received.indexOf(response));
    assert.deepEqual(methodsAfterResponse(client, response.id as number), [
      'thread/tokenUsage/updated',
      'thread/started',
    ]);
    const usage = client.received.find(
      (message) => message.method === 'thread/tokenUsage/updated' && client.received.indexOf(message) > before,
    );
    assert.ok(usage && isNotification(usage, 'thread/tokenUsage/updated'));
    assert.deepEqual([usage.params.threadId, usage.params.turnId], [thread.id, second]);
    assert.equal(announced.forkedFromId, sourceId);
    assert.deepEqual(announced.turns, []);

    // The rollout exists already: the fork's own session_meta, then the source's lines.
    assert.ok(thread.path !== null && existsSync(thread.path));
    const lines = await rolloutLines(thread.path);
    assert.equal(lines[0]?.type, 'session_meta');
    assert.equal(lines[0]?.payload.id, thread.id);
    assert.equal(lines[0]?.payload.forked_from_id, sourceId);
    assert.equal(lines.filter((line) => line.type === 'session_meta').length, 1);
    assert.equal(lines.at(-1)?.payload.type, 'task_complete');

    // Listed like any thread with a first message; thread/read shows where it came from.
    const read = await client.call('thread/read', { threadId: thread.id, includeTurns: true });
    assert.equal(read.thread.forkedFromId, sourceId);
    assert.deepEqual(turnSummary(read.thread.turns), turnSummary(thread.turns));
    const list = await client.call('thread/list', {});
    assert.deepEqual(
      list.data.map((listed) => listed.id),
      [thread.id, sourceId],
    );
  });

  it('forks through lastTurnId, and the fork continues from there with the copied history', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(textTurnFrames(['first answer'])),
        sseReply(textTurnFrames(['second answer'], { itemId: 'msg_2' })),
        sseReply(textTurnFrames(['fork answer'], { itemId: 'msg_3' })),
      ],
    });
    const { client } = rig;
    const sourceId = await startThread(client);
    const first = await startTextTurn(client, sourceId, 'first question');
    await turnCompleted(client, first);
    await turnCompleted(client, await startTextTurn(client, sourceId, 'second question'));

    const { response, thread } = await forkOf(client, { threadId: sourceId, lastTurnId: first, excludeTurns: true });
    assert.deepEqual(thread.turns, []);
    await threadStarted(client, thread.id);
    // excludeTurns: no deprecation notice, no usage.
    assert.deepEqual(methodsAfterResponse(client, response.id), ['thread/started']);
    assert.equal(
      client.received.some((message) => message.method === 'deprecationNotice'),
      false,
    );

    const forkTurn = await startTextTurn(client, thread.id, 'fork question');
    await turnCompleted(client, forkTurn);
    const [, , request] = await rig.fake.waitForRequests(3);
    assert.deepEqual(conversationTexts(request?.body), ['first question', 'first answer', 'fork question']);

    const page = await client.call('thread/turns/list', { threadId: thread.id, itemsView: 'full' });
    assert.deepEqual(
      page.data.map((turn) => turn.id),
      [forkTurn, first],
    );
    // The source is untouched.
    const source = await client.call('thread/read', { threadId: sourceId, includeTurns: true });
    assert.equal(source.thread.turns.length, 2);
  });

  it('forks a stored rollout of the reference without loading it', async (t) => {
    const rig = await startThreadRig(t);
    const day = join(rig.server.codexHome, 'sessions', '2026', '11', '22');
    await mkdir(day, { recursive: true });
    await copyFile(REFERENCE_ROLLOUT, join(day, basename(REFERENCE_ROLLOUT)));
    const { client } = rig;

    const { thread } = await forkOf(client, { threadId: REFERENCE_THREAD, lastTurnId: REFERENCE_TURNS[0] });
    assert.equal(thread.forkedFromId, REFERENCE_THREAD);
    assert.equal(thread.preview, 'hello');
    assert.deepEqual(
      thread.turns.map((turn) => turn.id),
      [REFERENCE_TURNS[0]],
    );
    const loaded = await client.call('thread/loaded/list', {});
    assert.deepEqual(loaded.data, [thread.id]);

    const { thread: before } = await forkOf(client, { threadId: REFERENCE_THREAD, beforeTurnId: REFERENCE_TURNS[1] });
    assert.deepEqual(
      before.turns.map((turn) => turn.id),
      [REFERENCE_TURNS[0]],
    );
  });

  it('follows the history_base of a fork the reference wrote', async (t) => {
    const rig = await startThreadRig(t);
    const day = join(rig.server.codexHome, 'sessions', '2026', '11', '22');
    await mkdir(day, { recursive: true });
    await copyFile(REFERENCE_ROLLOUT, join(day, basename(REFERENCE_ROLLOUT)));
    // What 0.169.0 writes for `thread/fork {lastTurnId: <first turn>}` of that rollout [probed]: a session_meta
    // pointing at the source's lines before ordinal 14 (the second turn's task_started), nothing copied.
    const forkId = '01a20274-0400-7000-8000-000000000001';
    const meta = (await rolloutLines(REFERENCE_ROLLOUT))[0]?.payload as Record<string, unknown>;
    const header = {
      timestamp: '2026-11-22T08:52:00.000Z',
      ordinal: 14,
      type: 'session_meta',
      payload: {
        ...meta,
        session_id: forkId,
        id: forkId,
        forked_from_id: REFERENCE_THREAD,
        forked_from_ordinal_exclusive: 14,
        timestamp: '2026-11-22T08:52:00.000Z',
        history_base: { thread_id: REFERENCE_THREAD, end_ordinal_exclusive: 14, end_byte_offset: 35213 },
      },
    };
    await writeFile(join(day, `rollout-2026-11-22T08-52-00-${forkId}.jsonl`), `${JSON.stringify(header)}\n`);

    const { thread } = await forkOf(rig.client, { threadId: forkId });
    assert.equal(thread.forkedFromId, forkId);
    assert.deepEqual(turnSummary(thread.turns), [
      ['completed', ['userMessage:hello', 'agentMessage:alpha beta gamma delta eps ']],
    ]);
    assert.deepEqual(
      thread.turns.map((turn) => turn.id),
      [REFERENCE_TURNS[0]],
    );
  });

  it('ends the copy of a running turn with the interruption marker', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(textTurnFrames(['first answer'])),
        sseReply(textTurnFrames(['never', ' finished']).slice(0, 3), { then: 'hang' }),
        sseReply(textTurnFrames(['fork answer'], { itemId: 'msg_3' })),
      ],
    });
    const { client } = rig;
    const sourceId = await startThread(client);
    const first = await startTextTurn(client, sourceId, 'first question');
    await turnCompleted(client, first);
    const running = await startTextTurn(client, sourceId, 'running question');
    await client.notification('item/agentMessage/delta', (params) => params.turnId === running);

    const refused = await client.request('thread/fork', { threadId: sourceId, lastTurnId: running });
    assert.deepEqual(refused.error, {
      code: -32600,
      message: `lastTurnId '${running}' identifies an in-progress turn`,
    });

    const { thread } = await forkOf(client, { threadId: sourceId });
    assert.deepEqual(
      thread.turns.map((turn) => [turn.id, turn.status, turn.completedAt]),
      [
        [first, 'completed', thread.turns[0]?.completedAt],
        [running, 'interrupted', null],
      ],
    );
    assert.deepEqual(turnSummary(thread.turns)[1], ['interrupted', ['userMessage:running question']]);
    const lines = await rolloutLines(thread.path as string);
    const marker = lines.at(-2)?.payload as { role: string; content: { text: string }[] };
    assert.equal(marker.role, 'user');
    assert.match(marker.content[0]?.text ?? '', /^<turn_aborted>\nThe user interrupted the previous turn on purpose\./);
    assert.deepEqual(lines.at(-1)?.payload, {
      type: 'turn_aborted',
      root_turn_id: running,
      turn_id: running,
      reason: 'interrupted',
      started_at: (lines.find((line) => line.payload.type === 'task_started' && line.payload.turn_id === running)
        ?.payload.started_at as number),
    });

    // The source's turn is still running; the fork is idle and goes on with the marker in its history.
    await turnCompleted(client, await startTextTurn(client, thread.id, 'fork question'));
    const [, , request] = await rig.fake.waitForRequests(3);
    const texts = conversationTexts(request?.body);
    assert.deepEqual(texts.slice(0, 3), ['first question', 'first answer', 'running question']);
    assert.match(texts[3] ?? '', /^<turn_aborted>/);
    assert.equal(texts[4], 'fork question');

    await client.call('turn/interrupt', { threadId: sourceId, turnId: running });
    await turnCompleted(client, running);
  });

  it('makes an ephemeral fork only with excludeTurns, and writes nothing for it', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['first answer']))] });
    const { client } = rig;
    const sourceId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, sourceId, 'first question'));
    const files = async () => readdir(rig.server.codexHome, { recursive: true });
    const before = await files();

    const refused = await client.request('thread/fork', { threadId: sourceId, ephemeral: true });
    assert.deepEqual(refused.error, {
      code: -32600,
      message: 'ephemeral paginated thread/fork requires `excludeTurns: true`',
    });
    const { thread } = await forkOf(client, { threadId: sourceId, ephemeral: true, excludeTurns: true });
    assert.equal(thread.ephemeral, true);
    assert.equal(thread.path, null);
    assert.equal(thread.preview, 'first question');
    assert.deepEqual(await files(), before);
    const turns = await client.request('thread/turns/list', { threadId: thread.id });
    assert.deepEqual(turns.error, { code: -32600, message: 'ephemeral threads do not support thread/turns/list' });
    const read = await client.call('thread/read', { threadId: thread.id, includeTurns: true });
    assert.equal(read.thread.turns.length, 1);
  });

  it('carries the name over and refuses archived, unknown and unwritten sources', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['first answer']))] });
    const { client } = rig;
    const sourceId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, sourceId, 'first question'));
    await client.call('thread/name/set', { threadId: sourceId, name: 'Named source' });
    const { thread } = await forkOf(client, { threadId: sourceId, excludeTurns: true });
    assert.equal(thread.name, 'Named source');

    const error = async (params: Record<string, unknown>) => (await client.request('thread/fork', params)).error;
    const unwritten = await startThread(client);
    assert.deepEqual(await error({ threadId: unwritten }), {
      code: -32600,
      message: `no rollout found for thread id ${unwritten}`,
    });
    const unknown = '01a22686-f7aa-7f02-bf3e-99609a7d46fe';
    assert.deepEqual(await error({ threadId: unknown }), {
      code: -32600,
      message: `no rollout found for thread id ${unknown}`,
    });
    assert.deepEqual(await error({ threadId: 'nope' }), {
      code: -32600,
      message:
        'invalid session id: invalid character: expected an optional prefix of `urn:uuid:` followed by ' +
        '[0-9a-fA-F-], found `n` at 1',
    });
    assert.deepEqual(await error({ threadId: sourceId, lastTurnId: 'nope' }), {
      code: -32600,
      message: 'turn not found: nope',
    });
    assert.deepEqual(await error({ threadId: sourceId, lastTurnId: 'a', beforeTurnId: 'b' }), {
      code: -32600,
      message: '`beforeTurnId` cannot be combined with `lastTurnId`',
    });
    assert.deepEqual(await error({ threadId: sourceId, sandbox: 'read-only', permissions: ':read-only' }), {
      code: -32600,
      message: '`permissions` cannot be combined with `sandbox`',
    });

    await client.call('thread/archive', { threadId: sourceId });
    assert.deepEqual(await error({ threadId: sourceId }), {
      code: -32600,
      message: `session ${sourceId} is archived. Run \`codex unarchive ${sourceId}\` to unarchive it first.`,
    });
  });

  it('writes forks the reference reads back with the same turns', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(textTurnFrames(['first answer'])),
        sseReply(textTurnFrames(['never', ' finished']).slice(0, 3), { then: 'hang' }),
      ],
    });
    const { client } = rig;
    const sourceId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, sourceId, 'first question'));
    const running = await startTextTurn(client, sourceId, 'running question');
    await client.notification('item/agentMessage/delta', (params) => params.turnId === running);
    const { thread } = await forkOf(client, { threadId: sourceId });
    // A fork of the fork copies the copy.
    const { thread: again } = await forkOf(client, { threadId: thread.id });
    assert.deepEqual(turnSummary(again.turns), turnSummary(thread.turns));
    await client.call('turn/interrupt', { threadId: sourceId, turnId: running });
    await turnCompleted(client, running);
    await client.close();
    await rig.server.server.close();

    const reference = await startReferenceServer(t, rig.server.codexHome, process.cwd());
    for (const fork of [thread, again]) {
      // thread/resume, not thread/read: the reference's thread/read of a rollout it did not write shows no turns.
      const theirs = (await reference.call('thread/resume', { threadId: fork.id })).thread;

      assert.equal(theirs.preview, 'first question');
      assert.deepEqual(
        theirs.turns.map((turn) => [turn.id, turn.completedAt === null]),
        fork.turns.map((turn) => [turn.id, turn.completedAt === null]),
      );
      assert.deepEqual(turnSummary(theirs.turns), turnSummary(fork.turns));
    }
  });
});
