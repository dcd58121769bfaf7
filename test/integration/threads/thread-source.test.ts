import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultOf, startThreadRig } from '../../helpers/thread-server.js';

describe('thread/start threadSource', () => {
  // The terminal UI starts its title-generation helper as `{ephemeral: true, threadSource: "system"}` and hides a
  // thread/started whose thread says so; shown `threadSource: null`, it treated the helper as a thread of its own
  // and asked `thread/turns/list` for it (observed from the reference 0.169.0: the field is echoed back).
  it('shows the client-given classification on the thread, in the answer and in thread/started', async (t) => {
    const { client } = await startThreadRig(t);
    const started = await client.call('thread/start', { ephemeral: true, threadSource: 'system' });
    const thread = started.thread;
    assert.equal(thread.threadSource, 'system');
    const announced = await client.notification('thread/started');
    assert.equal(announced.params.thread.threadSource, 'system');

    const plain = (await client.call('thread/start', {})).thread;
    assert.equal(plain.threadSource, null);
  });
});
