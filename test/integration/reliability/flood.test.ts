import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RawSocket } from '../../helpers/raw-socket.js';
import { startTestServer } from '../../helpers/server.js';

const OVERLOADED = { code: -32001, message: 'Server overloaded; retry later.' };
const REQUESTS = 10_000;

describe('request floods', () => {
  it('stops reading a client that floods without reading, stays bounded, and answers every request', async (t) => {
    const { url, server } = await startTestServer(t);
    const client = await RawSocket.connect(url);
    t.after(() => client.close());
    await client.initialize();
    // An unknown method is answered at once with the ~4.5 KB list of known ones: 10,000 of those answers unread
    // would be ~45 MB buffered if nothing pushed back. Every tenth request is a real one.
    client.send({ id: 0, method: 'no/such/method', params: {} });
    const unknownMethodError = (await client.next()).error;

    let peakQueuedBytes = 0;
    let peakQueuedRequests = 0;
    let sawPaused = false;
    const sample = () => {
      for (const stats of server.connectionStats()) {
        peakQueuedBytes = Math.max(peakQueuedBytes, stats.outboundQueuedBytes);
        peakQueuedRequests = Math.max(peakQueuedRequests, stats.queuedRequests);
        sawPaused ||= stats.inputPaused;
      }
    };
    const sampler = setInterval(sample, 5);
    t.after(() => clearInterval(sampler));

    client.tcp.pause();
    // 1 KB each: 10 MB in all, more than the sockets' kernel buffers hold, so a server that stops reading shows.
    const pad = 'p'.repeat(1000);
    for (let id = 1; id <= REQUESTS; id++) {
      client.send({ id, method: id % 10 === 0 ? 'thread/loaded/list' : 'no/such/method', params: { pad } });
    }
    // The server stops reading once its answers back up: the client's own requests pile up on its side.
    const deadline = Date.now() + 10_000;
    while (!(sawPaused && client.socket.bufferedAmount > 0)) {
      assert.ok(Date.now() < deadline, `the server never stopped reading (${sawPaused}, ${client.socket.bufferedAmount})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    client.tcp.resume();

    let overloaded = 0;
    for (let id = 1; id <= REQUESTS; id++) {
      const message = await client.next();
      assert.equal(message.id, id, 'every request is answered, in order');
      if (message.error !== undefined && (message.error as { code: number }).code === OVERLOADED.code) {
        assert.deepEqual(message.error, OVERLOADED);
        overloaded += 1;
      } else if (id % 10 === 0) {
        assert.deepEqual(message.result, { data: [], nextCursor: null });
      } else {
        assert.deepEqual(message.error, unknownMethodError);
      }
    }
    sample();
    clearInterval(sampler);
    assert.ok(overloaded < REQUESTS);
    assert.ok(peakQueuedRequests <= 128, `peak queued requests ${peakQueuedRequests}`);
    // What one read of the socket can hold (~1000 small requests) answered: far below the 45 MB.
    assert.ok(peakQueuedBytes < 8 * 1024 * 1024, `peak outbound queue ${peakQueuedBytes} bytes`);

    // The connection is still served normally, and holds nothing once idle.
    client.send({ id: 'after', method: 'thread/loaded/list', params: {} });
    assert.deepEqual(await client.next(), { id: 'after', result: { data: [], nextCursor: null } });
    assert.deepEqual(server.connectionStats(), [
      { queuedRequests: 0, pendingServerRequests: 0, outboundQueuedMessages: 0, outboundQueuedBytes: 0, inputPaused: false },
    ]);
  });

  it('answers requests beyond the 128 waiting on one connection with -32001 at once', async (t) => {
    const { url, codexHome } = await startTestServer(t);
    const path = join(codexHome, 'small');
    await writeFile(path, 'hello');
    const client = await RawSocket.connect(url);
    t.after(() => client.close());
    await client.initialize();
    // One TCP write: the server reads all 300 in one go while the first read is still on disk.
    client.tcp.cork();
    for (let id = 1; id <= 300; id++) client.send({ id, method: 'fs/readFile', params: { path } });
    client.tcp.uncork();
    const answers = new Map<unknown, Record<string, unknown>>();
    const order: unknown[] = [];
    while (answers.size < 300) {
      const message = await client.next();
      answers.set(message.id, message);
      order.push(message.id);
    }
    const overloadedIds = [...answers.values()].filter((message) => 'error' in message).map((message) => message.id);
    assert.ok(overloadedIds.length >= 1, 'some requests were refused');
    for (const id of overloadedIds) assert.deepEqual(answers.get(id), { id, error: OVERLOADED });
    // Refusals are written at once, ahead of the answers still waiting for the disk.
    assert.ok(answers.get(order[0])?.error !== undefined, 'the first message is a refusal');
    assert.ok(
      [...answers.values()].every((message) => 'error' in message || (message.result as { dataBase64: string }).dataBase64 === 'aGVsbG8='),
    );
  });
});
