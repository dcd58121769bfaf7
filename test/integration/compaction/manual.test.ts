import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { SUMMARIZATION_PROMPT, SUMMARY_PREFIX } from '../../../src/runtime/compaction/summary-prompt.js';
import { httpReply, sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { isNotification } from '../../helpers/rpc-client.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';

import {
  startTextTurn,
  startThread,
  startThreadRig,
  turnCompleted,
} from '../../helpers/thread-server.js';
import { clientOnHome, describeMessage, inputLines, runCompaction, turnMetadata } from './compaction-rig.js';

const answer = (text: string, id: string) => sseReply(textTurnFrames([text], { itemId: id, responseId: `r_${id}` }));

/** Runs a compaction turn; returns the messages from the response on, and the turn id. */
async function compact(client: RpcTestClient, threadId: string): Promise<{ messages: string[]; turnId: string }> {
  const { responseAt, turnId } = await runCompaction(client, threadId);
  return { messages: client.received.slice(responseAt).map(describeMessage), turnId };
}

describe('thread/compact/start', () => {
  it('summarises the conversation in a turn of its own; the next turn sends the user messages and the summary', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [answer('first answer', 'msg_a'), answer('SUMMARY TEXT', 'msg_s'), answer('second answer', 'msg_b')],
    });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello one'));

    const { messages, turnId } = await compact(rig.client, threadId);
    assert.deepEqual(messages, [
      'response',
      'status:active',
      'turn/started',
      'item/started:contextCompaction',
      'thread/tokenUsage/updated',
      'account/rateLimits/updated',
      'thread/tokenUsage/updated',
      'account/rateLimits/updated',
      'thread/tokenUsage/updated',
      'account/rateLimits/updated',
      'item/completed:contextCompaction',
      'status:idle',
      'turn/completed:completed',
    ]);
    assert.ok(!rig.client.received.some((m) => m.method === 'thread/compacted'));

    // The compaction request: no tools, the whole history, our prompt last, marked as a manual compaction.
    const [, compaction] = await rig.fake.waitForRequests(2);
    assert.ok(compaction);
    assert.deepEqual((compaction.body as { tools: unknown[] }).tools, []);
    assert.deepEqual(inputLines(compaction).slice(-3), [
      'user: hello one',
      'assistant: first answer',
      `user: ${SUMMARIZATION_PROMPT}`,
    ]);
    const metadata = turnMetadata(compaction);
    assert.equal(metadata.request_kind, 'compaction');
    assert.deepEqual((metadata.compaction as { trigger: string }).trigger, 'manual');

    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello two'));
    const next = (await rig.fake.waitForRequests(3))[2];
    assert.ok(next);
    const lines = inputLines(next);
    assert.ok(lines[0]?.startsWith('user: <environment_context>'), lines[0]);
    assert.deepEqual(lines.slice(1), ['user: hello one', `user: ${SUMMARY_PREFIX}SUMMARY TEXT`, 'user: hello two']);

    // thread/read shows the compaction turn with its item; the rollout holds the compacted history.
    const { thread } = await rig.client.call('thread/read', { threadId, includeTurns: true });
    const compactionTurn = thread.turns.find((turn) => turn.id === turnId);
    assert.deepEqual(compactionTurn?.items.map((item) => item.type), ['contextCompaction']);
    assert.ok(thread.path, 'a stored thread has a rollout file');
    const lines2 = (await readFile(thread.path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { type: string; payload: Record<string, unknown> });
    const compacted = lines2.filter((line) => line.type === 'compacted');
    assert.equal(compacted.length, 1);
    assert.equal(compacted[0]?.payload.message, `${SUMMARY_PREFIX}SUMMARY TEXT`);
    // The opening context (the permissions developer message, the environment), the user's message, the summary.
    assert.equal((compacted[0]?.payload.replacement_history as unknown[]).length, 4);
  });

  it('survives a restart: a resumed thread continues from the compacted conversation', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [answer('first answer', 'msg_a'), answer('SUMMARY TEXT', 'msg_s'), answer('after restart', 'msg_c')],
    });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello one'));
    await compact(rig.client, threadId);
    await rig.client.close();
    await rig.server.server.close();

    const client = await clientOnHome(t, rig.server.codexHome);
    const { turns } = (await client.call('thread/resume', { threadId })).thread;
    assert.deepEqual(turns.map((turn) => turn.items.map((item) => item.type)), [
      ['userMessage', 'agentMessage'],
      ['contextCompaction'],
    ]);
    await turnCompleted(client, await startTextTurn(client, threadId, 'hello again'));
    const next = (await rig.fake.waitForRequests(3))[2];
    assert.ok(next);
    assert.deepEqual(inputLines(next).slice(1), ['user: hello one', `user: ${SUMMARY_PREFIX}SUMMARY TEXT`, 'user: hello again']);
  });

  it('asks with config.toml compact_prompt instead of our prompt when it is set', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: 'compact_prompt = "Summarise in one line."',
      replies: [answer('first answer', 'msg_a'), answer('SUMMARY TEXT', 'msg_s')],
    });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello one'));
    await compact(rig.client, threadId);
    const compaction = (await rig.fake.waitForRequests(2))[1];
    assert.ok(compaction);
    assert.equal(inputLines(compaction).at(-1), 'user: Summarise in one line.');
  });

  it('a failing compaction request fails its turn and leaves the conversation as it was', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [
        answer('first answer', 'msg_a'),
        httpReply(400, { error: { message: 'boom', type: 'invalid_request_error' } }),
        answer('second answer', 'msg_b'),
      ],
    });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello one'));
    const { responseAt, completed } = await runCompaction(rig.client, threadId);
    const { turn } = completed;
    assert.equal(turn.status, 'failed');
    assert.match(turn.error?.message ?? '', /boom/);
    const seen = rig.client.received.slice(responseAt).map(describeMessage);
    assert.ok(seen.includes('error'));
    assert.ok(!seen.includes('item/completed:contextCompaction'));

    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello two'));
    const next = (await rig.fake.waitForRequests(3))[2];
    assert.ok(next);
    assert.deepEqual(inputLines(next).slice(1), ['user: hello one', 'assistant: first answer', 'user: hello two']);
  });

  it('refuses input while it runs and answers for unknown threads as the reference does', async (t) => {
    let release: () => void = () => {};
    const until = new Promise<void>((resolve) => {
      release = resolve;
    });
    const rig = await startThreadRig(t, {
      replies: [
        answer('first answer', 'msg_a'),
        sseReply(textTurnFrames(['SUMMARY'], { itemId: 'msg_s', responseId: 'r_s' }), { hold: { count: 1, until } }),
        answer('SECOND SUMMARY', 'msg_t'),
      ],
    });
    const unknown = await rig.client.callRaw('thread/compact/start', { threadId: '01a24de4-03a8-71b2-8bc4-f6cc55075dc3' });
    assert.deepEqual(unknown.error, {
      code: -32600,
      message: 'thread not found: 01a24de4-03a8-71b2-8bc4-f6cc55075dc3',
    });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello one'));
    const from = rig.client.received.length;
    await rig.client.call('thread/compact/start', { threadId });
    const started = await rig.client.notification('turn/started', (_params, m) => rig.client.received.indexOf(m) >= from);
    const turnId = started.params.turn.id;
    await rig.fake.waitForRequests(2);

    const steer = await rig.client.callRaw('turn/steer', { threadId, expectedTurnId: turnId, input: [{ type: 'text', text: 'x' }] });
    assert.equal(steer.error?.message, 'cannot steer a compact turn');
    const start = await rig.client.callRaw('turn/start', { threadId, input: [{ type: 'text', text: 'x' }] });
    assert.deepEqual(start.error, {
      code: -32603,
      message: 'failed to submit turn input: ActiveTurnNotSteerable { turn_kind: Compact }',
    });

    // A second compaction replaces the running one: answered first, then the first ends interrupted.
    const second = await runCompaction(rig.client, threadId);
    const first = await turnCompleted(rig.client, turnId);
    assert.equal(first.turn.status, 'interrupted');
    const interruptedAt = rig.client.received.findIndex(
      (m) => isNotification(m, 'turn/completed') && m.params.turn.id === turnId,
    );
    assert.ok(interruptedAt > second.responseAt);
    assert.equal(second.completed.turn.status, 'completed');
    release();
  });
});
