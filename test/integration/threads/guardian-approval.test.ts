import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, within } from '../../helpers/fake-model-server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

type Item = { type: string; role?: string; content?: { text?: string }[] };

describe('thread/approveGuardianDeniedAction', () => {
  it('a denied action the user approves reaches the model as a developer message naming exactly that action', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['one'])), sseReply(textTurnFrames(['two']))] });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello'));
    const action = { type: 'command', source: 'shell', command: 'rm -rf build', cwd: '/tmp/project' };
    const event = { id: 'review-1', turn_id: 't1', status: 'denied', risk_level: 'high', action };
    const mark = rig.client.received.length;
    await rig.client.call('thread/approveGuardianDeniedAction', { threadId, event: { ...event, status: 'approved' } });
    await rig.client.call('thread/approveGuardianDeniedAction', { threadId, event });
    // No notification, no turn.
    assert.deepEqual(rig.client.received.slice(mark).filter((m) => typeof m.method === 'string'), []);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'retry'));

    const [, second] = await within(rig.fake.waitForRequests(2), 'two model requests');
    const input = (second!.body as { input: Item[] }).input;
    const tail = input.slice(-3);
    assert.deepEqual(tail.map((item) => `${item.type}:${item.role}`), ['message:assistant', 'message:developer', 'message:user']);
    const text = tail[1]!.content?.[0]?.text ?? '';
    const approved = JSON.parse(text.slice(text.indexOf('{')));
    assert.deepEqual(approved, { action, outcome: 'allowed' });
  });
});
