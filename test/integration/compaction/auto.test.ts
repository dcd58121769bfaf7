import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { SUMMARIZATION_PROMPT, SUMMARY_PREFIX } from '../../../src/runtime/compaction/summary-prompt.js';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';
import { clientOnHome, describeMessage, inputLines, turnMetadata, withInputTokens } from './compaction-rig.js';

const LIMIT = 'model_auto_compact_token_limit = 1000';

function answer(text: string, id: string, inputTokens = 10) {
  return sseReply(withInputTokens(textTurnFrames([text], { itemId: id, responseId: `r_${id}` }), inputTokens));
}

describe('auto compaction', () => {
  it('compacts at the start of the turn after a response that filled the context, before its user message', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: LIMIT,
      replies: [answer('first answer', 'msg_a', 90_000), answer('SUMMARY TEXT', 'msg_s'), answer('second answer', 'msg_b')],
    });
    const threadId = await startThread(rig.client);
    const first = await startTextTurn(rig.client, threadId, 'hello one');
    await turnCompleted(rig.client, first);
    // Nothing happens at the end of the turn that filled the context.
    assert.equal(rig.fake.requests.length, 1);

    const from = rig.client.received.length;
    const second = await startTextTurn(rig.client, threadId, 'hello two');
    await turnCompleted(rig.client, second);
    const sequence = rig.client.received.slice(from).map(describeMessage);
    const compactionAt = sequence.indexOf('item/started:contextCompaction');
    assert.ok(compactionAt > sequence.indexOf('turn/started'));
    assert.ok(sequence.indexOf('item/completed:contextCompaction') < sequence.indexOf('item/started:userMessage'));

    const [, compaction, next] = await rig.fake.waitForRequests(3);
    assert.ok(compaction && next);
    assert.deepEqual(inputLines(compaction).slice(-3), ['user: hello one', 'assistant: first answer', `user: ${SUMMARIZATION_PROMPT}`]);
    const metadata = turnMetadata(compaction);
    assert.equal(metadata.request_kind, 'compaction');
    assert.deepEqual(metadata.compaction, {
      trigger: 'auto',
      reason: 'context_limit',
      implementation: 'responses',
      phase: 'pre_turn',
    });
    assert.deepEqual(inputLines(next).slice(1), ['user: hello one', `user: ${SUMMARY_PREFIX}SUMMARY TEXT`, 'user: hello two']);
  });

  it('compacts between two requests of a turn whose tool loop filled the context', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: LIMIT,
      replies: [
        sseReply(withInputTokens(toolCallFrames({ name: 'no_such_tool', arguments: {}, callId: 'call_1' }), 90_000)),
        answer('MID SUMMARY', 'msg_s'),
        answer('done', 'msg_d'),
      ],
    });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'do the work');
    const completed = await turnCompleted(rig.client, turnId);
    assert.equal((completed.turn as { status: string }).status, 'completed');

    const [, compaction, followUp] = await rig.fake.waitForRequests(3);
    assert.ok(compaction && followUp);
    assert.deepEqual((turnMetadata(compaction).compaction as { phase: string }).phase, 'mid_turn');
    // The model asked for a tool; its call and output are in the summarised history, not in the next request.
    assert.deepEqual(inputLines(compaction).slice(-4), ['user: do the work', 'function_call', 'function_call_output', `user: ${SUMMARIZATION_PROMPT}`]);
    assert.deepEqual(inputLines(followUp).slice(1), ['user: do the work', `user: ${SUMMARY_PREFIX}MID SUMMARY`]);
    const read = resultOf(await rig.client.request('thread/read', { threadId, includeTurns: true }));
    const turns = (read.thread as { turns: { items: { type: string }[] }[] }).turns;
    assert.deepEqual(turns[0]?.items.map((item) => item.type), ['userMessage', 'contextCompaction', 'agentMessage']);
  });

  it('keeps a long session going: sixty turns compact again and again, every turn stays on disk and resumable', async (t) => {
    const TURNS = 60;
    const replies = [answer('answer 1', 'msg_1', 2_000)];
    for (let turn = 2; turn <= TURNS; turn++) {
      replies.push(answer(`summary before turn ${turn}`, `msg_s${turn}`), answer(`answer ${turn}`, `msg_${turn}`, 2_000));
    }
    const rig = await startThreadRig(t, { configExtra: LIMIT, replies });
    const threadId = await startThread(rig.client);
    for (let turn = 1; turn <= TURNS; turn++) {
      const completed = await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, `question ${turn}`));
      assert.equal((completed.turn as { status: string }).status, 'completed', `turn ${turn}`);
    }
    assert.equal(rig.fake.requests.length, 2 * TURNS - 1);
    const last = rig.fake.requests[rig.fake.requests.length - 1];
    assert.ok(last);
    const lines = inputLines(last);
    // Only the user's questions and the newest summary remain: no answers, no older summaries.
    assert.equal(lines.filter((line) => line.startsWith('assistant:')).length, 0);
    assert.deepEqual(lines.filter((line) => line.startsWith(`user: ${SUMMARY_PREFIX}`)), [`user: ${SUMMARY_PREFIX}summary before turn ${TURNS}`]);
    assert.equal(lines[lines.length - 1], `user: question ${TURNS}`);

    const read = resultOf(await rig.client.request('thread/read', { threadId }));
    const path = (read.thread as { path: string }).path;
    const rollout = (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { type: string; payload: { type?: string; item?: { type: string } } });
    assert.equal(rollout.filter((line) => line.type === 'compacted').length, TURNS - 1);
    assert.equal(rollout.filter((line) => line.payload.item?.type === 'UserMessage').length, TURNS);
    await rig.client.close();
    await rig.server.server.close();

    const client = await clientOnHome(t, rig.server.codexHome);
    const resumed = resultOf(await client.request('thread/resume', { threadId }));
    const turns = (resumed.thread as { turns: { status: string; items: { type: string }[] }[] }).turns;
    assert.equal(turns.length, TURNS);
    assert.ok(turns.every((turn) => turn.status === 'completed'));
    assert.deepEqual(turns[TURNS - 1]?.items.map((item) => item.type), ['contextCompaction', 'userMessage', 'agentMessage']);
  });
});
