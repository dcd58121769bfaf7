import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { ServeOptions } from '../../src/cli.js';
import { startServer } from '../../src/main.js';
import { MAX_INBOUND_MESSAGE_BYTES } from '../../src/protocol/message-limits.js';
import { capturedLog } from '../helpers/captured-log.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { loadReferenceSchema } from '../helpers/reference-schema.js';
import { RpcTestClient, WAIT_MS } from '../helpers/rpc-client.js';
import { startTestServer } from '../helpers/server.js';
import { makeTempHome } from '../helpers/temp-home.js';

const REQUEST_HEAD = (id: number) => `{"id":${id},"method":"thread/loaded/list","params":{"pad":"`;
const REQUEST_TAIL = '"}}';

/**
 * One buffer of `bytes` filled with padding, reused for every oversized message of this file (each test writes
 * a request's head and tail where it needs them), so the test holds one such buffer rather than several strings.
 */
function paddedBuffer(bytes: number): Buffer {
  return Buffer.alloc(bytes, 'x');
}

/** Writes a request whose JSON text is the first `length` bytes of `buffer`; returns that view. */
function requestIn(buffer: Buffer, id: number, length: number): Buffer {
  buffer.write(REQUEST_HEAD(id), 0, 'latin1');
  buffer.write(REQUEST_TAIL, length - REQUEST_TAIL.length, 'latin1');
  return buffer.subarray(0, length);
}

describe('message size limits', () => {
  it('serves a 128 MiB websocket message, closes a larger one with 1009 and a reason, and stays up', async (t) => {
    const { url } = await startTestServer(t);
    const buffer = paddedBuffer(MAX_INBOUND_MESSAGE_BYTES + 2 * 1024 * 1024);
    const client = await RawSocket.connect(url);
    t.after(() => client.close());
    await client.initialize();
    // Sent from the buffer as a text frame: no 128 MiB string is built on this side.
    client.expectResponse(7, 'thread/loaded/list');
    client.socket.send(requestIn(buffer, 7, MAX_INBOUND_MESSAGE_BYTES), { binary: false });
    // Decoding and parsing 128 MiB takes seconds on a loaded machine: a generous bound, still not a hang.
    assert.deepEqual(await client.next(6 * WAIT_MS), { id: 7, result: { data: [], nextCursor: null } });

    const socket = await RawSocket.connect(url);
    t.after(() => socket.close());
    const closed = socket.closed();
    buffer.fill('x', 0, MAX_INBOUND_MESSAGE_BYTES);
    socket.socket.send(requestIn(buffer, 8, buffer.length), { binary: false });
    const { code, reason } = await closed;
    assert.equal(code, 1009);
    assert.equal(reason, `message larger than ${MAX_INBOUND_MESSAGE_BYTES} bytes`);

    // The first client is unaffected, and new ones are served.
    client.send({ id: 9, method: 'thread/loaded/list', params: {} });
    assert.deepEqual(await client.next(), { id: 9, result: { data: [], nextCursor: null } });
    const again = await RpcTestClient.connect(url);
    t.after(() => again.close());
    await again.initialize();
  });

  it('closes a text message with invalid UTF-8 with 1007; binary frames are dropped, the connection stays', async (t) => {
    const { url } = await startTestServer(t);
    const socket = await RawSocket.connect(url);
    t.after(() => socket.close());
    const closed = socket.closed();
    socket.socket.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    const { code, reason } = await closed;
    assert.equal(code, 1007);
    assert.equal(reason, 'invalid UTF-8 in a text message');

    const client = await RawSocket.connect(url);
    t.after(() => client.close());
    await client.initialize();
    client.socket.send(Buffer.from('{"id":1,"method":"thread/loaded/list","params":{}}'), { binary: true });
    client.send('{"id":2,"method":"thread/loaded/list","params":{}}');
    assert.deepEqual(await client.next(), { id: 2, result: { data: [], nextCursor: null } });
  });

  it('drops a message nested deeper than 127 levels unanswered, as the reference does, and serves the next', async (t) => {
    const { url } = await startTestServer(t);
    const client = await RawSocket.connect(url);
    t.after(() => client.close());
    await client.initialize();
    // The message object is one level: params 126 deep make 127 (served), 127 deep make 128 (dropped).
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
    client.send(`{"id":1,"method":"thread/loaded/list","params":${nested(126)}}`);
    assert.deepEqual(await client.next(), { id: 1, result: { data: [], nextCursor: null } });
    client.send(`{"id":2,"method":"thread/loaded/list","params":${nested(127)}}`);
    // A config write whose value is 100,000 levels deep used to overflow the stack of the TOML writer (-32603).
    client.send(`{"id":3,"method":"config/value/write","params":{"keyPath":"x","value":${'['.repeat(100_000)}${']'.repeat(100_000)},"mergeStrategy":"replace"}}`);
    client.send({ id: 4, method: 'thread/loaded/list', params: {} });
    assert.deepEqual(await client.next(), { id: 4, result: { data: [], nextCursor: null } });
  });

  it('discards an over-long stdio line with an error naming the limit and answers the next one', async (t) => {
    const codexHome = await makeTempHome(t);
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const { log, text: logged } = capturedLog('error');
    const server = await startServer(
      { config: [], enable: [], disable: [], listen: { kind: 'stdio' } } as unknown as ServeOptions,
      { env: { ...process.env, CODEX_HOME: codexHome }, log, stdin, stdout },
    );
    t.after(() => server.close());
    let output = '';
    stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const line = (message: unknown) => stdin.write(`${JSON.stringify(message)}\n`);
    line({ id: 1, method: 'initialize', params: { clientInfo: { name: 't', title: null, version: '1' } } });

    // Written in 1 MiB pieces, as a pipe delivers it: the line is never held whole on this side either.
    const piece = Buffer.alloc(1024 * 1024, 'x');
    stdin.write(REQUEST_HEAD(100));
    for (let written = 0; written <= MAX_INBOUND_MESSAGE_BYTES; written += piece.length) {
      if (!stdin.write(piece)) await once(stdin, 'drain');
    }
    stdin.write(`${REQUEST_TAIL}\n`);
    line({ id: 101, method: 'thread/loaded/list', params: {} });
    const deadline = Date.now() + WAIT_MS;
    while (!output.includes('"id":101') && Date.now() < deadline) await once(stdout, 'data');
    assert.match(output, /\{"id":101,"result":\{"data":\[\],"nextCursor":null\}\}/);
    assert.doesNotMatch(output, /"id":100/);
    assert.match(logged(), new RegExp(`discarding oversized stdio message: a line may hold at most ${MAX_INBOUND_MESSAGE_BYTES} bytes`));
    // Everything the server wrote keeps to the reference schema.
    const schema = await loadReferenceSchema();
    const methods: Record<string, string> = { 1: 'initialize', 101: 'thread/loaded/list' };
    for (const text of output.split('\n').filter((candidate) => candidate !== '')) {
      schema.validateServerMessage(JSON.parse(text), (id) => methods[String(id)]);
    }
  });
});
