import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { stdioTransport } from '../../../src/transport/stdio.js';
import { createSilentLogger } from '../../../src/util/logger.js';
import { AsciiText } from '../../../src/util/message-pieces.js';

describe('stdio transport', () => {
  it('writes a message given in pieces as one line, in order with whole messages', async (t) => {
    const input = new PassThrough();
    const output = new PassThrough();
    const transport = stdioTransport({ input, output, log: createSilentLogger(), maxLineBytes: 1024 });
    t.after(() => transport.close());
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));

    const long = Buffer.from(JSON.stringify(`é${'x'.repeat(100_000)}`));
    transport.send('{"method":"before"}');
    transport.sendPieces(['{"id":1,"result":{"text":', long, ',"a":', new AsciiText('"ascii"'), ',"n":"ü"}}']);
    transport.send('{"method":"after"}');
    await new Promise((resolve) => setImmediate(resolve));

    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '');
    assert.deepEqual(lines.slice(0, 3).map((line) => JSON.parse(line) as unknown), [
      { method: 'before' },
      { id: 1, result: { text: `é${'x'.repeat(100_000)}`, a: 'ascii', n: 'ü' } },
      { method: 'after' },
    ]);
  });
});
