import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { websocketTransport } from '../../../src/transport/websocket.js';
import { websocketTextFrame } from '../../../src/transport/websocket-text-frame.js';
import { createSilentLogger } from '../../../src/util/logger.js';

/** Payloads at every boundary of the frame header: 7-bit, 16-bit and 64-bit lengths, and multi-byte UTF-8. */
const PAYLOADS = [
  '',
  'a'.repeat(125),
  'a'.repeat(126),
  'é'.repeat(63),
  'é'.repeat(64),
  'a'.repeat(65_535),
  'a'.repeat(65_536),
  `${'🙂'.repeat(40_000)}end`,
];

describe('websocketTextFrame', () => {
  it('writes the RFC 6455 header for each length class', () => {
    assert.deepEqual([...websocketTextFrame('hi')], [0x81, 2, 0x68, 0x69]);
    const medium = websocketTextFrame('a'.repeat(300));
    assert.deepEqual([...medium.subarray(0, 4)], [0x81, 126, 0x01, 0x2c]);
    assert.equal(medium.length, 304);
    const large = websocketTextFrame('a'.repeat(70_000));
    assert.deepEqual([...large.subarray(0, 10)], [0x81, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70]);
    assert.equal(large.length, 70_010);
  });
});

describe('websocketTransport', () => {
  it('delivers messages of every header size intact and in call order, sent in one tick or across ticks', async (t) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    t.after(() => server.close());
    await once(server, 'listening');
    const accepted = once(server, 'connection');
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, {
      perMessageDeflate: false,
    });
    t.after(() => client.terminate());
    const received: string[] = [];
    const expected = PAYLOADS.length * 2;
    const allReceived = new Promise<void>((resolve) => {
      client.on('message', (data, isBinary) => {
        assert.equal(isBinary, false);
        received.push((data as Buffer).toString('utf8'));
        if (received.length === expected) resolve();
      });
    });
    const [socket] = (await accepted) as [WebSocket];
    await once(client, 'open');
    const transport = websocketTransport(socket, 'test', createSilentLogger());
    // All in one tick (gathered into one write), then one per tick.
    for (const payload of PAYLOADS) transport.send(payload);
    for (const payload of PAYLOADS) {
      await new Promise((resolve) => setImmediate(resolve));
      transport.send(payload);
    }
    await allReceived;
    assert.deepEqual(received, [...PAYLOADS, ...PAYLOADS]);
  });
});
