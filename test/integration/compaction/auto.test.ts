import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SUMMARIZATION_PROMPT, SUMMARY_PREFIX } from '../../../src/runtime/compaction/summary-prompt.js';
import { sseReply, textTurnFrames, toolCallFrames } from '../../helpers/fake-model-server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';
import { describeMessage, inputLines, turnMetadata, withInputTokens } from './compaction-rig.js';

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
    assert.equal(completed.turn.status, 'completed');

    const [, compaction, followUp] = await rig.fake.waitForRequests(3);
    assert.ok(compaction && followUp);
    assert.deepEqual((turnMetadata(compaction).compaction as { phase: string }).phase, 'mid_turn');
    // The model asked for a tool; its call and output are in the summarised history, not in the next request.
    assert.deepEqual(inputLines(compaction).slice(-4), ['user: do the work', 'function_call', 'function_call_output', `user: ${SUMMARIZATION_PROMPT}`]);
    assert.deepEqual(inputLines(followUp).slice(1), ['user: do the work', `user: ${SUMMARY_PREFIX}MID SUMMARY`]);
    const read = await rig.client.call('thread/read', { threadId, includeTurns: true });
    const turns = read.thread.turns;
    assert.deepEqual(turns[0]?.items.map((item) => item.type), ['userMessage', 'contextCompaction', 'agentMessage']);
  });
});
