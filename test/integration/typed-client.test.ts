import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../helpers/fake-model-server.js';
import { RpcError, errorOf, isErrorResponse, resultOf } from '../helpers/rpc-results.js';
import { startTextTurn, startThread, startThreadRig } from '../helpers/thread-server.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** The test client's typed calls, the layer every other test stands on. */
describe('the typed test client', () => {
  it('resolves a call with its typed result and rejects a failed one with the code and message', async (t) => {
    const { client } = await startThreadRig(t);
    const started = await client.call('thread/start', { ephemeral: true });
    assert.equal(started.model, 'mock-model');
    assert.deepEqual(started.thread.status, { type: 'idle' });

    await assert.rejects(client.call('thread/archive', { threadId: UNKNOWN_ID }), {
      name: 'RpcError',
      code: -32600,
      message: `no rollout found for thread id ${UNKNOWN_ID}`,
      method: 'thread/archive',
    });
    const error = await client.call('thread/read', { threadId: UNKNOWN_ID }).catch((caught: unknown) => caught);
    assert.ok(error instanceof RpcError);

    const raw = await client.callRaw('thread/archive', { threadId: UNKNOWN_ID });
    assert.ok(isErrorResponse(raw));
    assert.deepEqual(errorOf(raw), { code: -32600, message: `no rollout found for thread id ${UNKNOWN_ID}` });
    assert.throws(() => resultOf(raw), /expected a result/);
    assert.equal(resultOf(await client.callRaw('thread/read', { threadId: started.thread.id })).thread.id, started.thread.id);

    // Params are the method's zod input: a wrong shape does not compile (the untyped `request` still sends it).
    // @ts-expect-error threadId is a string
    const wrong = await client.callRaw('thread/read', { threadId: 7 });
    assert.equal(errorOf(wrong).code, -32600);
  });

  it('waits for notifications by method and by their typed params', async (t) => {
    const { client } = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['one'])), sseReply(textTurnFrames(['two']))],
    });
    const threadId = await startThread(client);
    const first = await startTextTurn(client, threadId, 'first');
    const second = await client.notification('turn/completed').then(() => startTextTurn(client, threadId, 'second'));

    const done = await client.notification('turn/completed', (params) => params.turn.id === second);
    assert.equal(done.method, 'turn/completed');
    assert.equal(done.params.turn.status, 'completed');
    assert.deepEqual(
      client.receivedParams('turn/completed').map((params) => params.turn.id),
      [first, second],
    );
    const deltas = client.receivedParams('item/agentMessage/delta').map((params) => params.delta);
    assert.deepEqual(deltas, ['one', 'two']);
    await assert.rejects(
      client.notification('turn/completed', (params) => params.turn.id === 'no-such-turn', 50),
      /timed out after 50 ms waiting for notification turn\/completed/,
    );
  });
});
