import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { OutboundLimits } from '../../../src/rpc/outbound-queue.js';
import { capturedLog } from '../../helpers/captured-log.js';
import { sseReply, startFakeModelServer, textTurnFrames } from '../../helpers/fake-model-server.js';
import { RawSocket } from '../../helpers/raw-socket.js';
import { httpRequest } from '../../helpers/http.js';
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
    // ~13 MB of answer in 16 KiB deltas: past what the sockets' kernel buffers can absorb (the server's send buffer
    // grows to tcp_wmem's 4 MiB; the paused reader's receive buffer stays small once it stops reading). ~5 MB was
    // not always enough on a CI machine.
    const chunks = Array.from({ length: 800 }, (_, index) => `${String(index).padStart(4, '0')}${'x'.repeat(16 * 1024 - 4)}`);
    // The owner reads in this process, on the event loop the server produces on: unpaced, a busy loop kept it
    // over the (test-sized) budget for the whole grace too, and it was cut off as well. So the model sends the
    // next batch of deltas only once the owner has the previous one; the paused reader falls behind regardless.
    const DELTAS_PER_BATCH = 25;
    const FIRST_DELTA_FRAME = 2;
    let owner: RpcTestClient | undefined;
    const pace = (frame: number) => {
      const sent = frame - FIRST_DELTA_FRAME;
      if (owner === undefined || sent <= 0 || sent % DELTAS_PER_BATCH !== 0) return undefined;
      const last = chunks[sent - 1];
      return owner
        .waitFor((message) => (message.params as { delta?: unknown } | undefined)?.delta === last, `delta ${sent - 1}`)
        .then(() => undefined);
    };
    const fake = await startFakeModelServer(t, [sseReply(textTurnFrames(chunks), { pace })]);
    const captured = capturedLog('warn');
    const { url, server, httpBase } = await startTestServer(t, {}, mockProviderConfig(fake.baseUrl), {
      outboundLimits: TEST_LIMITS,
      log: captured.log,
    });
    owner = await RpcTestClient.connect(url);
    t.after(() => owner?.close());
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
    const metrics = (await httpRequest(`${httpBase}/metrics`)).body;
    assert.match(metrics, /^app_server_slow_client_disconnects_total 1$/m);

    // The owner missed nothing, in order, and the turn completed.
    // Bounded generously: the owner checks 13 MB of messages against the reference schema as they arrive.
    const completed = await turnCompleted(owner, turnId, 6 * WAIT_MS);
    assert.equal(completed.turn.status, 'completed');
    const deltas = owner.received
      .filter((message) => message.method === 'item/agentMessage/delta')
      .map((message) => (message.params as { delta: string }).delta);
    assert.deepEqual(deltas, chunks);
    // So did the rollout.
    const read = (await owner.call('thread/read', { threadId, includeTurns: true })).thread;
    const answer = read.turns[0]?.items.find((item) => item.type === 'agentMessage');
    assert.equal(answer?.text, chunks.join(''));
  });
});

describe('output chunks to a client that falls behind', () => {
  it('merges queued command/exec chunks of one stream, losing and reordering no byte', async (t) => {
    const limits: OutboundLimits = { softBytes: 64 * 1024, hardBytes: 256 * 1024 * 1024, hardGraceMs: 60_000 };
    const { url, server, codexHome, httpBase } = await startTestServer(t, {}, undefined, { outboundLimits: limits });
    const client = await RawSocket.connect(url);
    t.after(() => client.close());
    await client.initialize();
    const lines = 1_500_000;
    const expected = `${Array.from({ length: lines }, (_, index) => index + 1).join('\n')}\n`;
    const done = `${codexHome}/done`;
    const run = async (id: string, pauseReading: boolean): Promise<number> => {
      client.send({
        id,
        method: 'command/exec',
        params: {
          command: ['sh', '-c', `seq 1 ${lines}; seq 1 3 >&2; touch ${done}-${id}`],
          processId: id,
          streamStdoutStderr: true,
          disableOutputCap: true,
          sandboxPolicy: { type: 'dangerFullAccess' },
        },
      });
      if (pauseReading) {
        client.tcp.pause();
        // Resume once the process has finished writing and its output waits in the server's queue.
        await until(() => existsSync(`${done}-${id}`), 'the command to finish');
        await until(() => (server.connectionStats()[0]?.outboundQueuedMessages ?? 0) > 0, 'a queued backlog');
        client.tcp.resume();
      }
      const deltas: { stream: string; bytes: Buffer }[] = [];
      for (;;) {
        const message = await client.next();
        if (message.id === id) {
          assert.deepEqual(message.result, { exitCode: 0, stdout: '', stderr: '' });
          break;
        }
        assert.equal(message.method, 'command/exec/outputDelta');
        const params = message.params as { stream: string; deltaBase64: string; capReached: boolean };
        assert.equal(params.capReached, false);
        deltas.push({ stream: params.stream, bytes: Buffer.from(params.deltaBase64, 'base64') });
      }
      const text = (stream: string) =>
        Buffer.concat(deltas.filter((delta) => delta.stream === stream).map((delta) => delta.bytes)).toString('utf8');
      assert.equal(text('stdout'), expected);
      assert.equal(text('stderr'), '1\n2\n3\n');
      return Math.max(...deltas.map((delta) => delta.bytes.length));
    };
    // The server reads a pipe at most 64 KiB at a time: a larger chunk is several merged.
    const largestChunk = await run('paused', true);
    assert.ok(largestChunk > 64 * 1024, `largest chunk ${largestChunk} bytes`);
    // Each merge is counted.
    const coalesced = /^app_server_outbound_events_coalesced_total (\d+)$/m.exec((await httpRequest(`${httpBase}/metrics`)).body);
    assert.ok(Number(coalesced?.[1]) > 0, String(coalesced?.[0]));
  });
});
