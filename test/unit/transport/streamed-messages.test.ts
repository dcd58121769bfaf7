import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamedMessages } from '../../../src/transport/streamed-messages.js';
import { AsciiText } from '../../../src/util/message-pieces.js';

/** A sink whose buffer the test drains: it records fragments and other sends in order. */
function sink() {
  const sent: { kind: 'fragment' | 'text'; data: string; last?: boolean; bytes: number }[] = [];
  let buffered = 0;
  return {
    sent,
    drain: () => {
      buffered = 0;
    },
    get buffered() {
      return buffered;
    },
    fragments: {
      sendFragment(data: Uint8Array, last: boolean) {
        sent.push({ kind: 'fragment', data: Buffer.from(data).toString('utf8'), last, bytes: data.length });
        buffered += data.length;
      },
      get bufferedBytes() {
        return buffered;
      },
    },
    text(data: string) {
      sent.push({ kind: 'text', data, bytes: data.length });
      buffered += data.length;
    },
  };
}

describe('StreamedMessages', () => {
  it('sends a long message a few slices per drain, holding other sends until it is complete', () => {
    const io = sink();
    const streamed = new StreamedMessages(io.fragments);
    const ascii = 'a'.repeat(3_000_000);
    const mixed = `é😀${'b'.repeat(1_000_000)}😀`.repeat(2);
    const raw = Buffer.from(JSON.stringify('c'.repeat(2_500_000)));
    streamed.send(['{"x":', new AsciiText(ascii, true), ',"y":', JSON.stringify(mixed), ',"z":', raw, '}']);
    streamed.hold(() => io.text('after'), 5);
    let rounds = 0;
    while (streamed.busy) {
      // Never much more than the high-water mark waits in the socket between drains.
      assert.ok(io.buffered <= 3 * 1024 * 1024, `${io.buffered} bytes buffered`);
      io.drain();
      streamed.pump();
      rounds++;
    }
    assert.ok(rounds >= 3, `the message went out over several drains (${rounds})`);
    const fragments = io.sent.filter((entry) => entry.kind === 'fragment');
    assert.ok(fragments.every((entry) => entry.bytes <= 2 * 512 * 1024), 'fragments are slices');
    assert.deepEqual(fragments.map((entry) => entry.last), [...fragments.slice(1).map(() => false), true]);
    assert.equal(io.sent.at(-1)?.kind, 'text', 'the held send comes after the whole message');
    const message = JSON.parse(Buffer.concat(fragments.map((entry) => Buffer.from(entry.data))).toString()) as unknown;
    assert.deepEqual(message, { x: ascii, y: mixed, z: 'c'.repeat(2_500_000) });
    assert.equal(streamed.pendingBytes, 0);
  });

  it('sends a short message as one fragment at once', () => {
    const io = sink();
    const streamed = new StreamedMessages(io.fragments);
    streamed.send(['{"a":', new AsciiText('b', true), '}']);
    assert.equal(streamed.busy, false);
    assert.deepEqual(io.sent, [{ kind: 'fragment', data: '{"a":"b"}', last: true, bytes: 9 }]);
  });
});
