import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboundLimits } from '../../../src/rpc/outbound-queue.js';
import { capturedLog } from '../../helpers/captured-log.js';
import { sseReply, startFakeModelServer, textTurnFrames } from '../../helpers/fake-model-server.js';
import { RawSocket } from '../../helpers/raw-socket.js';
import { RpcTestClient, WAIT_MS } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';
import { mockProviderConfig, resultOf, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';

/** Small limits, so that a few megabytes past the kernel's socket buffers are enough to trip them. */
const TEST_LIMITS: OutboundLimits = { softBytes: 64 * 1024, hardBytes: 256 * 1024, hardGraceMs: 300 };

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('slow clients', () => {
  it('cuts off a subscriber that stops reading (1008, logged) while the turn goes on for the others', async (t) => {
    // ~8 MB of answer in 16 KiB deltas: well past what the sockets' kernel buffers absorb.
    const chunks = Array.from({ length: 500 }, (_, index) => `${String(index).padStart(4, '0')}${'x'.repeat(16 * 1024 - 4)}`);
    const fake = await startFakeModelServer(t, [sseReply(textTurnFrames(chunks))]);
    const captured = capturedLog('warn');
    const { url, server } = await startTestServer(t, {}, mockProviderConfig(fake.baseUrl), {
      outboundLimits: TEST_LIMITS,
      log: captured.log,
    });
    const owner = await RpcTestClient.connect(url);
    t.after(() => owner.close());
    await owner.initialize({ experimentalApi: true });
    const threadId = await startThread(owner);

    const slow = await RawSocket.connect(url);
    t.after(() => slow.close());
    await slow.initialize();
    slow.send({ id: 'resume', method: 'thread/resume', params: { threadId, excludeTurns: true } });
    assert.equal((await slow.next()).id, 'resume');
    slow.tcp.pause();

    const turnId = await startTextTurn(owner, threadId, 'write a lot');
    await until(() => server.connectionStats().length === 1, 'the slow client to be cut off');
    slow.tcp.resume();
    const { code, reason } = await slow.closed();
    assert.equal(code, 1008);
    assert.equal(reason, 'slow client: outbound queue over budget');
    assert.match(captured.text(), /disconnecting slow connection after outbound queue stayed over its budget/);

    // The owner missed nothing, in order, and the turn completed.
    const completed = await turnCompleted(owner, turnId);
    assert.equal((completed.turn as { status: string }).status, 'completed');
    const deltas = owner.received
      .filter((message) => message.method === 'item/agentMessage/delta')
      .map((message) => (message.params as { delta: string }).delta);
    assert.deepEqual(deltas, chunks);
    // So did the rollout.
    const read = resultOf(await owner.request('thread/read', { threadId, includeTurns: true })).thread as {
      turns: { items: { type: string; text?: string }[] }[];
    };
    const answer = read.turns[0]?.items.find((item) => item.type === 'agentMessage');
    assert.equal(answer?.text, chunks.join(''));
  });
});
