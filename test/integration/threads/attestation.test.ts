import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  sseReply,
  startFakeModelServer,
  textTurnFrames,
  toolCallFrames,
  type FakeModelServer,
  type ScriptedReply,
} from '../../helpers/fake-model-server.js';
import { ATTESTATION_TIMEOUT_MS } from '../../../src/runtime/turns/attestation.js';
import { RpcTestClient, type ServerMessage } from '../../helpers/rpc-client.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { mockProviderConfig, resultOf, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';

/*
 * attestation/generate (docs/protocol.md#attestation): before each model request of a provider that wants attestation,
 * the lowest-id subscriber that opted in is asked for a token, and the request carries the outcome in
 * `x-oai-attestation`. Assertions are on what the fake model received, never on durations. Tests about the budget run
 * with the reference's 100 ms and answer from the client's own timers, on either side of it; the others widen it beyond
 * every wait of the test, so that a loaded machine cannot turn an answer into a timeout (and so that a test would fail
 * if the server sat out the budget where it must not).
 */

const METHOD = 'attestation/generate';
/** Beyond every bounded wait of these tests. */
const WIDE_BUDGET_MS = 60_000;

interface Rig {
  readonly server: TestServer;
  readonly fake: FakeModelServer;
  /** An initialized client; `requestAttestation` as asked. */
  connect(requestAttestation: boolean, name?: string): Promise<RpcTestClient>;
}

/** A server whose `mock` provider is the fake model, with `request_attestation = true` unless told otherwise. */
async function startRig(
  t: TestContext,
  replies: readonly ScriptedReply[],
  options: { requestAttestation?: boolean; budgetMs?: number } = {},
): Promise<Rig> {
  const fake = await startFakeModelServer(t, replies);
  // The mock provider's table is the config's last, so this line lands in it.
  const providerLine = options.requestAttestation === false ? '' : 'request_attestation = true\n';
  const attestationTimeoutMs = options.budgetMs ?? WIDE_BUDGET_MS;
  const server = await startTestServer(t, {}, mockProviderConfig(fake.baseUrl) + providerLine, { attestationTimeoutMs });
  const connect = async (requestAttestation: boolean, name = 'test-client') => {
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true, requestAttestation }, name);
    return client;
  };
  return { server, fake, connect };
}

function attestationRequests(client: RpcTestClient): ServerMessage[] {
  return client.received.filter((message) => message.method === METHOD);
}

/** Starts a thread on `client`, runs one text turn to completion, and returns the model request's header. */
async function headerOfOneTurn(rig: Rig, client: RpcTestClient): Promise<string | undefined> {
  const threadId = await startThread(client);
  await turnCompleted(client, await startTextTurn(client, threadId, 'hello'));
  const [request] = await rig.fake.waitForRequests(1);
  return request?.headers['x-oai-attestation'] as string | undefined;
}

function planThenTextReplies(): ScriptedReply[] {
  return [
    sseReply(
      toolCallFrames({ name: 'update_plan', callId: 'call_plan', arguments: { plan: [{ step: 'a', status: 'completed' }] } }),
    ),
    sseReply(textTurnFrames(['done'])),
  ];
}

let warmedUp: Promise<void> | undefined;

/**
 * The test client compiles a schema validator the first time it sees each message type, synchronously and in
 * this process, for longer than the 100 ms budget: a first turn would then time out for reasons of the test's
 * own. The test that expects an answer within the real budget calls this first; it runs one turn with
 * attestation once per process, its outcome unchecked.
 */
function warmUpValidators(t: TestContext): Promise<void> {
  warmedUp ??= (async () => {
    const rig = await startRig(t, planThenTextReplies(), { budgetMs: ATTESTATION_TIMEOUT_MS });
    const client = await rig.connect(true);
    client.onServerRequest(METHOD, (request) => client.answer(request, { result: { token: 'warm-up' } }));
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'warm up'));
  })();
  return warmedUp;
}

/** Registers a client timer that is cleared when the test ends, whatever happens. */
function later(t: TestContext, ms: number, action: () => void): void {
  const timer = setTimeout(action, ms);
  t.after(() => clearTimeout(timer));
}

describe('attestation/generate', () => {
  it('asks the capable subscriber before the model request and forwards its token (status 0)', async (t) => {
    const rig = await startRig(t, [sseReply(textTurnFrames(['ok']))]);
    const client = await rig.connect(true);
    client.onServerRequest(METHOD, (request) => client.answer(request, { result: { token: 'v1.opaque-token' } }));
    assert.equal(await headerOfOneTurn(rig, client), '{"v":1,"s":0,"t":"v1.opaque-token"}');
    const [request] = attestationRequests(client);
    assert.ok(request);
    assert.ok(Number.isInteger(request.id));
    assert.deepEqual(request.params, {});
    // Not thread-scoped: no serverRequest/resolved follows it.
    assert.equal(client.received.filter((message) => message.method === 'serverRequest/resolved').length, 0);
  });

  it('accepts an answer that comes within the 100 ms budget (50 ms: status 0)', async (t) => {
    await warmUpValidators(t);
    const rig = await startRig(t, [sseReply(textTurnFrames(['ok']))], { budgetMs: ATTESTATION_TIMEOUT_MS });
    const client = await rig.connect(true);
    client.onServerRequest(METHOD, (request) => {
      later(t, 50, () => client.answer(request, { result: { token: 'in-time' } }));
    });
    assert.equal(await headerOfOneTurn(rig, client), '{"v":1,"s":0,"t":"in-time"}');
  });

  it('sends the request without a token when the answer comes after 100 ms (150 ms: status 1)', async (t) => {
    const rig = await startRig(t, [sseReply(textTurnFrames(['ok'])), sseReply(textTurnFrames(['again']))], {
      budgetMs: ATTESTATION_TIMEOUT_MS,
    });
    const client = await rig.connect(true);
    let lateAnswerSent!: () => void;
    const lateAnswer = new Promise<void>((resolve) => {
      lateAnswerSent = resolve;
    });
    client.onServerRequest(METHOD, (request) => {
      later(t, 150, () => {
        client.answer(request, { result: { token: 'too-late' } });
        lateAnswerSent();
      });
    });
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'hello'));
    const [first] = await rig.fake.waitForRequests(1);
    assert.equal(first?.headers['x-oai-attestation'], '{"v":1,"s":1}');
    // The late answer is dropped; the thread carries on, and the next request asks again.
    await lateAnswer;
    client.onServerRequest(METHOD, (request) => client.answer(request, { result: { token: 'second' } }));
    await turnCompleted(client, await startTextTurn(client, threadId, 'again'));
    await rig.fake.waitForRequests(2);
    assert.equal(attestationRequests(client).length, 2);
  });

  it('reports a JSON-RPC error answer as status 2', async (t) => {
    const rig = await startRig(t, [sseReply(textTurnFrames(['ok']))]);
    const client = await rig.connect(true);
    client.onServerRequest(METHOD, (request) =>
      client.answer(request, { error: { code: -32000, message: 'attestation unavailable' } }),
    );
    assert.equal(await headerOfOneTurn(rig, client), '{"v":1,"s":2}');
  });

  it('reports a connection that drops while asked as a timeout (status 1, as 0.169.0), and the turn still runs', async (t) => {
    const rig = await startRig(t, [sseReply(textTurnFrames(['ok']))]);
    const asked = await rig.connect(true, 'asked');
    const watcher = await rig.connect(false, 'watcher');
    const threadId = await startThread(asked);
    await watcher.call('thread/resume', { threadId });
    asked.onServerRequest(METHOD, () => void asked.close());
    const turnId = await startTextTurn(asked, threadId, 'hello');
    await turnCompleted(watcher, turnId);
    const [request] = await rig.fake.waitForRequests(1);
    assert.equal(request?.headers['x-oai-attestation'], '{"v":1,"s":1}');
  });

  it('reports an answer without a string token as status 4', async (t) => {
    const rig = await startRig(t, [sseReply(textTurnFrames(['one'])), sseReply(textTurnFrames(['two']))]);
    const client = await rig.connect(true);
    const malformed = [{}, { token: 42 }];
    client.onServerRequest(METHOD, (request) => client.answer(request, { result: malformed.shift() }));
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'one'));
    await turnCompleted(client, await startTextTurn(client, threadId, 'two'));
    const requests = await rig.fake.waitForRequests(2);
    assert.deepEqual(
      requests.map((request) => request.headers['x-oai-attestation']),
      ['{"v":1,"s":4}', '{"v":1,"s":4}'],
    );
  });

  it('asks nobody and sends no header when no subscriber opted in', async (t) => {
    const rig = await startRig(t, [sseReply(textTurnFrames(['ok']))]);
    // A capable connection that is not subscribed to the thread is not asked either.
    const bystander = await rig.connect(true, 'bystander');
    const client = await rig.connect(false);
    assert.equal(await headerOfOneTurn(rig, client), undefined);
    assert.deepEqual(attestationRequests(client), []);
    assert.deepEqual(attestationRequests(bystander), []);
  });

  it('asks the capable subscriber with the lowest connection id, not the first to subscribe', async (t) => {
    const rig = await startRig(t, [sseReply(textTurnFrames(['ok']))]);
    const lowest = await rig.connect(true, 'lowest');
    const owner = await rig.connect(true, 'owner');
    for (const client of [lowest, owner]) {
      client.onServerRequest(METHOD, (request) => client.answer(request, { result: { token: client === lowest ? 'low' : 'owner' } }));
    }
    const threadId = await startThread(owner);
    await lowest.call('thread/resume', { threadId });
    await turnCompleted(owner, await startTextTurn(owner, threadId, 'hello'));
    const [request] = await rig.fake.waitForRequests(1);
    assert.equal(request?.headers['x-oai-attestation'], '{"v":1,"s":0,"t":"low"}');
    assert.equal(attestationRequests(lowest).length, 1);
    assert.deepEqual(attestationRequests(owner), []);
  });

  it('asks again before every model request of a turn (a tool call makes two)', async (t) => {
    const rig = await startRig(t, planThenTextReplies());
    const client = await rig.connect(true);
    let issued = 0;
    client.onServerRequest(METHOD, (request) => client.answer(request, { result: { token: `token-${++issued}` } }));
    const threadId = await startThread(client);
    await turnCompleted(client, await startTextTurn(client, threadId, 'plan'));
    const requests = await rig.fake.waitForRequests(2);
    assert.deepEqual(
      requests.map((request) => request.headers['x-oai-attestation']),
      ['{"v":1,"s":0,"t":"token-1"}', '{"v":1,"s":0,"t":"token-2"}'],
    );
    assert.equal(attestationRequests(client).length, 2);
  });

  it('asks nothing for a provider that does not want attestation', async (t) => {
    const rig = await startRig(t, [sseReply(textTurnFrames(['ok']))], { requestAttestation: false });
    const client = await rig.connect(true);
    client.onServerRequest(METHOD, (request) => client.answer(request, { result: { token: 'unused' } }));
    assert.equal(await headerOfOneTurn(rig, client), undefined);
    assert.deepEqual(attestationRequests(client), []);
  });
});
