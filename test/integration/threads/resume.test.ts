import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { restartedServerClient } from '../../helpers/restarted-server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

describe('thread/resume', () => {
  it('shows every turn after a server restart and continues the conversation with the whole history', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['first answer'])), sseReply(textTurnFrames(['second answer'], { itemId: 'msg_2' }))],
    });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'first question'));
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'second question'));
    await rig.client.close();
    await rig.server.server.close();

    // A new server process on the same CODEX_HOME.
    const client = await restartedServerClient(t, rig.server.codexHome, 'second-client');

    const list = await client.call('thread/list', {});
    const listed = list.data;
    assert.deepEqual(
      listed.map((thread) => [thread.id, thread.preview, thread.status, thread.turns]),
      [[threadId, 'first question', { type: 'notLoaded' }, []]],
    );

    const unknown = await client.callRaw('thread/resume', { threadId: '01a20274-0250-7a53-b773-0774080a263e' });
    assert.deepEqual(unknown.error, {
      code: -32600,
      message: 'no rollout found for thread id 01a20274-0250-7a53-b773-0774080a263e',
    });

    const resumed = await client.call('thread/resume', { threadId });
    const { thread } = resumed;
    assert.equal(thread.id, threadId);
    assert.deepEqual(thread.status, { type: 'idle' });
    assert.equal(resumed.model, 'mock-model');
    assert.deepEqual(
      thread.turns.map((turn) => [turn.status, turn.items.map((item) => item.type)]),
      [
        ['completed', ['userMessage', 'agentMessage']],
        ['completed', ['userMessage', 'agentMessage']],
      ],
    );
    const answer = thread.turns[1]?.items[1];
    assert.equal(answer && 'text' in answer ? answer.text : undefined, 'second answer');
    const usage = await client.notification('thread/tokenUsage/updated');
    assert.equal(usage.params.tokenUsage.total.totalTokens, 30);


    // The next turn sends the whole conversation (the fake model of the first server is still up).
    rig.fake.enqueue(sseReply(textTurnFrames(['third answer'], { itemId: 'msg_3' })));
    await turnCompleted(client, await startTextTurn(client, threadId, 'third question'));
    const requests = await rig.fake.waitForRequests(3);
    const input = (requests[2]?.body as { input: { role?: string; content?: { text?: string }[] }[] }).input;
    const texts = input.map((item) => item.content?.[0]?.text ?? '').filter((text) => !text.startsWith('<'));
    assert.deepEqual(texts.slice(1), [
      'first question',
      'first answer',
      'second question',
      'second answer',
      'third question',
    ]);
  });
});
