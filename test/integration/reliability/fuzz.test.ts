import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { MAX_MESSAGE_NESTING_DEPTH } from '../../../src/protocol/nesting-depth.js';
import { RawSocket } from '../../helpers/raw-socket.js';
import { startTestServer } from '../../helpers/server.js';

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed1234);
const CONNECTIONS = 5;
const FRAMES_PER_CONNECTION = 2_200;

/**
 * Methods the fuzz may call: ones that read, or fail on garbage, but none that writes files, runs commands or
 * starts threads (mutated params could turn into a valid `rm`).
 */
const METHODS = [
  'initialize',
  'thread/loaded/list',
  'thread/list',
  'thread/read',
  'thread/resume',
  'thread/unsubscribe',
  'turn/start',
  'turn/interrupt',
  'model/list',
  'config/read',
  'account/read',
  'collaborationMode/list',
  'skills/list',
  'fs/getMetadata',
  'fs/readDirectory',
  'fs/readFile',
  'command/exec/terminate',
  'command/exec/write',
  'no/such/method',
  '',
  'thread/loaded/list\u0000',
];

const STRANGE_STRINGS = [
  '',
  '\ud800',
  '\udfff',
  '\ud83d\ude00',
  '\u0000',
  '\ufeff',
  '\u202e',
  'a\u0301',
  '\uffff',
  '../../../../etc/passwd',
  '/',
  '💥'.repeat(1000),
];

class FrameGenerator {
  readonly #random: () => number;

  constructor(seed: number) {
    this.#random = seededRandom(seed);
  }

  int(max: number): number {
    return Math.floor(this.#random() * max);
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)] as T;
  }

  chance(p: number): boolean {
    return this.#random() < p;
  }

  string(): string {
    switch (this.int(4)) {
      case 0:
        return this.pick(STRANGE_STRINGS);
      case 1:
        return Array.from({ length: this.int(20) }, () => String.fromCharCode(this.int(0x10000))).join('');
      case 2:
        return 'x'.repeat(this.int(200));
      default:
        return `/tmp/${this.int(1000)}`;
    }
  }

  /** Any JSON value, nested up to `depth`. */
  value(depth = 3): unknown {
    switch (this.int(depth > 0 ? 9 : 6)) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 4294967296, 0.1]);
      case 3:
      case 4:
        return this.string();
      case 5:
        return this.int(100);
      case 6:
      case 7: {
        const object: Record<string, unknown> = {};
        for (let index = this.int(5); index > 0; index--) {
          object[this.pick(['threadId', 'path', 'cursor', 'limit', 'input', 'processId', 'clientInfo', '__proto__', 'constructor', this.string()])] =
            this.value(depth - 1);
        }
        return object;
      }
      default:
        return Array.from({ length: this.int(4) }, () => this.value(depth - 1));
    }
  }

  /** Ids of every kind the reference drops or echoes: floats, negatives, huge, objects, null. */
  oddId(): unknown {
    return this.pick([1.5, -7, 2 ** 64, 1e21, -0, null, {}, [], { id: 1 }, true, '', '\ud800', 'x'.repeat(10_000), NaN]);
  }

  /** `[[[...]]]` or `{"a":{"a":...}}` `depth` levels deep, as text. */
  deepText(depth: number): string {
    return this.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  }

  /** Flips, cuts or duplicates bytes of valid text. */
  mutate(text: string): string {
    let result = text;
    for (let edits = 1 + this.int(4); edits > 0; edits--) {
      const at = this.int(result.length + 1);
      switch (this.int(4)) {
        case 0:
          result = result.slice(0, at) + result.slice(at + 1);
          break;
        case 1:
          result =
            result.slice(0, at) +
            this.pick(['{', '}', '"', ',', ':', '\\', '[', ']', '\\u', '\\ud800', '0', 'null']) +
            result.slice(at);
          break;
        case 2:
          result = result.slice(0, at);
          break;
        default:
          result = result.slice(0, at) + result.slice(0, this.int(result.length)) + result.slice(at);
      }
    }
    return result;
  }
}

type Frame = { kind: 'text'; text: string; answeredId?: string | number } | { kind: 'binary'; bytes: Buffer };

/** A request with a huge string (up to `maxBytes`) where an id, a path or a cursor is expected. */
function hugeRequest(gen: FrameGenerator, id: string | number, bytes: number): Frame {
  const huge = 'h'.repeat(bytes);
  const params = gen.pick([{ threadId: huge }, { path: huge }, { cursor: huge, limit: 5 }, { huge }]);
  return { kind: 'text', text: JSON.stringify({ id, method: gen.pick(METHODS), params }), answeredId: id };
}

/** A request whose params nest `depth` levels: answered when the whole message nests at most 127 levels. */
function deepRequest(gen: FrameGenerator, id: string | number, depth: number): Frame {
  const text = `{"id":${JSON.stringify(id)},"method":${JSON.stringify(gen.pick(METHODS))},"params":${gen.deepText(depth)}}`;
  return depth + 1 <= MAX_MESSAGE_NESTING_DEPTH ? { kind: 'text', text, answeredId: id } : { kind: 'text', text };
}

/**
 * The first frames of every connection: the extremes, once each (they cost the server ~0.3 s apiece, so the
 * random mix below keeps its nesting and strings smaller).
 */
function extremeFrames(gen: FrameGenerator, nextId: () => string | number): Frame[] {
  return [
    deepRequest(gen, nextId(), 100_000),
    { kind: 'text', text: gen.deepText(100_000) },
    hugeRequest(gen, nextId(), 4 * 1024 * 1024),
  ];
}

/** One fuzz frame; `answeredId` is set when it is a well-formed request, which must get exactly one answer. */
function nextFrame(gen: FrameGenerator, nextId: () => string | number): Frame {
  const roll = gen.int(1000);
  if (roll < 500) {
    const id = nextId();
    const request: Record<string, unknown> = { id, method: gen.pick(METHODS) };
    if (gen.chance(0.9)) request.params = gen.value();
    if (gen.chance(0.1)) request.jsonrpc = gen.pick(['2.0', '1.0', 2, null]);
    return { kind: 'text', text: JSON.stringify(request), answeredId: id };
  }
  if (roll < 600) {
    return { kind: 'text', text: JSON.stringify({ id: gen.oddId(), method: gen.pick(METHODS), params: gen.value() }) };
  }
  if (roll < 670) {
    // A response or an error to a server request that was never sent, or a notification.
    return {
      kind: 'text',
      text: JSON.stringify(
        gen.pick([
          { id: gen.int(1000), result: gen.value() },
          { id: gen.oddId(), error: { code: gen.value(), message: gen.value() } },
          { method: gen.pick(METHODS), params: gen.value() },
          { method: 'initialized' },
        ]),
      ),
    };
  }
  if (roll < 690) return deepRequest(gen, nextId(), 1 + gen.int(5_000));
  if (roll < 700) return deepRequest(gen, nextId(), 120 + gen.int(16));
  if (roll < 720) return { kind: 'text', text: gen.deepText(1 + gen.int(5_000)) };
  if (roll < 880) {
    // Mutated frames use ids of their own ("m…"), so a surviving one cannot pass for a request counted above.
    const valid = JSON.stringify({ id: `m${gen.int(1000)}`, method: gen.pick(METHODS), params: gen.value() });
    return { kind: 'text', text: gen.mutate(valid) };
  }
  if (roll < 910) {
    // Lone surrogates and escapes that JSON.parse accepts but UTF-8 cannot hold.
    const id = nextId();
    return {
      kind: 'text',
      text: `{"id":${JSON.stringify(id)},"method":${JSON.stringify(gen.pick(METHODS))},"params":{"threadId":"\\ud800\\udc00\\udfff\\u0000","path":"/\\udc00"}}`,
      answeredId: id,
    };
  }
  if (roll < 913) return hugeRequest(gen, nextId(), gen.int(1024 * 1024));
  if (roll < 950) return { kind: 'text', text: gen.pick(['', ' ', 'null', '[]', '1', '"x"', '[{"id":1,"method":"model/list"}]', '{}']) };
  return { kind: 'binary', bytes: Buffer.from(Array.from({ length: gen.int(64) }, () => gen.int(256))) };
}

describe('hostile input', () => {
  it(`survives ${CONNECTIONS * FRAMES_PER_CONNECTION} random and mutated frames (seed ${SEED}) and serves correctly after`, async (t) => {
    // A real logger at debug level: logging what the fuzz provokes must not throw either.
    const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const { url, server } = await startTestServer(t, {}, undefined, { log: pino({ level: 'debug' }, sink) });
    const heapBefore = process.memoryUsage().heapUsed;

    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, connection) => {
        const gen = new FrameGenerator(SEED + connection);
        const client = await RawSocket.connect(url);
        t.after(() => client.close());
        await client.initialize();
        let counter = 0;
        // Ids of both kinds, each used once; numbers far from the small ones the fuzz scatters around.
        const nextId = () => (gen.chance(0.5) ? 1_000_000 + counter++ : `c${connection}-${counter++}`);
        const expected = new Set<string | number>();
        const answered = new Map<unknown, number>();
        const collect = (message: Record<string, unknown>) => {
          if ('id' in message && !('method' in message)) answered.set(message.id, (answered.get(message.id) ?? 0) + 1);
        };
        /**
         * Sends fences until one is served (an earlier one may be refused with -32001 while requests wait):
         * requests are served in order, so by then everything sent before has been answered.
         */
        const caughtUp = async (name: string): Promise<Record<string, unknown>> => {
          for (let attempt = 0; ; attempt++) {
            const fence = `fence-${name}-${attempt}`;
            client.send({ id: fence, method: 'thread/loaded/list', params: {} });
            for (;;) {
              const message = await client.next();
              if (message.id !== fence) {
                collect(message);
                continue;
              }
              if ('result' in message) return message;
              assert.equal((message.error as { code: number }).code, -32001);
              break;
            }
          }
        };
        const extremes = extremeFrames(gen, nextId);
        for (let sent = 0; sent < FRAMES_PER_CONNECTION; sent++) {
          const frame = extremes[sent] ?? nextFrame(gen, nextId);
          if (frame.kind === 'binary') client.socket.send(frame.bytes, { binary: true });
          else {
            client.send(frame.text);
            if (frame.answeredId !== undefined) expected.add(frame.answeredId);
          }
          // Now and then, let the server catch up (and keep this side's memory small).
          if (sent % 200 === 199) await caughtUp(`${connection}-${sent}`);
        }
        // Served correctly after it all.
        const final = await caughtUp(`${connection}-final`);
        assert.deepEqual(final.result, { data: [], nextCursor: null });
        assert.equal(client.socket.readyState, client.socket.OPEN, `connection ${connection} stays open`);
        for (const id of expected) {
          const answers = answered.get(id) ?? 0;
          assert.equal(answers, 1, `request ${JSON.stringify(id)} on connection ${connection} answered ${answers} times`);
        }
      }),
    );

    // Nothing is left behind on any connection.
    for (const stats of server.connectionStats()) {
      assert.deepEqual(stats, {
        queuedRequests: 0,
        pendingServerRequests: 0,
        outboundQueuedMessages: 0,
        outboundQueuedBytes: 0,
        inputPaused: false,
      });
    }
    // A fresh client is served normally.
    const fresh = await RawSocket.connect(url);
    t.after(() => fresh.close());
    await fresh.initialize();
    fresh.send({ id: 1, method: 'thread/loaded/list', params: {} });
    assert.deepEqual(await fresh.next(), { id: 1, result: { data: [], nextCursor: null } });
    // Generous: catches memory kept per frame, not noise.
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(heapGrowth < 256 * 1024 * 1024, `heap grew by ${Math.round(heapGrowth / 1024 / 1024)} MiB`);
  });
});
