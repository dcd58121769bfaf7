import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RpcError, RpcErrors } from '../../../src/protocol/errors.js';
import { RpcConnection } from '../../../src/rpc/connection.js';
import type { InboundRequest, RequestOutcome } from '../../../src/rpc/connection.js';
import { ClientRequestError, ConnectionClosedError } from '../../../src/runtime/clients/client-channel.js';
import { createSilentLogger } from '../../../src/util/logger.js';
import type { Logger } from '../../../src/util/logger.js';
import { capturedLog } from '../../helpers/captured-log.js';
import { LinkedTransport } from '../../helpers/linked-transport.js';

interface Harness {
  transport: LinkedTransport;
  connection: RpcConnection;
  handled: InboundRequest[];
}

function harness(
  handle: (request: InboundRequest) => RequestOutcome | Promise<RequestOutcome> = async (request) => ({
    result: { echo: request.method },
  }),
  options: {
    maxQueuedRequests?: number;
    firstServerRequestId?: number;
    log?: Logger;
    handleNotification?: (method: string) => void;
  } = {},
): Harness {
  const transport = new LinkedTransport();
  const handled: InboundRequest[] = [];
  let nextId = options.firstServerRequestId ?? 0;
  const connection = new RpcConnection({
    transport,
    log: options.log ?? createSilentLogger(),
    maxQueuedRequests: options.maxQueuedRequests ?? 1024,
    nextServerRequestId: () => nextId++,
    handleRequest: (request) => {
      handled.push(request);
      return handle(request);
    },
    handleNotification: options.handleNotification ?? (() => {}),
  });
  return { transport, connection, handled };
}

/** Lets queued microtasks and the dispatch loop run. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('RpcConnection', () => {
  it('answers a request with its result and echoes the id', async () => {
    const { transport } = harness();
    transport.deliver({ id: 'a', method: 'x/y', params: {} });
    await settle();
    assert.deepEqual(transport.messages(), [{ id: 'a', result: { echo: 'x/y' } }]);
  });

  it('writes RpcErrors as JSON-RPC errors and other failures as -32603', async () => {
    const { transport } = harness(async (request) => {
      if (request.method === 'bad') throw RpcErrors.badRequest('nope');
      throw new Error('disk on fire');
    });
    transport.deliver({ id: 1, method: 'bad' });
    transport.deliver({ id: 2, method: 'boom' });
    await settle();
    assert.deepEqual(transport.messages(), [
      { error: { code: -32600, message: 'nope' }, id: 1 },
      { error: { code: -32603, message: 'disk on fire' }, id: 2 },
    ]);
  });

  it('dispatches requests one at a time in arrival order', async () => {
    const releases: (() => void)[] = [];
    const { transport, handled } = harness(
      (request) =>
        new Promise((resolve) => {
          releases.push(() => resolve({ result: request.id }));
        }),
    );
    transport.deliver({ id: 1, method: 'slow' });
    transport.deliver({ id: 2, method: 'fast' });
    await settle();
    assert.equal(handled.length, 1, 'the second request waits for the first');
    releases[0]?.();
    await settle();
    assert.equal(handled.length, 2);
    releases[1]?.();
    await settle();
    assert.deepEqual(
      transport.messages().map((message) => message.id),
      [1, 2],
    );
  });

  it('answers a synchronous handler in the same tick, still in order', () => {
    const { transport } = harness((request) => ({ result: request.id }));
    transport.deliver({ id: 1, method: 'x' });
    transport.deliver({ id: 2, method: 'x' });
    assert.deepEqual(transport.messages(), [
      { id: 1, result: 1 },
      { id: 2, result: 2 },
    ]);
  });

  it('runs after-response work only after the response is written', async () => {
    const { transport, connection } = harness(async () => ({
      result: 'first',
      afterResponse: [() => connection.sendNotification('after', { n: 1 })],
    }));
    transport.deliver({ id: 1, method: 'x' });
    await settle();
    const [response, notification] = transport.messages();
    assert.deepEqual(response, { id: 1, result: 'first' });
    assert.equal(notification?.method, 'after');
    assert.equal(typeof notification?.emittedAtMs, 'number');
  });

  it('answers -32001 at once when too many requests are waiting', async () => {
    let release: () => void = () => {};
    const { transport } = harness(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ result: null });
        }),
      { maxQueuedRequests: 2 },
    );
    for (let id = 1; id <= 4; id += 1) transport.deliver({ id, method: 'x' });
    await settle();
    assert.deepEqual(transport.messages(), [{ error: { code: -32001, message: 'Server overloaded; retry later.' }, id: 4 }]);
    release();
  });

  it('correlates server requests with integer ids from the shared counter', async () => {
    const { transport, connection } = harness(undefined, { firstServerRequestId: 15 });
    const answer = connection.sendRequest('attestation/generate', {});
    assert.deepEqual(transport.messages(), [{ method: 'attestation/generate', id: 15, params: {} }]);
    transport.deliver({ id: 15, result: { token: 't' } });
    assert.deepEqual(await answer, { token: 't' });
  });

  it('rejects a server request the client answers with an error', async () => {
    const { transport, connection } = harness();
    const answer = connection.sendRequest('x', {});
    transport.deliver({ id: 0, error: { code: -32000, message: 'denied' } });
    await assert.rejects(answer, (error: unknown) => error instanceof ClientRequestError && error.code === -32000);
  });

  it('ignores answers to requests it never sent', async () => {
    const { transport, connection } = harness();
    const answer = connection.sendRequest('x', {});
    transport.deliver({ id: 41, result: {} });
    transport.deliver({ id: 'zero', result: {} });
    transport.deliver({ id: 0, result: 'mine' });
    assert.equal(await answer, 'mine');
  });

  it('settles pending server requests as "connection closed" when the transport goes', async () => {
    const { transport, connection } = harness();
    const first = connection.sendRequest('a', {});
    const second = connection.sendRequest('b', {});
    let closed = false;
    connection.onClose(() => {
      closed = true;
    });
    transport.hangUp();
    await assert.rejects(first, ConnectionClosedError);
    await assert.rejects(second, ConnectionClosedError);
    assert.equal(closed, true);
    await assert.rejects(connection.sendRequest('c', {}), ConnectionClosedError);
  });

  it('stops waiting for a server request when its signal aborts', async () => {
    const { transport, connection } = harness();
    const controller = new AbortController();
    const answer = connection.sendRequest('a', {}, controller.signal);
    controller.abort(new Error('turn interrupted'));
    await assert.rejects(answer, /turn interrupted/);
    transport.deliver({ id: 0, result: 'late' });
  });

  it('does not answer requests still queued when the connection closes', async () => {
    let release: () => void = () => {};
    const { transport } = harness(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ result: 'done' });
        }),
    );
    transport.deliver({ id: 1, method: 'x' });
    transport.deliver({ id: 2, method: 'y' });
    await settle();
    transport.hangUp();
    release();
    await settle();
    assert.deepEqual(transport.messages(), []);
  });
});

/**
 * Records every promise rejection nobody handled while `body` runs (one extra turn of the event loop included, which
 * is when Node reports them).
 */
async function unhandledRejectionsDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const record = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', record);
  try {
    await body();
    await settle();
  } finally {
    process.off('unhandledRejection', record);
  }
  return seen;
}

/** A result JSON.stringify refuses ("Do not know how to serialize a BigInt"). */
const UNSERIALIZABLE = { size: 1n };

describe('RpcConnection under faults', () => {
  it('answers -32603 when a synchronous result cannot be serialized, and serves the next request', async () => {
    const { transport } = harness((request) => ({ result: request.method === 'bad' ? UNSERIALIZABLE : 'fine' }));
    transport.deliver({ id: 1, method: 'bad' });
    transport.deliver({ id: 2, method: 'good' });
    await settle();
    const [first, second] = transport.messages();
    const error = first?.error as { code: number; message: string };
    assert.equal(error.code, -32603);
    assert.match(error.message, /^the result could not be serialized: .*BigInt/);
    assert.equal(first?.id, 1);
    assert.deepEqual(second, { id: 2, result: 'fine' });
  });

  it('answers -32603 when an asynchronous or deferred result cannot be serialized, with nothing unhandled', async () => {
    const { log, text } = capturedLog('error');
    const unhandled = await unhandledRejectionsDuring(async () => {
      const { transport } = harness(
        async (request) => {
          if (request.method === 'deferred') return { result: undefined, deferred: Promise.resolve(UNSERIALIZABLE) };
          return { result: request.method === 'bad' ? UNSERIALIZABLE : 'fine' };
        },
        { log },
      );
      transport.deliver({ id: 1, method: 'bad' });
      transport.deliver({ id: 2, method: 'deferred' });
      transport.deliver({ id: 3, method: 'good' });
      await settle();
      await settle();
      const answers = new Map(transport.messages().map((message) => [message.id, message]));
      assert.equal((answers.get(1)?.error as { code: number }).code, -32603);
      assert.equal((answers.get(2)?.error as { code: number }).code, -32603);
      assert.deepEqual(answers.get(3), { id: 3, result: 'fine' });
    });
    assert.deepEqual(unhandled, []);
    assert.match(text(), /BigInt/);
  });

  it('answers handlers that reject with something other than an Error', async () => {
    const unhandled = await unhandledRejectionsDuring(async () => {
      const { transport } = harness(async (request) => {
        if (request.method === 'odd') return Promise.reject(undefined as unknown as Error);
        return { result: 'fine' };
      });
      transport.deliver({ id: 1, method: 'odd' });
      transport.deliver({ id: 2, method: 'good' });
      await settle();
      assert.deepEqual(transport.messages(), [
        { error: { code: -32603, message: 'undefined' }, id: 1 },
        { id: 2, result: 'fine' },
      ]);
    });
    assert.deepEqual(unhandled, []);
  });

  it('still answers when an error\'s data cannot be serialized', async () => {
    const { transport } = harness((request) => {
      if (request.method === 'bad') throw new RpcError(-32600, 'nope', UNSERIALIZABLE);
      return { result: 'fine' };
    });
    transport.deliver({ id: 1, method: 'bad' });
    transport.deliver({ id: 2, method: 'good' });
    await settle();
    const [first, second] = transport.messages();
    assert.equal(first?.id, 1);
    assert.equal((first?.error as { code: number }).code, -32603);
    assert.deepEqual(second, { id: 2, result: 'fine' });
  });

  it('logs a failing after-response task and still runs the others and the next request', async () => {
    const { log, text } = capturedLog('error');
    const ran: string[] = [];
    const unhandled = await unhandledRejectionsDuring(async () => {
      const { transport } = harness(
        (request) => ({
          result: request.method,
          afterResponse: [
            () => {
              throw new Error('notification builder broke');
            },
            (async () => {
              throw new Error('async follow-up broke');
            }) as () => void,
            () => ran.push(request.method),
          ],
        }),
        { log },
      );
      transport.deliver({ id: 1, method: 'first' });
      transport.deliver({ id: 2, method: 'second' });
      await settle();
      assert.deepEqual(transport.messages(), [
        { id: 1, result: 'first' },
        { id: 2, result: 'second' },
      ]);
    });
    assert.deepEqual(ran, ['first', 'second']);
    assert.deepEqual(unhandled, []);
    assert.match(text(), /notification builder broke/);
    assert.match(text(), /async follow-up broke/);
  });

  it('keeps serving after a notification handler throws', async () => {
    const { transport } = harness((request) => ({ result: request.method }), {
      handleNotification: () => {
        throw new Error('bad notification');
      },
    });
    transport.deliver({ method: 'initialized' });
    transport.deliver({ id: 1, method: 'next' });
    await settle();
    assert.deepEqual(transport.messages(), [{ id: 1, result: 'next' }]);
  });

  it('aborts its closed signal with ConnectionClosedError when the client goes away', async () => {
    let signal: AbortSignal | undefined;
    const { transport, connection } = harness(
      () =>
        new Promise<RequestOutcome>((resolve, reject) => {
          signal = connection.closedSignal;
          signal.addEventListener('abort', () => reject(signal?.reason as Error), { once: true });
        }),
    );
    transport.deliver({ id: 1, method: 'long' });
    await settle();
    assert.equal(signal?.aborted, false);
    transport.hangUp();
    await settle();
    assert.equal(signal?.aborted, true);
    assert.ok(signal?.reason instanceof ConnectionClosedError);
    assert.deepEqual(transport.messages(), []);
  });
});
